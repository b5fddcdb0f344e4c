// Compares our JSON key sets with what the real vmalert 1.79.5 (Debian) emits for the same kinds of
// objects: every key vmalert has must be in ours (we may add the newer vmalert's fields).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  importSeries,
  type RunningServer,
  startAlertmanager,
  startVictoriaMetrics,
  waitFor,
} from "../helpers/servers.js";
import { type ApiBody, getJSON, type Started, start } from "./start.js";

const RULES = `groups:
  - name: compat
    interval: 1s
    rules:
      - alert: AlwaysUp
        expr: compat_up > 0
        labels: { severity: info }
        annotations: { summary: "value {{ $value }}" }
      - record: compat:sum
        expr: sum(compat_up)
`;

let vm: RunningServer;
let am: RunningServer;
let ours: Started;
let dir: string;
let stopVmalert: () => Promise<void> = async () => {};
let vmalertURL = "";

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  am = await startAlertmanager();
  const now = Date.now();
  await importSeries(vm.url, [
    { labels: { __name__: "compat_up", job: "compat" }, values: [1, 1], timestamps: [now - 60_000, now] },
  ]);
  dir = await mkdtemp(join(tmpdir(), "vmalert-compat-"));
  const ruleFile = join(dir, "rules.yml");
  await writeFile(ruleFile, RULES);
  const port = await freePort();
  vmalertURL = `http://127.0.0.1:${port}`;
  let out = "";
  const proc = spawn(
    "vmalert",
    [
      `-rule=${ruleFile}`,
      `-datasource.url=${vm.url}`,
      `-remoteWrite.url=${vm.url}`,
      `-notifier.url=${am.url}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      "-evaluationInterval=1s",
      "-loggerLevel=ERROR",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout.on("data", (d) => {
    out += d;
  });
  proc.stderr.on("data", (d) => {
    out += d;
  });
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
  stopVmalert = async () => {
    if (exited) return;
    const done = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(t);
  };
  await waitFor(
    async () => {
      if (exited) throw new Error(`vmalert exited: ${out}`);
      const { json } = await getJSON(`${vmalertURL}/api/v1/alerts`);
      return json.data.alerts.some((a) => a.state === "firing");
    },
    30_000,
    "vmalert 1.79.5 to fire AlwaysUp",
  );
  ours = await start();
});

afterAll(async () => {
  await stopVmalert();
  await ours?.server.close();
  await am?.stop();
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const keys = (o: object) => new Set(Object.keys(o));
const missing = (want: Set<string>, have: Set<string>) => [...want].filter((k) => !have.has(k));
const extra = (theirs: Set<string>, mine: Set<string>) => [...mine].filter((k) => !theirs.has(k)).sort();

describe("JSON key sets vs vmalert 1.79.5", () => {
  it("groups, rules and alerts of /api/v1/rules and /api/v1/alerts are supersets", async () => {
    const theirs = (await getJSON(`${vmalertURL}/api/v1/rules`)).json;
    const mine = (await getJSON(`${ours.url}/api/v1/rules`)).json;
    const tg = theirs.data.groups[0];
    const mg = mine.data.groups.find((g) => g.name === "infra")!;
    expect(missing(keys(tg), keys(mg))).toEqual([]);

    const tAlerting = tg.rules.find((r) => r.type === "alerting")!;
    const tRecording = tg.rules.find((r) => r.type === "recording")!;
    const mAlerting = mg.rules.find((r) => r.name === "HighLoad")!;
    const mRecording = mg.rules.find((r) => r.type === "recording")!;
    expect(missing(keys(tAlerting), keys(mAlerting))).toEqual([]);
    expect(missing(keys(tRecording), keys(mRecording))).toEqual([]);
    expect(missing(keys(tAlerting.alerts![0]), keys(mAlerting.alerts![0]))).toEqual([]);

    const tAlerts = (await getJSON(`${vmalertURL}/api/v1/alerts`)).json as ApiBody;
    const mAlerts = (await getJSON(`${ours.url}/api/v1/alerts`)).json as ApiBody;
    expect(Object.keys(tAlerts)).toEqual(Object.keys(mAlerts));
    expect(missing(keys(tAlerts.data.alerts[0]), keys(mAlerts.data.alerts[0]))).toEqual([]);

    // What the newer vmalert added (and we serve) that 1.79.5 lacks; documented in README.md (HTTP API).
    console.log("fields beyond vmalert 1.79.5:", {
      group: extra(keys(tg), keys(mg)),
      alertingRule: extra(keys(tAlerting), keys(mAlerting)),
      alert: extra(keys(tAlerts.data.alerts[0]), keys(mAlerts.data.alerts[0])),
    });
  });

  it("single alert by ids: same key set as 1.79.5's /api/v1/alert", async () => {
    const t = (await getJSON(`${vmalertURL}/api/v1/alerts`)).json.data.alerts[0];
    const theirs = await getJSON<Record<string, unknown>>(
      `${vmalertURL}/api/v1/alert?group_id=${t.group_id}&alert_id=${t.id}`,
    );
    expect(theirs.status).toBe(200);
    const mine = await getJSON<Record<string, unknown>>(`${ours.url}/api/v1/alert?group_id=1001&alert_id=9001`);
    expect(missing(keys(theirs.json), keys(mine.json))).toEqual([]);
  });

  it("unknown paths: the same message; 404 where vmalert says 400 (a deliberate difference)", async () => {
    const theirs = await fetch(`${vmalertURL}/no/such/path`);
    const mine = await fetch(`${ours.url}/no/such/path`);
    expect(theirs.status).toBe(400);
    expect(mine.status).toBe(404);
    // vmalert prefixes its errors with the client address and request URI; the message itself is the same.
    expect((await theirs.text()).trim().endsWith(await mine.text())).toBe(true);
  });
});
