// Cost of the credential scrubber (src/net/redact.ts) with 20 credentials and 10 header values registered
// (about 90 encoded forms): per log line (the log safety net), per peer error body, per outbound request
// (what the HTTP client registers), and on a large /api/v1/rules-shaped answer, beside the JSON.stringify
// the server pays for that answer anyway. The last figure is why HTTP answers are not scrubbed as a
// whole (README, Security). Standalone: node bench/scrub.bench.mjs [--groups=N]. Part of `npm run bench`.
import { fileURLToPath } from "node:url";
import {
  registerAuthorization,
  registerHeaderSecrets,
  registerSecret,
  registerURLSecrets,
  scrubPeerText,
  scrubSecrets,
} from "../dist/net/redact.js";

/** Secrets look random (no common prefix a regexp engine could exploit): a fixed-seed generator. */
function secrets(n, seed = 7) {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.";
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x;
  };
  return Array.from({ length: n }, () =>
    Array.from({ length: 12 + (next() % 20) }, () => chars[next() % chars.length]).join(""),
  );
}

function registerTypical() {
  const [basic, bearer, urlToken, urlPass, ...rest] = secrets(30);
  for (const s of rest.slice(0, 16)) registerSecret(s);
  registerAuthorization(`Basic ${Buffer.from(`reader:${basic}`).toString("base64")}`);
  registerAuthorization(`Bearer ${bearer}`);
  registerURLSecrets(`http://vm:8428/?token=${encodeURIComponent(urlToken)}`);
  registerURLSecrets(`http://user:${encodeURIComponent(urlPass)}@am:9093`);
  const headers = {};
  rest.slice(16).forEach((v, i) => {
    headers[`X-Header-${i}`] = v;
  });
  registerHeaderSecrets(headers);
}

/** An /api/v1/rules-like answer: groups of alerting rules with labels, annotations, alerts. */
function rulesAnswer(groups) {
  const out = { status: "success", data: { groups: [] } };
  for (let g = 0; g < groups; g++) {
    const rules = [];
    for (let r = 0; r < 20; r++) {
      const alerts = [];
      for (let a = 0; a < 5; a++) {
        alerts.push({
          state: "firing",
          name: `Alert${r}`,
          value: String(r * a),
          labels: { alertname: `Alert${r}`, instance: `host-${a}.example.com:9100`, job: `job-${g}` },
          annotations: { summary: `Instance host-${a} of job-${g} is down`, runbook: "https://runbooks/x" },
          activeAt: "2026-12-07T10:00:00Z",
          id: String(1e9 + g * 1000 + r * 10 + a),
        });
      }
      rules.push({
        state: "firing",
        name: `Alert${r}`,
        query: `up{job="job-${g}"} == 0 and on(instance) rate(errors_total[5m]) > ${r}`,
        duration: 300,
        labels: { severity: "critical", team: `team-${g % 7}` },
        annotations: { summary: "{{ $labels.instance }} is down" },
        lastError: "",
        health: "ok",
        type: "alerting",
        alerts,
      });
    }
    out.data.groups.push({ name: `group-${g}`, file: `/etc/rules/g${g}.yml`, interval: 60, rules });
  }
  return out;
}

function time(fn, n) {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
}

/** The same with 1,000 more credentials (about 4,000 forms: the index matcher instead of one regexp). */
function largeSet(line, body) {
  for (const s of secrets(1000, 11)) registerSecret(s);
  const start = process.hrtime.bigint();
  scrubSecrets(line);
  const first = Number(process.hrtime.bigint() - start) / 1e6;
  return [
    { name: "with 1,000 more credentials: first log line (builds the index)", value: first.toFixed(1), unit: "ms" },
    {
      name: "with 1,000 more credentials: log line",
      value: (time(() => scrubSecrets(line), 20_000) * 1000).toFixed(2),
      unit: "µs",
    },
    {
      name: "with 1,000 more credentials: peer error body (4 KB)",
      value: (time(() => scrubPeerText(body), 5000) * 1000).toFixed(1),
      unit: "µs",
    },
  ];
}

/** Rows {name, value, unit} for bench/run.mjs. */
export async function run({ groups = 200 } = {}) {
  registerTypical();
  const line =
    "2026-12-07T10:00:00.000Z\terror\tremotewrite\tremote write: dropped 150 series: giving up after 3 attempts in 30000ms: unexpected response code 500: internal error url=http://vm:8428/api/v1/write rows=150\n";
  const body = `${"error while reading the request body: ".repeat(20)}${secrets(30)[20]} ${"z".repeat(3000)}`;
  const answer = rulesAnswer(groups);
  let json = "";
  const stringifyMs = time(() => {
    json = JSON.stringify(answer);
  }, 3);
  const headers = {
    authorization: `Bearer ${secrets(2)[1]}`,
    "x-header-1": secrets(30)[21],
    "content-type": "application/json",
  };
  const url = "http://vm:8428/api/v1/query?query=up&step=300s&time=2026-12-07T10%3A00%3A00Z";
  return [
    {
      name: "log line (200 B): scrubSecrets",
      value: (time(() => scrubSecrets(line), 20_000) * 1000).toFixed(2),
      unit: "µs",
    },
    {
      name: "peer error body (4 KB): scrubPeerText",
      value: (time(() => scrubPeerText(body), 5000) * 1000).toFixed(1),
      unit: "µs",
    },
    {
      name: "per request: register sent headers and URL",
      value: (
        time(() => {
          registerHeaderSecrets(headers);
          registerURLSecrets(url);
        }, 100_000) * 1000
      ).toFixed(2),
      unit: "µs",
    },
    {
      name: `/api/v1/rules answer: size (${groups} groups, ${groups * 100} alerts)`,
      value: (json.length / 1e6).toFixed(1),
      unit: "MB",
    },
    { name: "/api/v1/rules answer: JSON.stringify", value: stringifyMs.toFixed(1), unit: "ms" },
    {
      name: "/api/v1/rules answer: scrubPeerText (not done, see README)",
      value: time(() => scrubPeerText(json), 5).toFixed(1),
      unit: "ms",
    },
    ...largeSet(line, body),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith("--groups="));
  for (const r of await run({ groups: arg ? Number(arg.slice(9)) : undefined })) {
    console.log(`${r.name.padEnd(62)} ${String(r.value).padStart(10)} ${r.unit}`);
  }
}
