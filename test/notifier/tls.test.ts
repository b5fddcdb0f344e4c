// A real Alertmanager serving TLS with basic auth (its --web.config.file), reached through -notifier.config
// with tls_config and basic_auth. The certificate is made by openssl at test time.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createHttpClient } from "../../src/net/index.js";
import { createNotifierSet } from "../../src/notifier/set.js";
import { makeCerts, type SelfSignedCert } from "../helpers/faults.js";
import { freePort, waitFor } from "../helpers/servers.js";

// bcrypt of "am-secret" (cost 4), made with Python's crypt module; Alertmanager only accepts bcrypt.
const PASSWORD_HASH = "$2b$04$cv3TEauYTlUzCFovBlLjU.11lp8yrmze54aRCgYD/eVVld814AOWS";
const auth = `Basic ${Buffer.from("tsalert:am-secret").toString("base64")}`;

let cert: SelfSignedCert;
let dir: string;
let url: string;
let stopAM: () => Promise<void>;

beforeAll(async () => {
  cert = makeCerts();
  dir = mkdtempSync(join(tmpdir(), "am-tls-"));
  writeFileSync(join(dir, "am.yml"), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
  writeFileSync(
    join(dir, "web.yml"),
    `tls_server_config:\n  cert_file: ${cert.certFile}\n  key_file: ${cert.keyFile}\nbasic_auth_users:\n  tsalert: "${PASSWORD_HASH}"\n`,
  );
  const port = await freePort();
  url = `https://127.0.0.1:${port}`;
  let out = "";
  const proc = spawn(
    "prometheus-alertmanager",
    [
      `--config.file=${join(dir, "am.yml")}`,
      `--web.config.file=${join(dir, "web.yml")}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout?.on("data", (b) => {
    out += b;
  });
  proc.stderr?.on("data", (b) => {
    out += b;
  });
  stopAM = async () => {
    if (proc.exitCode === null) {
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await done;
    }
  };
  const probe = createHttpClient({ tls: { caFile: cert.caFile } });
  try {
    await waitFor(
      async () => (await probe.request({ url: `${url}/-/ready`, headers: { authorization: auth } })).status === 200,
      20_000,
      `alertmanager with TLS: ${out}`,
    );
  } finally {
    await probe.close();
  }
}, 60_000);

afterAll(async () => {
  await stopAM?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
  cert?.cleanup();
});

test("alerts reach an Alertmanager that requires TLS and basic auth; wrong settings are per-target errors", async () => {
  const host = new URL(url).host;
  const file = join(dir, "notifier.yml");
  writeFileSync(
    file,
    `scheme: https
tls_config:
  ca_file: ${cert.caFile}
  server_name: tsalert.test
basic_auth:
  username: tsalert
  password: am-secret
static_configs:
  - targets: ["${host}"]
  - targets: ["localhost:${new URL(url).port}"]
    basic_auth:
      username: tsalert
      password: wrong
`,
  );
  const set = await createNotifierSet({ logger: pino({ level: "silent" }), configFile: file });
  const [good, bad] = set.notifiers();
  if (!good || !bad) throw new Error("expected two targets");
  const alert = {
    labels: { alertname: "OverTLS" },
    annotations: {},
    startsAt: new Date(),
    endsAt: new Date(Date.now() + 600_000),
    generatorURL: "http://tsalert/x",
  };
  await Promise.all([good.send([alert]), bad.send([alert])]);
  expect(good.lastError()).toBe("");
  expect(bad.lastError()).toMatch(/^invalid SC 401 from https:\/\/localhost:\d+\/api\/v2\/alerts/);

  const reader = createHttpClient({ tls: { caFile: cert.caFile } });
  const res = await reader.request({ url: `${url}/api/v2/alerts`, headers: { authorization: auth } });
  const names = (JSON.parse(res.body.toString()) as { labels: Record<string, string> }[]).map(
    (a) => a.labels.alertname,
  );
  expect(names).toEqual(["OverTLS"]);
  await reader.close();
  await set.close();
});
