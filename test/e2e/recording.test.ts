// Recording rules end to end: results go through -remoteWrite.url into a real VictoriaMetrics and are
// read back with /api/v1/export (name, rule and external labels, values, evaluation timestamps). In one
// group a rule reading what the rule before it records sees this iteration's value: the group flushes
// remote write before the next rule runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiGroup } from "../../src/rule/api.js";
import {
  type ExportedSeries,
  exportSeries,
  FAST_ARGS,
  type Feeder,
  startFeeder,
  startSearchableWriteProxy,
  type TempDir,
  tempDir,
  type WriteProxy,
} from "../helpers/e2e.js";
import { type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

// e2e:clock is the evaluation time itself, so a reader that got an older iteration's sample shows it.
// nocache=1: VictoriaMetrics otherwise moves a query for "now" back by its latency offset (>= 1s).
const RULES = `groups:
  - name: e2e-rec
    interval: 1s
    params:
      nocache: ["1"]
    labels:
      team: storage
    rules:
      - record: e2e:load:sum
        expr: sum(e2e_load) by (room)
        labels:
          kind: sum
      - record: e2e:clock
        expr: time()
      - record: e2e:clock:seen
        expr: e2e:clock
  - name: e2e-alert-series
    interval: 1s
    rules:
      - alert: RecHot
        expr: e2e_load{room="b"} > 5
        for: 2s
`;

let vm: RunningServer;
let feeder: Feeder;
let dir: TempDir;
let tsalert: TsalertProcess;
let writeProxy: WriteProxy;

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-rec");
  vm = await startVictoriaMetrics();
  feeder = startFeeder(vm.url);
  feeder.set({ __name__: "e2e_load", room: "a", host: "h1" }, 3);
  feeder.set({ __name__: "e2e_load", room: "a", host: "h2" }, 4);
  feeder.set({ __name__: "e2e_load", room: "b", host: "h1" }, 10);
  await feeder.flush();
  writeProxy = await startSearchableWriteProxy(vm.url);
  const rules = await dir.write("rec.yml", RULES);
  tsalert = await startTsalert({
    args: [
      `-rule=${rules}`,
      `-datasource.url=${vm.url}`,
      `-remoteWrite.url=${writeProxy.url}`,
      "-external.label=cluster=e2e",
      "-notifier.blackhole",
      ...FAST_ARGS,
    ],
  });
});

afterAll(async () => {
  await tsalert?.stop();
  await feeder?.stop();
  await writeProxy?.stop();
  await vm?.stop();
  await dir?.remove();
});

async function waitForSamples(match: string, min: number): Promise<ExportedSeries[]> {
  let got: ExportedSeries[] = [];
  await waitFor(
    async () => {
      await fetch(`${vm.url}/internal/force_flush`).then((r) => r.arrayBuffer());
      got = await exportSeries(vm.url, match);
      return got.length > 0 && got.every((s) => s.values.length >= min);
    },
    20_000,
    `${min} samples of ${match} in VictoriaMetrics`,
  );
  return got;
}

