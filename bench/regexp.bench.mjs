// Regexps on the hot paths, per alert per notification: alert relabeling (a typical
// alert_relabel_configs of 5 entries) and the template functions `match` and `reReplaceAll`, 100,000
// operations each, through tsalert's code (RE2 via re2js). A native RegExp loop over the same patterns
// is the baseline. Standalone: node bench/regexp.bench.mjs [--ops=N]; REGEXP_BENCH_DIST=path/to/dist
// measures another build. Part of `npm run bench` (bench/run.mjs).
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dist = process.env.REGEXP_BENCH_DIST
  ? pathToFileURL(`${resolve(process.env.REGEXP_BENCH_DIST)}/`).href
  : new URL("../dist/", import.meta.url).href;

const RELABEL = [
  { source_labels: ["instance"], regex: "(.+):(\\d+)", target_label: "host", replacement: "$1" },
  { source_labels: ["severity"], regex: "critical|warning|info", action: "keep" },
  { regex: "tmp_.*", action: "labeldrop" },
  { source_labels: ["job", "env"], separator: "/", regex: "(.*)/prod", target_label: "team", replacement: "oncall-$1" },
  { regex: "meta_(.+)", action: "labelmap", replacement: "m_$1" },
];

const MATCH = ["^web-\\d+\\.example\\.com:\\d+$", "(?i)prod", "^host-[0-9]+"];
const REPLACE = [
  ["(.*):\\d+", "$1"],
  ["\\.example\\.com", ""],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's `${name}` expansion, not JS
  ["(?P<n>[a-z]+)-(\\d+)", "${n}#$2"],
];

function labels(i) {
  return {
    alertname: "InstanceDown",
    instance: `${i % 3 === 0 ? "web" : "host"}-${i}.example.com:9100`,
    job: `job-${i % 50}`,
    env: i % 2 ? "prod" : "dev",
    severity: ["critical", "warning", "info", "page"][i % 4],
    tmp_scrape: "1",
    meta_zone: `zone-${i % 3}`,
  };
}

function time(n, f) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f(i);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Rows {name, value, unit} for bench/run.mjs. */
export async function run({ ops = 100_000 } = {}) {
  const { parseRelabelConfigs, relabel } = await import(`${dist}notifier/relabel.js`);
  const { VMFUNCS } = await import(`${dist}template/vmfuncs.js`);
  const rules = parseRelabelConfigs(RELABEL);
  const sets = Array.from({ length: 1000 }, (_, i) => labels(i));
  const inputs = sets.map((l) => l.instance);
  const match = VMFUNCS.match.fn;
  const reReplaceAll = VMFUNCS.reReplaceAll.fn;
  const ctx = { externalURL: "", query: async () => [] };

  const relabelOnce = (i) => relabel(sets[i % sets.length], rules);
  const matchOnce = (i) => match([MATCH[i % MATCH.length], inputs[i % inputs.length]], ctx);
  const replaceOnce = (i) => {
    const [re, repl] = REPLACE[i % REPLACE.length];
    return reReplaceAll([re, repl, inputs[i % inputs.length]], ctx);
  };
  const natives = MATCH.map((p) => new RegExp(p.replace("(?i)", ""), p.startsWith("(?i)") ? "i" : ""));
  const nativeOnce = (i) => natives[i % natives.length].test(inputs[i % inputs.length]);

  const rows = [];
  for (const [name, f] of [
    ["relabel (5 alert_relabel_configs)", relabelOnce],
    ["template match", matchOnce],
    ["template reReplaceAll", replaceOnce],
    ["baseline: native RegExp.test, same patterns as match", nativeOnce],
  ]) {
    time(Math.min(ops, 10_000), f);
    const seconds = time(ops, f);
    rows.push({ name: `${name}: ${ops} ops`, value: Math.round(seconds * 1000), unit: "ms" });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith("--ops="));
  const rows = await run(arg ? { ops: Number(arg.split("=")[1]) } : {});
  for (const r of rows) console.log(`${r.name.padEnd(64)} ${String(r.value).padStart(8)} ${r.unit}`);
}
