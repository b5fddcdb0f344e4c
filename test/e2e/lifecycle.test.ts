// End to end: reloads (SIGHUP, /-/reload, -configCheckInterval) and graceful shutdown of the
// built tsalert, against a real VictoriaMetrics fed in real time.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiAlert, ApiGroup, ApiRule } from "../../src/rule/api.js";
import {
  exportSeries,
  FAST_ARGS,
  type Feeder,
  metricSamples,
  sleep,
  startFeeder,
  type TempDir,
  tempDir,
} from "../helpers/e2e.js";
import { type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const GOOD = `groups:
  - name: e2e-life
    interval: 1s
    rules:
      - alert: LifeUp
        expr: e2e_life > 0
        for: 1h
      - record: e2e:life:sum
        expr: sum(e2e_life)
`;

// LifeUp unchanged, the recording rule's expression changed, LifeNew added.
const CHANGED = `groups:
  - name: e2e-life
    interval: 1s
    rules:
      - alert: LifeUp
        expr: e2e_life > 0
        for: 1h
      - record: e2e:life:sum
        expr: sum(e2e_life) * 2
      - alert: LifeNew
        expr: e2e_life > 0
        for: 1h
`;

// Line 8 does not parse.
const BROKEN = `groups:
  - name: e2e-life
    interval: 1s
    rules:
      - alert: LifeUp
        expr: e2e_life > 0
      - alert: LifeBroken
        expr: sum(rate(e2e_life[1m]) by (
`;

let vm: RunningServer;
let feeder: Feeder;
let dir: TempDir;
const running: TsalertProcess[] = [];

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-life");
  vm = await startVictoriaMetrics();
  feeder = startFeeder(vm.url);
  feeder.set({ __name__: "e2e_life", instance: "a" }, 1);
  await feeder.flush();
});

afterAll(async () => {
  for (const p of running) await p.stop();
  await feeder?.stop();
  await vm?.stop();
  await dir?.remove();
});

async function start(file: string, extra: string[] = []): Promise<TsalertProcess> {
  const p = await startTsalert({
    args: [
      `-rule=${file}`,
      `-datasource.url=${vm.url}`,
      `-remoteWrite.url=${vm.url}`,
      "-notifier.blackhole",
      ...FAST_ARGS,
      ...extra,
    ],
  });
  running.push(p);
  return p;
}

async function groups(p: TsalertProcess): Promise<ApiGroup[]> {
  return (await p.get<{ data: { groups: ApiGroup[] } }>("/api/v1/rules")).data.groups;
}

async function rules(p: TsalertProcess): Promise<ApiRule[]> {
  return (await groups(p)).flatMap((g) => g.rules);
}

async function alerts(p: TsalertProcess): Promise<ApiAlert[]> {
  return (await p.get<{ data: { alerts: ApiAlert[] } }>("/api/v1/alerts")).data.alerts;
}

async function gauge(p: TsalertProcess, name: string): Promise<number | undefined> {
  return (await metricSamples(p.url, name))[0]?.value;
}

async function iterations(p: TsalertProcess): Promise<number> {
  return (await metricSamples(p.url, "vmalert_iteration_total", { group: "e2e-life" }))[0]?.value ?? 0;
}

/** The UI's groups page (where a failed reload is shown). */
async function groupsPage(p: TsalertProcess): Promise<string> {
  const res = await fetch(`${p.url}/vmalert/groups`);
  expect(res.status).toBe(200);
  return res.text();
}

