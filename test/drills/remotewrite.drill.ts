// Drill 5: remote write refused for an outage (12 s; 60 s with --long), then back. A recording rule
// writes 50 series every second. What VM has afterwards (/api/v1/export) is compared with what was
// produced: one sample per series per evaluation, on the 1 s grid of evaluation timestamps.
// Expected: with queue room nothing is lost; with a small -remoteWrite.maxQueueSize the loss equals
// vmalert_remotewrite_dropped_rows_total exactly; the queue never grows past its capacity.
import { afterEach, describe, expect, it } from "vitest";
import type { FaultProxy } from "./lib/proxy.js";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, outageMs, type Stack, sleep, startStack, waitFor } from "./lib/stack.js";

const SERIES = 50;

const RULES = `
groups:
  - name: drill-rw
    interval: 1s
    rules:
      - record: drill:rw
        expr: drill_rw_value
`;

interface Comparison {
  /** Evaluation timestamps on the grid between the first and the last one VM has. */
  grid: number;
  produced: number;
  exported: number;
  lost: number;
}

/** Counts samples missing from VM between the first evaluation timestamp it holds and `upTo` (ms). */
async function compare(stack: Stack, upTo: number): Promise<Comparison> {
  const series = await stack.exportSeries("drill:rw");
  expect(series.length).toBe(SERIES);
  let first = Number.POSITIVE_INFINITY;
  const last = upTo;
  let exported = 0;
  for (const s of series) {
    expect(new Set(s.timestamps).size, "duplicate samples in VM").toBe(s.timestamps.length);
    for (const t of s.timestamps) {
      expect(t % 1000, "evaluation timestamps are on the 1 s grid").toBe(0);
      first = Math.min(first, t);
    }
  }
  for (const s of series) exported += s.timestamps.filter((t) => t >= first && t <= last).length;
  const grid = (last - first) / 1000 + 1;
  if (process.env.DRILLS_DEBUG) {
    const counts = new Map<number, number>();
    for (const s of series) for (const t of s.timestamps) counts.set(t, (counts.get(t) ?? 0) + 1);
    const short: string[] = [];
    for (let t = first; t <= last; t += 1000) {
      if ((counts.get(t) ?? 0) !== SERIES) short.push(`${new Date(t).toISOString()}:${counts.get(t) ?? 0}`);
    }
    const ms = (await stack.metrics()).filter((m) => m.name.startsWith("vmalert_remotewrite"));
    console.log(JSON.stringify(ms), JSON.stringify(stack.remoteWrite?.stats()));
    console.log(`grid ${new Date(first).toISOString()}..${new Date(last).toISOString()} short: ${short.join(" ")}`);
  }
  return { grid, produced: grid * SERIES, exported, lost: grid * SERIES - exported };
}

async function startRwStack(args: string[]): Promise<Stack> {
  const stack = await startStack({
    rules: RULES,
    alertmanagers: 0,
    remoteWrite: true,
    args: ["-remoteWrite.retryMinInterval=500ms", ...args],
  });
  for (let i = 0; i < SERIES; i++) stack.feeder.set({ __name__: "drill_rw_value", id: String(i) }, i);
  await stack.feeder.flush();
  await waitFor(
    async () => (await stack.metric("vmalert_remotewrite_sent_rows_total")) >= 3 * SERIES,
    20_000,
    "recording results to reach VM",
  );
  return stack;
}

/**
 * Injects a fault into remote write (refused connections by default) for `outage` ms, sampling the queue
 * size, then waits until VM holds everything that was not dropped: batches still in their retry backoff
 * count as neither sent nor dropped yet.
 */