describe("recording rules", () => {
  it("writes results with rule, group and external labels at evaluation timestamps", async () => {
    const sums = await waitForSamples("e2e:load:sum", 3);
    const byRoom = new Map(sums.map((s) => [s.metric.room, s]));
    expect([...byRoom.keys()].sort()).toEqual(["a", "b"]);
    for (const [room, want] of [
      ["a", 7],
      ["b", 10],
    ] as const) {
      const s = byRoom.get(room) as ExportedSeries;
      expect(s.metric).toEqual({ __name__: "e2e:load:sum", room, kind: "sum", team: "storage", cluster: "e2e" });
      expect(new Set(s.values)).toEqual(new Set([want]));
      // One sample per evaluation, on the 1s grid the group is aligned to.
      for (const ts of s.timestamps) expect(ts % 1000).toBe(0);
      expect(new Set(s.timestamps).size).toBe(s.timestamps.length);
    }

    const clock = await waitForSamples("e2e:clock", 3);
    expect(clock).toHaveLength(1);
    const c = clock[0] as ExportedSeries;
    expect(c.metric).toEqual({ __name__: "e2e:clock", team: "storage", cluster: "e2e" });
    // time() at the evaluation timestamp, written at that timestamp.
    c.timestamps.forEach((ts, i) => {
      expect(c.values[i]).toBe(ts / 1000);
    });

    // The API reports the same group with its last samples.
    const groups = (await tsalert.get<{ data: { groups: ApiGroup[] } }>("/api/v1/rules")).data.groups;
    const rules = groups.find((g) => g.name === "e2e-rec")?.rules ?? [];
    expect(rules.map((r) => [r.name, r.type, r.health])).toEqual([
      ["e2e:load:sum", "recording", "ok"],
      ["e2e:clock", "recording", "ok"],
      ["e2e:clock:seen", "recording", "ok"],
    ]);
  });

  it("a later rule of the group reads this iteration's result of an earlier one", async () => {
    const seen = await waitForSamples("e2e:clock:seen", 5);
    expect(seen).toHaveLength(1);
    const s = seen[0] as ExportedSeries;
    expect(s.metric).toEqual({ __name__: "e2e:clock:seen", team: "storage", cluster: "e2e" });
    const c = (await exportSeries(vm.url, "e2e:clock"))[0] as ExportedSeries;
    const clock = new Map(c.timestamps.map((ts, i) => [ts, c.values[i]]));
    // Each iteration's e2e:clock:seen equals the e2e:clock written at the same timestamp: the group waited
    // for remote write to deliver rule 1's sample before rule 2 queried. A race shows as the value of the
    // iteration before (one second less).
    const pairs = s.timestamps.map((ts, i) => [s.values[i], clock.get(ts)]);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    for (const [got, want] of pairs) expect(got).toBe(want);
    expect(writeProxy.writes()).toBeGreaterThanOrEqual(pairs.length);
  });

  it("alerting rules write ALERTS (pending, then firing) and ALERTS_FOR_STATE = activeAt", async () => {
    const labels = { alertname: "RecHot", alertgroup: "e2e-alert-series", room: "b", host: "h1", cluster: "e2e" };
    await waitForSamples('ALERTS{alertname="RecHot",alertstate="firing"}', 2);
    const alerts = await exportSeries(vm.url, 'ALERTS{alertname="RecHot"}');
    const byState = new Map(alerts.map((s) => [s.metric.alertstate, s]));
    expect([...byState.keys()].sort()).toEqual(["firing", "pending"]);
    for (const [state, s] of byState) {
      expect(s.metric).toEqual({ __name__: "ALERTS", alertstate: state, ...labels });
    }
    const pending = byState.get("pending") as ExportedSeries;
    const firing = byState.get("firing") as ExportedSeries;
    // Pending samples first (value 1), then a staleness marker (exported as null) when it fires.
    const stale = (v: number | null) => v === null || Number.isNaN(v);
    const pendingValues = pending.values as (number | null)[];
    expect(pendingValues.length).toBeGreaterThanOrEqual(2);
    expect(pendingValues.slice(0, -1).every((v) => v === 1)).toBe(true);
    expect(stale(pendingValues.at(-1) as number | null)).toBe(true);
    expect(Math.min(...firing.timestamps) - Math.min(...pending.timestamps)).toBeGreaterThanOrEqual(2000);
    expect(new Set(firing.values)).toEqual(new Set([1]));

    const forState = (await exportSeries(vm.url, 'ALERTS_FOR_STATE{alertname="RecHot"}'))[0] as ExportedSeries;
    expect(forState.metric).toEqual({ __name__: "ALERTS_FOR_STATE", ...labels });
    // activeAt (Unix seconds) of the one alert: the timestamp of its first pending evaluation.
    expect(new Set(forState.values)).toEqual(new Set([Math.min(...pending.timestamps) / 1000]));
  });
});
