// Concurrency never changes results: the same rules on the same data, once one rule at a time in file
// order with a flush after every rule (how groups ran before the dependency graph, `concurrency: 1`), once
// driven by the graph (concurrent rules, flushes only before readers, groups waiting for the groups they
// read), each against its own real VictoriaMetrics. Every written series and every notification must be
// the same.
//
// VictoriaMetrics makes a sample searchable about a second after it accepted it, and a brand-new series
// a few seconds after that. So that a read-after-write is decided by the engine and not by that delay,
// remote write goes through a proxy that asks for /internal/force_flush before it answers, and a warm-up
// pass (earlier timestamps, its own rule objects) creates every output series beforehand.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EffectiveGroupConfig } from "../../src/config/types.js";
import { type ClosableQuerierFactory, createQuerierFactory } from "../../src/datasource/index.js";
import { buildRuleGraph } from "../../src/graph/index.js";
import { RecordingNotifier, staticNotifierSet } from "../../src/notifier/fake.js";
import type { NotifierAlert } from "../../src/notifier/types.js";
import { createRemoteWriter } from "../../src/remotewrite/index.js";
import type { RemoteWriter } from "../../src/remotewrite/types.js";
import { WriteBarrier } from "../../src/rule/barrier.js";
import { systemClock } from "../../src/rule/clock.js";
import { Group } from "../../src/rule/group.js";
import { Slots } from "../../src/rule/slots.js";
import type { EngineDeps } from "../../src/rule/types.js";
import { wiringOf } from "../../src/rule/wiring.js";
import { compileTemplate } from "../../src/template/index.js";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";
import { alertRule, group, recordRule, settings, silentLogger } from "./fakes.js";

const STEP = 20_000;
/** Measured evaluations start here (a round time in the past, so every sample is already stored). */
const T0 = Math.floor((Date.now() - 3_600_000) / STEP) * STEP;
const WARMUP_T0 = T0 - 30 * 60_000;
const ITERATIONS = 7;

function configs(sequential: boolean): EffectiveGroupConfig[] {
  const c = sequential ? { concurrency: 1 } : {};
  return [
    group({
      name: "g1",
      interval: STEP,
      ...c,
      rules: [
        // Reads a rule that comes later: sees its output of the previous iteration.
        alertRule({ alert: "Early", expr: "eq_job_sum > 14" }),
        recordRule({ record: "eq_job_sum", expr: "sum(eq_src) by (job)" }),
        recordRule({ record: "eq_job_max", expr: "max(eq_src) by (job)" }),
        alertRule({
          alert: "JobHigh",
          expr: "eq_job_sum > 8",
          for: STEP,
          annotations: { summary: "{{ $labels.job }} at {{ $value }}" },
        }),
        alertRule({ alert: "AnyHigh", expr: '{__name__=~"eq_job_.*", job="j1"} > 2' }),
        recordRule({ record: "eq_alerts_count", expr: 'count(ALERTS{alertname="JobHigh"}) or vector(0)' }),
        alertRule({
          alert: "WithQuery",
          expr: "eq_job_max > 3",
          annotations: { jobs: '{{ with query "count(eq_job_sum)" }}{{ . | first | value }}{{ end }}' },
        }),
        ...[1, 2, 3, 4, 5].map((k) => recordRule({ record: `eq_scaled_${k}`, expr: `eq_src{job="j0"} * ${k}` })),
      ],
    }),
    group({
      name: "g2",
      interval: STEP,
      ...c,
      rules: [
        recordRule({ record: "eq_level2", expr: "eq_job_sum * 2" }),
        alertRule({ alert: "Level2", expr: "eq_level2 > 20" }),
        recordRule({ record: "eq_from_alerts", expr: 'ALERTS_FOR_STATE{alertname="JobHigh"} > 0' }),
      ],
    }),
  ];
}

/** eq_src{job="j<k>", instance="i<n>"}: a small integer that changes every 40 s. */
function sourceLines(): string {
  const lines: string[] = [];
  for (let k = 0; k < 4; k++) {
    for (let n = 0; n < 3; n++) {
      const values: number[] = [];
      const timestamps: number[] = [];
      for (let t = WARMUP_T0 - 600_000; t <= T0 + (ITERATIONS + 2) * STEP; t += 10_000) {
        timestamps.push(t);
        values.push((k * 3 + n + Math.floor(t / 40_000)) % 7);
      }
      lines.push(
        JSON.stringify({ metric: { __name__: "eq_src", job: `j${k}`, instance: `i${n}` }, values, timestamps }),
      );
    }
  }
  return lines.join("\n");
}

/** Forwards remote write to VictoriaMetrics and answers once the samples are searchable. */
async function flushingProxy(vmURL: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const up = await fetch(`${vmURL}${req.url}`, {
          method: req.method,
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => k.startsWith("content-") && k !== "content-length"),
          ) as Record<string, string>,
          body: Buffer.concat(chunks),
        });
        await up.arrayBuffer();
        await (await fetch(`${vmURL}/internal/force_flush`)).arrayBuffer();
        res.writeHead(up.status).end();
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

interface Outcome {
  series: string[];
  notifications: string[];
}

interface Stack {
  vm: RunningServer;
  proxy: { url: string; close(): Promise<void> };
  queriers: ClosableQuerierFactory;
  writer: RemoteWriter;
}

const stacks: Stack[] = [];

