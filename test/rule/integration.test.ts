// The engine against a real VictoriaMetrics: recording results and ALERTS series written through the
// real remote writer, chained rules reading what the previous rule of the same group wrote, and the
// real -state.path file surviving a restart.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClosableQuerierFactory, createQuerierFactory } from "../../src/datasource/index.js";
import { RecordingNotifier, staticNotifierSet } from "../../src/notifier/fake.js";
import { createRemoteWriter } from "../../src/remotewrite/index.js";
import { systemClock } from "../../src/rule/clock.js";
import { Engine } from "../../src/rule/engine.js";
import type { EngineDeps } from "../../src/rule/types.js";
import { createStateFile } from "../../src/state/index.js";
import { compileTemplate } from "../../src/template/index.js";
import { type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { alertRule, group, recordRule, settings, silentLogger } from "./fakes.js";

let vm: RunningServer;
let dir: string;
const factories: ClosableQuerierFactory[] = [];

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  dir = await mkdtemp(join(tmpdir(), "tsalert-rule-"));
}, 30_000);

afterAll(async () => {
  await Promise.all(factories.map((f) => f.close()));
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function exported(match: string): Promise<Exported[]> {
  const res = await fetch(`${vm.url}/api/v1/export?match[]=${encodeURIComponent(match)}`);
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Exported);
}

function deps(extra: Partial<EngineDeps> = {}): EngineDeps & { am: RecordingNotifier } {
  const am = new RecordingNotifier();
  const querierFactory = createQuerierFactory({ url: vm.url });
  factories.push(querierFactory);
  return {
    querierFactory,
    notifiers: staticNotifierSet(am),
    writer: createRemoteWriter({ url: vm.url, flushInterval: 200 }, silentLogger),
    compileTemplate: (t, o) => compileTemplate(t, o),
    clock: systemClock,
    logger: silentLogger,
    settings: settings({ maxStartDelay: 1000 }),
    am,
    ...extra,
  };
}

describe("engine with real VictoriaMetrics", () => {
  it("writes recording results and ALERTS through the real remote writer", async () => {
    const d = deps();
    const e = new Engine(d);
    await e.start([
      group({
        name: "rw",
        interval: 1000,
        rules: [
          recordRule({ record: "tsalert_it_base", expr: "vector(21)", labels: { src: "it" } }),
          alertRule({
            alert: "ItHigh",
            expr: "vector(42) > 40",
            labels: { sev: "page" },
            annotations: { v: "{{ $value }}" },
          }),
        ],
      }),
    ]);
    try {
      await waitFor(async () => (await exported("ALERTS")).length > 0, 15_000, "ALERTS series");
      const g = e.groups()[0];
      const [base, alert] = g.rules;
      expect(base.lastError).toBe("");
      expect(alert.alerts?.[0].annotations).toEqual({ v: "42" });
      const [rec] = await exported("tsalert_it_base");
      expect(rec.metric).toEqual({ __name__: "tsalert_it_base", src: "it" });
      expect(rec.values.every((v) => v === 21)).toBe(true);
      // recording samples carry the evaluation time: whole seconds here (1s interval, aligned)
      expect(rec.timestamps.every((t) => t % 1000 === 0)).toBe(true);
      const [alerts] = await exported("ALERTS");
      expect(alerts.metric).toEqual({
        __name__: "ALERTS",
        alertname: "ItHigh",
        alertgroup: "rw",
        alertstate: "firing",
        sev: "page",
      });
      const [forState] = await exported("ALERTS_FOR_STATE");
      const activeAt = Math.floor(new Date(alert.alerts?.[0].activeAt ?? 0).getTime() / 1000);
      expect(forState.values[0]).toBe(activeAt);
      await e.settleSends();
      expect(d.am.alerts()[0].labels).toEqual({ alertgroup: "rw", alertname: "ItHigh", sev: "page" });
    } finally {
      await e.stop();
      await d.writer?.close(5000);
    }
  }, 30_000);

  it("-state.path: a pending alert keeps its activeAt across a restart", async () => {
    const path = join(dir, "state.json");
    const cfg = group({
      name: "restart",
      interval: 1000,
      rules: [alertRule({ alert: "Slow", expr: "vector(1)", for: 60_000 })],
    });
    const d1 = deps({ stateFile: createStateFile(path, silentLogger), writer: undefined });
    const e1 = new Engine(d1);
    await e1.start([cfg]);
    await waitFor(async () => (e1.groups()[0].rules[0].alerts?.length ?? 0) > 0, 10_000, "pending alert");
    const activeAt = e1.groups()[0].rules[0].alerts?.[0].activeAt;
    await e1.flushState();
    await e1.stop();

    const d2 = deps({ stateFile: createStateFile(path, silentLogger), writer: undefined });
    const e2 = new Engine(d2);
    await e2.start([cfg]);
    try {
      const restored = e2.groups()[0].rules[0].alerts?.[0];
      expect(restored?.state).toBe("pending");
      expect(restored?.restored).toBe(true);
      expect(restored?.activeAt).toBe(activeAt);
      const before = e2.groups()[0].rules[0].lastEvaluation;
      await waitFor(async () => e2.groups()[0].rules[0].lastEvaluation !== before, 10_000, "an evaluation");
      expect(e2.groups()[0].rules[0].alerts?.[0].activeAt).toBe(activeAt);
    } finally {
      await e2.stop();
    }
  }, 30_000);
});