describe("lifecycle: reloads and graceful shutdown", () => {
  it("SIGHUP applies an edited rule file; a broken one on SIGHUP or /-/reload keeps the old config", async () => {
    const file = await dir.write("life.yml", GOOD);
    const p = await start(file);
    let activeAt = "";
    await waitFor(
      async () => {
        activeAt = (await alerts(p)).find((a) => a.name === "LifeUp")?.activeAt ?? "";
        return activeAt !== "";
      },
      10_000,
      "LifeUp pending",
    );
    expect(await gauge(p, "vmalert_config_last_reload_successful")).toBe(1);

    await dir.write("life.yml", CHANGED);
    p.proc.kill("SIGHUP");
    await waitFor(async () => (await rules(p)).some((r) => r.name === "LifeNew"), 10_000, "LifeNew after SIGHUP");
    const afterHup = await rules(p);
    expect(afterHup.map((r) => r.name)).toEqual(["LifeUp", "e2e:life:sum", "LifeNew"]);
    expect(afterHup.find((r) => r.name === "e2e:life:sum")?.query).toBe("sum(e2e_life) * 2");
    // The unchanged alerting rule kept its alert: same activeAt as before the reload.
    expect((await alerts(p)).find((a) => a.name === "LifeUp")?.activeAt).toBe(activeAt);
    expect(await gauge(p, "vmalert_config_last_reload_successful")).toBe(1);
    expect(p.logs()).toContain("config reloaded");

    // Broken file, SIGHUP: the old config keeps evaluating, the failure is on /metrics and in the UI.
    const errorsBefore = (await gauge(p, "vmalert_config_last_reload_errors_total")) ?? 0;
    await dir.write("life.yml", BROKEN);
    p.proc.kill("SIGHUP");
    await waitFor(
      async () => (await gauge(p, "vmalert_config_last_reload_successful")) === 0,
      10_000,
      "reload_successful 0 after a broken SIGHUP",
    );
    expect(await gauge(p, "vmalert_config_last_reload_errors_total")).toBe(errorsBefore + 1);
    const page = await groupsPage(p);
    expect(page).toContain("Last configuration reload failed");
    expect(page).toContain(`${file}:8`);
    expect(p.logs()).toContain(`${file}:8`);
    const before = await iterations(p);
    await waitFor(async () => (await iterations(p)) >= before + 2, 10_000, "iterations to go on");
    expect((await rules(p)).map((r) => r.name)).toEqual(["LifeUp", "e2e:life:sum", "LifeNew"]);
    expect((await alerts(p)).find((a) => a.name === "LifeUp")?.activeAt).toBe(activeAt);

    // Broken file, /-/reload: answered with the error, same outcome.
    const res = await fetch(`${p.url}/-/reload`);
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(body).toContain(`${file}:8`);
    expect(await gauge(p, "vmalert_config_last_reload_successful")).toBe(0);
    expect(await gauge(p, "vmalert_config_last_reload_errors_total")).toBe(errorsBefore + 2);
    // Reported once per failed reload, as a message with file:line, never with a stack trace.
    expect(p.logs().match(/config reload failed/g)).toHaveLength(2);
    expect(p.logs()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(p.logs()).not.toContain('"stack"');

    // Fixed file, /-/reload: back to 1, the banner is gone.
    await dir.write("life.yml", CHANGED);
    const ok = await fetch(`${p.url}/-/reload`);
    await ok.arrayBuffer();
    expect(ok.status).toBe(200);
    expect(await gauge(p, "vmalert_config_last_reload_successful")).toBe(1);
    expect(await groupsPage(p)).not.toContain("Last configuration reload failed");
    expect((await alerts(p)).find((a) => a.name === "LifeUp")?.activeAt).toBe(activeAt);
  });

  it("-configCheckInterval picks up a change without a signal", async () => {
    const file = await dir.write("check.yml", GOOD);
    const p = await start(file, ["-configCheckInterval=1s"]);
    expect((await rules(p)).map((r) => r.name)).toEqual(["LifeUp", "e2e:life:sum"]);
    // Polls that find nothing changed are quiet and are not counted as reloads (as in vmalert).
    await sleep(2500);
    expect(p.logs()).not.toContain("config reloaded");
    expect(await gauge(p, "vmalert_config_last_reload_total")).toBe(0);
    await dir.write("check.yml", CHANGED);
    await waitFor(async () => (await rules(p)).some((r) => r.name === "LifeNew"), 10_000, "LifeNew without a signal");
    await sleep(2500);
    expect(p.logs().match(/config reloaded/g)).toHaveLength(1);
    await dir.write("check.yml", BROKEN);
    await waitFor(
      async () => (await gauge(p, "vmalert_config_last_reload_successful")) === 0,
      10_000,
      "the periodic check to report the broken file",
    );
    expect((await rules(p)).map((r) => r.name)).toEqual(["LifeUp", "e2e:life:sum", "LifeNew"]);
  });

  it("a SIGHUP or SIGTERM while the rules are still loading does not kill the process", async () => {
    for (const signal of ["SIGHUP", "SIGTERM"] as const) {
      // A rule file over HTTP that is answered only when released: until then tsalert is starting up.
      let release = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      let requested = () => {};
      const asked = new Promise<void>((r) => {
        requested = r;
      });
      const server = createServer((_req, res) => {
        requested();
        void released.then(() => res.end(GOOD));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const ruleURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rules.yml`;
      try {
        const p = await startTsalert({
          args: [`-rule=${ruleURL}`, `-datasource.url=${vm.url}`, `-remoteWrite.url=${vm.url}`, "-notifier.blackhole"],
          waitReady: false,
        });
        running.push(p);
        await asked;
        p.proc.kill(signal);
        await sleep(300);
        release();
        if (signal === "SIGHUP") {
          // Started anyway, then ran the reload it was asked for.
          await waitFor(async () => p.logs().includes("config reloaded"), 15_000, "the reload after startup");
          expect((await fetch(`${p.url}/health`)).status).toBe(200);
          expect(p.logs()).toContain("SIGHUP received");
          expect(await p.stop()).toBe(0);
        } else {
          // Finished starting, then shut down cleanly.
          expect(await p.exited, p.logs()).toBe(0);
          expect(p.logs()).toContain("stopped");
        }
      } finally {
        release();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
  });

  it("SIGTERM exits 0 and flushes remote write: the last iteration's result reaches VictoriaMetrics", async () => {
    const file = await dir.write(
      "flush.yml",
      `groups:
  - name: e2e-flush
    interval: 1s
    rules:
      - record: e2e:flush:sum
        expr: sum(e2e_life)
`,
    );
    // A minute's flush interval: only flushes send. Each iteration ends with one (its last rule's
    // results are written before it is over), and the shutdown drains whatever is left.
    const p = await start(file, ["-remoteWrite.flushInterval=1m"]);
    await waitFor(
      async () => {
        const g = (await groups(p)).find((x) => x.name === "e2e-flush");
        return (g?.rules[0]?.lastSamples ?? 0) > 0;
      },
      10_000,
      "a first evaluation",
    );
    await sleep(2000);

    const last = Date.parse((await groups(p)).find((x) => x.name === "e2e-flush")?.lastEvaluation ?? "");
    const code = await p.stop(15_000);
    expect(code, p.logs()).toBe(0);
    await fetch(`${vm.url}/internal/force_flush`).then((r) => r.arrayBuffer());
    const series = await exportSeries(vm.url, "e2e:flush:sum");
    expect(series).toHaveLength(1);
    const ts = series[0]?.timestamps ?? [];
    // Every iteration's sample, down to the one evaluated last before SIGTERM.
    expect(ts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...ts)).toBeGreaterThanOrEqual(Math.floor(last / 1000) * 1000);
    expect(new Set(series[0]?.values)).toEqual(new Set([1]));
    expect(p.logs()).toContain("stopped");
  });
});