async function stack(): Promise<Stack> {
  const vm = await startVictoriaMetrics();
  const res = await fetch(`${vm.url}/api/v1/import`, { method: "POST", body: sourceLines() });
  expect(res.ok).toBe(true);
  await fetch(`${vm.url}/internal/force_flush`);
  const proxy = await flushingProxy(vm.url);
  const s: Stack = {
    vm,
    proxy,
    queriers: createQuerierFactory({ url: vm.url }),
    writer: createRemoteWriter({ url: proxy.url, flushInterval: 200, flushWaitsWhileDown: true }, silentLogger),
  };
  stacks.push(s);
  return s;
}

/** Fresh groups (no alert state) of one mode; `run(ts)` evaluates all of them at ts. */
function groupsOf(s: Stack, sequential: boolean, am: RecordingNotifier) {
  const cfgs = configs(sequential);
  const deps: EngineDeps = {
    querierFactory: s.queriers,
    notifiers: staticNotifierSet(am),
    writer: s.writer,
    compileTemplate: (t, o) => compileTemplate(t, o),
    clock: systemClock,
    logger: silentLogger,
    settings: settings({ maxConcurrency: 8 }),
  };
  const budget = { max: 0, active: 0 };
  if (sequential) {
    const groups = cfgs.map((c) => new Group(c, deps, budget));
    return {
      groups,
      run: async (ts: number) => {
        for (const g of groups) await g.evaluateAt(ts);
      },
    };
  }
  const wiring = wiringOf(cfgs, buildRuleGraph(cfgs));
  const barrier = new WriteBarrier(systemClock);
  const evalSlots = new Slots(100);
  const groups = cfgs.map(
    (c, i) => new Group(c, deps, budget, undefined, undefined, { links: wiring.links[i], barrier, evalSlots }),
  );
  return {
    groups,
    // All groups at once, the later one first: the barrier must hold g2 until g1 has written.
    run: (ts: number) => Promise.all([...groups].reverse().map((g) => g.evaluateAt(ts))).then(() => {}),
  };
}

async function runMode(sequential: boolean): Promise<Outcome> {
  const s = await stack();
  const warm = groupsOf(s, sequential, new RecordingNotifier());
  for (let i = 0; i < 4; i++) await warm.run(WARMUP_T0 + i * STEP);
  await Promise.all(warm.groups.map((g) => g.stop()));
  // Brand-new series become searchable a few seconds after they were written.
  await new Promise((r) => setTimeout(r, 4000));
  const am = new RecordingNotifier();
  const measured = groupsOf(s, sequential, am);
  for (let i = 0; i < ITERATIONS; i++) await measured.run(T0 + i * STEP);
  await Promise.all(measured.groups.map((g) => g.stop()));
  const match = encodeURIComponent('{__name__=~"eq_.*|ALERTS|ALERTS_FOR_STATE", __name__!="eq_src"}');
  const text = await (
    await fetch(`${s.vm.url}/api/v1/export?match[]=${match}&start=${T0 / 1000}&end=${(T0 + ITERATIONS * STEP) / 1000}`)
  ).text();
  const series = text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const e = JSON.parse(l) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
      const labels = Object.keys(e.metric)
        .sort()
        .map((k) => `${k}=${e.metric[k]}`)
        .join(",");
      const points = e.timestamps.map((t, i) => [t, e.values[i]] as const).sort((a, b) => a[0] - b[0]);
      return `${labels} ${points.map(([t, v]) => `${(t - T0) / 1000}:${v}`).join(" ")}`;
    })
    .sort();
  // endsAt follows the wall clock of the send; everything else is decided by the evaluation.
  const notifications = am
    .alerts()
    .map((a: NotifierAlert) =>
      JSON.stringify([a.labels, a.annotations, a.startsAt.getTime() - T0, a.endsAt.getTime() < Date.now() - 60_000]),
    )
    .sort();
  return { series, notifications };
}

let sequential: Outcome;
let graph: Outcome;

beforeAll(async () => {
  sequential = await runMode(true);
  graph = await runMode(false);
}, 120_000);

afterAll(async () => {
  for (const s of stacks) {
    await s.writer.close(5000).catch(() => {});
    await s.queriers.close();
    await s.proxy.close();
    await s.vm.stop();
  }
});

describe("the dependency graph does not change results", () => {
  it("the sequential run reads fresh output within a group and across groups (the comparison is not vacuous)", () => {
    const byName = (n: string) => sequential.series.filter((l) => l.startsWith(`__name__=${n},`));
    expect(byName("eq_job_sum")).toHaveLength(4);
    expect(byName("eq_level2")).toHaveLength(4);
    // eq_level2 at each step is twice eq_job_sum at the same step: g2 read g1's output of that iteration.
    const sum = byName("eq_job_sum")[0].split(" ").slice(1);
    const level2 = byName("eq_level2")[0].split(" ").slice(1);
    expect(level2).toEqual(sum.map((p) => `${p.split(":")[0]}:${Number(p.split(":")[1]) * 2}`));
    expect(sequential.series.some((l) => l.includes("alertname=JobHigh") && l.includes("alertstate=firing"))).toBe(
      true,
    );
    expect(sequential.notifications.length).toBeGreaterThan(10);
  });

  it("every written series is the same, sample by sample", () => {
    expect(graph.series).toEqual(sequential.series);
  });

  it("every notification is the same", () => {
    expect(graph.notifications).toEqual(sequential.notifications);
  });
});