async function runOutage(stack: Stack, outage: number, inject?: (rw: FaultProxy) => Promise<void>) {
  const rw = stack.remoteWrite;
  if (!rw) throw new Error("stack without remote write");
  let maxQueue = 0;
  await (inject ? inject(rw) : rw.refuse());
  const start = Date.now();
  while (Date.now() - start < outage) {
    await sleep(500);
    maxQueue = Math.max(maxQueue, await stack.metric("vmalert_remotewrite_queue_size"));
  }
  expect(await stack.metric("vmalert_remotewrite_errors_total")).toBeGreaterThan(0);
  await rw.pass();
  const back = Date.now();
  let cmp: Comparison | undefined;
  let dropped = 0;
  await waitFor(
    async () => {
      dropped = await stack.metric("vmalert_remotewrite_dropped_rows_total");
      await fetch(`${stack.vm.url}/internal/force_flush`);
      // Every evaluation up to two seconds ago (later ones may still be on their way) is compared: drops
      // go on after the outage until the batches in retry backoff make room in the queue.
      cmp = await compare(stack, Math.floor(Date.now() / 1000) * 1000 - 2000);
      return cmp.lost === dropped;
    },
    // Retry delays double, so the first retry after the outage may come up to an outage later.
    outage + 30_000,
    "VM to hold every sample that was not dropped",
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; last comparison ${JSON.stringify(cmp)}, dropped ${dropped}`);
  });
  const recoverySeconds = (Date.now() - back) / 1000;
  const missed = await stack.metric("vmalert_iteration_missed_total", { group: "drill-rw" });
  expect(missed, "missed evaluations would leave gaps not caused by remote write").toBe(0);
  return { maxQueue, recoverySeconds, cmp: cmp as Comparison, dropped };
}

describe("drill 5: remote write down", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await debugDump(stack);
    await stack?.stop();
    stack = undefined;
  });

  it("loses nothing while the queue has room", async () => {
    const outage = outageMs();
    // Room for the outage twice over, and retries that outlast it (-remoteWrite.retryMaxTime bounds how
    // long one batch is retried; past it the batch is dropped and counted).
    const capacity = Math.ceil(((outage / 1000) * 2 + 20) * SERIES);
    stack = await startRwStack([
      `-remoteWrite.maxQueueSize=${capacity}`,
      `-remoteWrite.retryMaxTime=${outage / 1000 + 60}s`,
    ]);
    const { maxQueue, recoverySeconds, cmp, dropped } = await runOutage(stack, outage);
    expect(dropped).toBe(0);
    expect(cmp.lost).toBe(0);
    // The outage really queued: about one evaluation's results per second waited.
    expect(maxQueue).toBeGreaterThanOrEqual(SERIES * (Math.floor(outage / 1000) - 4));
    expect(maxQueue).toBeLessThanOrEqual(capacity);
    const mem = await stack.memory();
    await recordFigures("remotewrite", {
      title: "remote write down, queue has room",
      outageSeconds: outage / 1000,
      samplesLost: cmp.lost,
      samplesDropped: dropped,
      recoverySeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { produced: cmp.produced, maxQueued: maxQueue },
    });
  });

  it("beyond the queue, every lost sample is counted as dropped", async () => {
    const outage = outageMs(10_000);
    const capacity = 3 * SERIES;
    stack = await startRwStack([
      `-remoteWrite.maxQueueSize=${capacity}`,
      `-remoteWrite.retryMaxTime=${outage / 1000 + 60}s`,
    ]);
    const { maxQueue, recoverySeconds, cmp, dropped } = await runOutage(stack, outage);
    expect(maxQueue).toBeLessThanOrEqual(capacity);
    expect(dropped).toBeGreaterThan(0);
    expect(cmp.lost).toBe(dropped);
    expect(stack.tsalert.logs()).toMatch(/queue is full \(-remoteWrite\.maxQueueSize=150\)/);
    const mem = await stack.memory();
    await recordFigures("remotewrite-overflow", {
      title: "remote write down, queue overflows",
      outageSeconds: outage / 1000,
      samplesLost: cmp.lost,
      samplesDropped: dropped,
      recoverySeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { produced: cmp.produced, queueCapacity: capacity },
    });
  });

  it("a 500 is retried (nothing lost), a 400 is dropped at once and counted", async () => {
    stack = await startRwStack(["-remoteWrite.maxQueueSize=5000", "-remoteWrite.retryMaxTime=60s"]);
    const answer = (status: number) => (rw: FaultProxy) =>
      rw.http((_req, res) => {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(`drill: injected ${status}`);
      });
    const r500 = await runOutage(stack, 5000, answer(500));
    expect(r500.dropped).toBe(0);
    expect(r500.cmp.lost).toBe(0);
    const r400 = await runOutage(stack, 5000, answer(400));
    expect(r400.dropped).toBeGreaterThanOrEqual(3 * SERIES);
    expect(r400.cmp.lost).toBe(r400.dropped);
    expect(stack.tsalert.logs()).toMatch(
      /server rejected the batch \(not retried\): unexpected response code 400: drill: injected 400/,
    );
    const mem = await stack.memory();
    await recordFigures("remotewrite-rejected", {
      title: "remote write answers 500, then 400",
      samplesLost: r400.cmp.lost,
      samplesDropped: r400.dropped,
      recoverySeconds: r500.recoverySeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { lostTo500: r500.cmp.lost },
    });
  });
});
