// Drill 5: remote write refused for an outage (12 s; 60 s with --long), then back. A recording rule
// writes 50 series every second. What VM has afterwards (/api/v1/export) is compared with what was
// produced: each evaluation's sample count as the rule itself reports it (/api/v1/rule updates).
// Expected: with queue room nothing is lost; with a small -remoteWrite.maxQueueSize the loss equals
// vmalert_remotewrite_dropped_rows_total exactly; the queue never grows past its capacity.
import { afterEach, describe, expect, it } from "vitest";
import { type EvaluationLog, watchEvaluations } from "./lib/evals.js";
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
  /** Evaluations in the compared window. */
  evaluations: number;
  /** Samples those evaluations wrote, by the rule's own record. */
  produced: number;
  /** Samples of the window that VM holds. */
  exported: number;
  lost: number;
}

/**
 * Compares what VM holds with what the evaluations from the first sample VM holds up to `upTo` (ms)
 * produced, by the rule's own record of each evaluation's sample count.
 */
async function compare(stack: Stack, log: EvaluationLog, upTo: number): Promise<Comparison> {
  await log.poll();
  expect(log.gap, "the evaluation log has a hole").toBeUndefined();
  const series = await stack.exportSeries("drill:rw");
  const inVM = new Map<number, number>();
  for (const s of series) {
    expect(new Set(s.timestamps).size, "duplicate samples in VM").toBe(s.timestamps.length);
    for (const t of s.timestamps) inVM.set(t, (inVM.get(t) ?? 0) + 1);
  }
  const first = Math.min(...inVM.keys());
  let produced = 0;
  let exported = 0;
  let evaluations = 0;
  for (const [t, n] of inVM) {
    if (t < first || t > upTo) continue;
    const e = log.evals.get(t);
    expect(e, `VM holds samples at ${new Date(t).toISOString()}, which no evaluation wrote`).toBeDefined();
    expect(n).toBeLessThanOrEqual(e?.samples ?? 0);
    exported += n;
  }
  for (const e of log.evals.values()) {
    if (e.at < first || e.at > upTo) continue;
    evaluations++;
    produced += e.samples;
  }
  if (process.env.DRILLS_DEBUG) {
    const short = [...log.evals.values()]
      .filter((e) => e.at >= first && e.at <= upTo && (inVM.get(e.at) ?? 0) !== e.samples)
      .map((e) => `${new Date(e.at).toISOString()}:${inVM.get(e.at) ?? 0}/${e.samples}`);
    console.log(`compare ${new Date(first).toISOString()}..${new Date(upTo).toISOString()} short: ${short.join(" ")}`);
  }
  return { evaluations, produced, exported, lost: produced - exported };
}

async function startRwStack(args: string[]): Promise<{ stack: Stack; log: EvaluationLog }> {
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
  return { stack, log: await watchEvaluations(stack, "drill-rw", "drill:rw") };
}

/**
 * Injects a fault into remote write (refused connections by default) for `outage` ms, sampling the queue
 * size, then waits until VM holds everything that was not dropped: batches still in their retry backoff
 * count as neither sent nor dropped yet.
 */
async function runOutage(stack: Stack, log: EvaluationLog, outage: number, inject?: (rw: FaultProxy) => Promise<void>) {
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
      cmp = await compare(stack, log, Math.floor(Date.now() / 1000) * 1000 - 2000);
      return cmp.lost === dropped;
    },
    // Retry delays double, so the first retry after the outage may come up to an outage later.
    outage + 30_000,
    "VM to hold every sample that was not dropped",
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; last comparison ${JSON.stringify(cmp)}, dropped ${dropped}`);
  });
  const recoverySeconds = (Date.now() - back) / 1000;
  // Each evaluation wrote all series (the datasource was fine), so the comparison covered real output.
  expect((cmp as Comparison).produced).toBe((cmp as Comparison).evaluations * SERIES);
  return { maxQueue, recoverySeconds, cmp: cmp as Comparison, dropped };
}

describe("drill 5: remote write down", () => {
  let stack: Stack | undefined;
  let log: EvaluationLog | undefined;
  afterEach(async () => {
    await log?.stop();
    await debugDump(stack);
    await stack?.stop();
    stack = undefined;
    log = undefined;
  });

  it("loses nothing while the queue has room", async () => {
    const outage = outageMs();
    // Room for the outage twice over, and retries that outlast it (-remoteWrite.retryMaxTime bounds how
    // long one batch is retried; past it the batch is dropped and counted).
    const capacity = Math.ceil(((outage / 1000) * 2 + 20) * SERIES);
    ({ stack, log } = await startRwStack([
      `-remoteWrite.maxQueueSize=${capacity}`,
      `-remoteWrite.retryMaxTime=${outage / 1000 + 60}s`,
    ]));
    const { maxQueue, recoverySeconds, cmp, dropped } = await runOutage(stack, log, outage);
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
    ({ stack, log } = await startRwStack([
      `-remoteWrite.maxQueueSize=${capacity}`,
      `-remoteWrite.retryMaxTime=${outage / 1000 + 60}s`,
    ]));
    const { maxQueue, recoverySeconds, cmp, dropped } = await runOutage(stack, log, outage);
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

  it("a hang and a 500 are retried (nothing lost), a 400 is dropped at once and counted", async () => {
    ({ stack, log } = await startRwStack([
      "-remoteWrite.maxQueueSize=5000",
      "-remoteWrite.retryMaxTime=60s",
      "-remoteWrite.sendTimeout=2s",
    ]));
    // Accepted, never answered: each attempt ends at -remoteWrite.sendTimeout and is retried.
    const hung = await runOutage(stack, log, 6000, (rw) => rw.hang());
    expect(hung.dropped).toBe(0);
    expect(hung.cmp.lost).toBe(0);
    expect(stack.tsalert.logs()).toMatch(/remote write failed, retrying: .*timed out after 2000ms/);
    const answer = (status: number) => (rw: FaultProxy) =>
      rw.http((_req, res) => {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(`drill: injected ${status}`);
      });
    const r500 = await runOutage(stack, log, 5000, answer(500));
    expect(r500.dropped).toBe(0);
    expect(r500.cmp.lost).toBe(0);
    const r400 = await runOutage(stack, log, 5000, answer(400));
    expect(r400.dropped).toBeGreaterThanOrEqual(3 * SERIES);
    expect(r400.cmp.lost).toBe(r400.dropped);
    expect(stack.tsalert.logs()).toMatch(
      /server rejected the batch \(not retried\): unexpected response code 400: drill: injected 400/,
    );
    const mem = await stack.memory();
    await recordFigures("remotewrite-rejected", {
      title: "remote write hangs, answers 500, then 400",
      samplesLost: r400.cmp.lost,
      samplesDropped: r400.dropped,
      recoverySeconds: r500.recoverySeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { lostToHang: hung.cmp.lost, lostTo500: r500.cmp.lost },
    });
  });
});
