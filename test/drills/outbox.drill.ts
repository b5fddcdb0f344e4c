// Drill 12: remote write that loses nothing (-remoteWrite.tmpDataPath). A group of 10 recording rules
// writes 20,000 series every 5 s (W2's order of output: 56,000 per 10 s) into real VictoriaMetrics.
// What VM holds is checked per evaluation: series present at its timestamp and the sum of their values.
//   outage     the destination refuses connections (30 s; 10 min with --long); everything arrives after
//              it returns; RSS stays flat while the outbox grows on disk
//   kill       kill -9 in the middle of an outage, restart with the same flags: nothing lost
//   damage     a byte of a record in the outbox flipped during an outage: that record is counted as
//              dropped (reason corrupt), everything else arrives
//   two        a second destination down for the whole drill: the first receives every evaluation on
//              time (read-after-write), the second gets everything once it is up
//   disk-limit -remoteWrite.maxDiskUsagePerURL reached: drops counted exactly, evaluation and alerting go on
import { mkdtemp, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HEADER_BYTES, parseHeader } from "../../src/remotewrite/outbox/record.js";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";
import { type EvaluationLog, watchEvaluations } from "./lib/evals.js";
import { type FaultProxy, startFaultProxy } from "./lib/proxy.js";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, type Stack, sleep, startStack, waitFor } from "./lib/stack.js";

const BASE = 2000;
const COPIES = 10;
const PER_EVAL = BASE * COPIES;
/** Σ of the base values (0..BASE-1) times the copies: what every evaluation's samples add up to. */
const SUM_PER_EVAL = COPIES * ((BASE * (BASE - 1)) / 2);
const INTERVAL_S = 5;
const LONG = process.env.DRILLS_LONG === "1";
/** The outage is 10 minutes: with --long; 30 s by default. */
const OUTAGE_MS = LONG ? 600_000 : 30_000;

function rules(extra = ""): string {
  // eval_offset 0s: iterations start on the interval's boundary, so an evaluation's timestamp is when
  // its iteration began, and the lag to VM measures delivery.
  const lines = [
    "groups:",
    "  - name: drill-outbox",
    `    interval: ${INTERVAL_S}s`,
    "    eval_offset: 0s",
    "    rules:",
  ];
  for (let k = 0; k < COPIES; k++) {
    lines.push("      - record: drill:outbox", `        expr: label_set(drill_outbox_value, "copy", "${k}")`);
  }
  return `${lines.join("\n")}\n${extra}`;
}

interface Check {
  evaluations: number;
  /** Evaluations whose series VM holds only in part (or with wrong values). */
  incomplete: { at: number; count: number; sum: number }[];
  /** Series missing over all checked evaluations. */
  missing: number;
}

/** Per evaluation timestamp in [from, to]: series present and the sum of their values, in `vm`. */
async function vmPerEval(vm: string, from: number, to: number): Promise<Map<number, { count: number; sum: number }>> {
  await fetch(`${vm}/internal/force_flush`);
  const q = async (expr: string) => {
    const p = new URLSearchParams({
      query: expr,
      start: String(from / 1000),
      end: String(to / 1000),
      step: `${INTERVAL_S}s`,
      nocache: "1",
    });
    const res = await fetch(`${vm}/api/v1/query_range?${p}`);
    const body = (await res.json()) as { data?: { result?: { values: [number, string][] }[] } };
    const out = new Map<number, number>();
    for (const [t, v] of body.data?.result?.[0]?.values ?? []) out.set(Math.round(t * 1000), Number(v));
    return out;
  };
  // [1s] windows see exactly the samples stamped at the step; max_over_time ignores a resent duplicate.
  const counts = await q("count(count_over_time(drill:outbox[1s]))");
  const sums = await q("sum(max_over_time(drill:outbox[1s]))");
  const out = new Map<number, { count: number; sum: number }>();
  for (const [t, count] of counts) out.set(t, { count, sum: sums.get(t) ?? 0 });
  return out;
}

/** Checks every evaluation the log saw in [from, to] (except `skip`) against what `vm` holds. */
async function check(
  vm: string,
  log: EvaluationLog,
  from: number,
  to: number,
  skip = new Set<number>(),
): Promise<Check> {
  await log.poll();
  const inVM = await vmPerEval(vm, from, to);
  const res: Check = { evaluations: 0, incomplete: [], missing: 0 };
  for (const e of log.evals.values()) {
    if (e.at < from || e.at > to || skip.has(e.at)) continue;
    expect(e.error, `evaluation at ${new Date(e.at).toISOString()} failed`).toBeNull();
    expect(e.samples).toBe(BASE);
    res.evaluations++;
    const got = inVM.get(e.at) ?? { count: 0, sum: 0 };
    if (got.count !== PER_EVAL || got.sum !== SUM_PER_EVAL) res.incomplete.push({ at: e.at, ...got });
    res.missing += PER_EVAL - got.count;
  }
  return res;
}

async function startOutboxStack(args: string[], extraRules = "", alertmanagers = 0) {
  const dir = await mkdtemp(join(tmpdir(), "tsalert-drill-outbox-"));
  const stack = await startStack({
    rules: rules(extraRules),
    alertmanagers,
    remoteWrite: true,
    feedEveryMs: 2000,
    args: [`-remoteWrite.tmpDataPath=${dir}`, "-remoteWrite.retryMinInterval=500ms", ...args],
  });
  for (let i = 0; i < BASE; i++) stack.feeder.set({ __name__: "drill_outbox_value", id: String(i) }, i);
  await stack.feeder.flush();
  await waitFor(
    async () => (await stack.metric("vmalert_remotewrite_sent_rows_total")) >= 2 * PER_EVAL,
    60_000,
    "two iterations in VM",
  );
  const log = await watchEvaluations(stack, "drill-outbox", "drill:outbox");
  return { stack, log, dir };
}

/**
 * Polls tsalert's RSS while `ms` pass; returns the medians (KiB) of the second and the last quarter of
 * the span (medians: a GC's peak is not growth) and the highest sample.
 */
async function watchRss(stack: Stack, ms: number): Promise<{ early: number; late: number; max: number }> {
  const start = Date.now();
  const samples: { at: number; kib: number }[] = [];
  while (Date.now() - start < ms) {
    await sleep(1000);
    samples.push({ at: (Date.now() - start) / ms, kib: (await stack.memory()).rssKiB });
  }
  const median = (from: number, to: number) => {
    const xs = samples
      .filter((x) => x.at >= from && x.at < to)
      .map((x) => x.kib)
      .sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] ?? 0;
  };
  return { early: median(0.25, 0.5), late: median(0.75, 1.01), max: Math.max(...samples.map((x) => x.kib)) };
}

/** Waits until every evaluation in [from, to] is complete in `vm`; seconds it took. */
async function waitComplete(vm: string, log: EvaluationLog, from: number, to: number, skip?: Set<number>) {
  const t0 = Date.now();
  let last: Check | undefined;
  await waitFor(
    async () => {
      last = await check(vm, log, from, to, skip);
      return last.incomplete.length === 0;
    },
    LONG ? 300_000 : 90_000,
    "every evaluation complete in VM",
  ).catch((err: unknown) => {
    throw new Error(
      `${String(err)}; incomplete ${JSON.stringify(last?.incomplete.slice(0, 5))} of ${last?.evaluations}`,
    );
  });
  return { seconds: (Date.now() - t0) / 1000, check: last as Check };
}

async function segmentsOf(dir: string): Promise<string[]> {
  const root = join(dir, "persistent-queue");
  const out: string[] = [];
  for (const d of await readdir(root)) {
    for (const f of await readdir(join(root, d))) if (f.endsWith(".seg")) out.push(join(root, d, f));
  }
  return out.sort();
}

const stamp = (t: number) => Math.floor(t / (INTERVAL_S * 1000)) * INTERVAL_S * 1000;

describe("drill 12: remote write that loses nothing (disk outbox)", () => {
  let stack: Stack | undefined;
  let log: EvaluationLog | undefined;
  const extra: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await log?.stop();
    await debugDump(stack);
    await stack?.stop();
    for (const c of extra.splice(0).reverse()) await c().catch(() => {});
    stack = undefined;
    log = undefined;
  });

  it(
    "outage, kill -9 during an outage, a damaged record: everything else arrives, RSS flat",
    async () => {
      let dir: string;
      ({ stack, log, dir } = await startOutboxStack([]));
      extra.push(() => rm(dir, { recursive: true, force: true }));
      const rw = stack.remoteWrite as FaultProxy;
      const vm = stack.vm.url;

      // 1. The outage.
      const from = stamp(Date.now());
      await rw.refuse();
      const rss = await watchRss(stack, OUTAGE_MS);
      const outboxBytes = await stack.metric("tsalert_remotewrite_outbox_bytes");
      expect(outboxBytes).toBeGreaterThan(0);
      expect(await stack.metric("vmalert_remotewrite_dropped_rows_total")).toBe(0);
      await rw.pass();
      const to = stamp(Date.now()) - INTERVAL_S * 1000;
      const outage = await waitComplete(vm, log, from, to);
      expect(outage.check.evaluations).toBeGreaterThanOrEqual(Math.floor(OUTAGE_MS / 1000 / INTERVAL_S) - 1);
      const growthMiB = Math.round((rss.late - rss.early) / 102.4) / 10;
      // Flat: the queue is on disk. 20,000 series per iteration in memory would be ~6 MiB per iteration.
      expect(growthMiB).toBeLessThan(40);
      await recordFigures("outbox", {
        title: `outbox, destination down, ${PER_EVAL} series per ${INTERVAL_S}s`,
        outageSeconds: OUTAGE_MS / 1000,
        samplesLost: outage.check.missing,
        samplesDropped: 0,
        recoverySeconds: outage.seconds,
        maxRssMiB: mib((await stack.memory()).hwmKiB),
        extra: {
          evaluations: outage.check.evaluations,
          samplesChecked: outage.check.evaluations * PER_EVAL,
          rssGrowthMiB: growthMiB,
          rssMaxDuringOutageMiB: mib(rss.max),
          outboxMiB: Math.round(outboxBytes / 1024 / 102.4) / 10,
        },
      });

      // 2. kill -9 in the middle of an outage, restart with the same flags.
      const killOutage = LONG ? 120_000 : 30_000;
      const from2 = stamp(Date.now());
      await rw.refuse();
      await sleep(killOutage / 2);
      const killedAt = Date.now();
      await stack.restart({ kill: true });
      await sleep(killOutage / 2);
      await rw.pass();
      const to2 = stamp(Date.now()) - INTERVAL_S * 1000;
      // The iteration the kill cut never finished: its last rules were never flushed (acknowledged).
      const cut = new Set([stamp(killedAt), stamp(killedAt) - INTERVAL_S * 1000]);
      const killed = await waitComplete(vm, log, from2, to2, cut);
      expect(killed.check.evaluations).toBeGreaterThanOrEqual(3);
      const partial = await check(vm, log, from2, to2);
      for (const p of partial.incomplete) expect(cut.has(p.at)).toBe(true);
      await recordFigures("outbox-kill", {
        title: "outbox, kill -9 during the outage and restart",
        outageSeconds: killOutage / 1000,
        samplesLost: killed.check.missing,
        recoverySeconds: killed.seconds,
        maxRssMiB: mib((await stack.memory()).hwmKiB),
        extra: { evaluations: killed.check.evaluations, samplesChecked: killed.check.evaluations * PER_EVAL },
      });

      // 3. A damaged record: a byte of a record's payload flipped while the outbox holds it. tsalert is
      // stopped for it (SIGTERM: with the destination down it leaves at once), since a running one
      // still holds its newest records in memory and would send those intact copies.
      const from3 = stamp(Date.now());
      await rw.refuse();
      await sleep(4 * INTERVAL_S * 1000);
      await stack.tsalert.stop();
      const segs = await segmentsOf(dir);
      const seg = segs[segs.length - 1];
      const buf = await readFile(seg);
      const recs: { offset: number; length: number; rows: number }[] = [];
      for (let p = 0; p + HEADER_BYTES <= buf.length; ) {
        const h = parseHeader(buf, p);
        if (!h) break;
        recs.push({ offset: p, length: h.length, rows: h.rows });
        p += HEADER_BYTES + h.length;
      }
      expect(recs.length).toBeGreaterThan(4);
      const victim = recs[recs.length - 3];
      const fh = await open(seg, "r+");
      const b = Buffer.alloc(1);
      const at = victim.offset + HEADER_BYTES + Math.floor(victim.length / 2);
      await fh.read(b, 0, 1, at);
      b[0] ^= 0xff;
      await fh.write(b, 0, 1, at);
      await fh.close();
      await stack.restart();
      const corrupt0 = await stack.metric("vmalert_remotewrite_dropped_rows_total", { reason: "corrupt" });
      await sleep(INTERVAL_S * 1000);
      await rw.pass();
      const to3 = stamp(Date.now()) - INTERVAL_S * 1000;
      let damaged: Check | undefined;
      await waitFor(
        async () => {
          damaged = await check(vm, log as EvaluationLog, from3, to3);
          return damaged.missing === victim.rows;
        },
        90_000,
        "everything but the damaged record in VM",
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}; ${JSON.stringify(damaged?.incomplete)} victim rows ${victim.rows}`);
      });
      const counted = (await stack.metric("vmalert_remotewrite_dropped_rows_total", { reason: "corrupt" })) - corrupt0;
      expect(counted).toBe(victim.rows);
      expect(await stack.metric("tsalert_remotewrite_outbox_corrupt_bytes_total")).toBeGreaterThan(0);
      expect((damaged as Check).incomplete.filter((p) => p.count < PER_EVAL)).toHaveLength(1);
      await recordFigures("outbox-damage", {
        title: "outbox, a flipped byte in a record",
        samplesLost: (damaged as Check).missing,
        samplesDropped: counted,
        maxRssMiB: mib((await stack.memory()).hwmKiB),
        extra: { evaluations: (damaged as Check).evaluations, recordsInSegment: recs.length },
      });
    },
    (LONG ? 600_000 + 120_000 + 600_000 : 0) + 420_000,
  );

  it("two destinations, one down for the whole drill: the other gets every evaluation on time", async () => {
    const vm2: RunningServer = await startVictoriaMetrics();
    extra.push(() => vm2.stop());
    const proxy2 = await startFaultProxy(vm2.url);
    extra.push(() => proxy2.stop());
    await proxy2.refuse();
    let dir: string;
    ({ stack, log, dir } = await startOutboxStack([`-remoteWrite.url=${proxy2.url}`]));
    extra.push(() => rm(dir, { recursive: true, force: true }));
    const vm = stack.vm.url;
    const from = stamp(Date.now()) + INTERVAL_S * 1000;
    // Every evaluation must be complete in the live VM within a second or two of its iteration.
    const span = LONG ? 120_000 : 40_000;
    const lags: number[] = [];
    const seen = new Set<number>();
    const start = Date.now();
    while (Date.now() - start < span) {
      await sleep(250);
      await log.poll();
      for (const e of log.evals.values()) {
        if (e.at < from || seen.has(e.at)) continue;
        const got = (await vmPerEval(vm, e.at, e.at)).get(e.at);
        if (got?.count === PER_EVAL) {
          seen.add(e.at);
          lags.push((Date.now() - e.at) / 1000);
        }
      }
    }
    const maxLag = Math.max(...lags);
    expect(lags.length).toBeGreaterThanOrEqual(Math.floor(span / 1000 / INTERVAL_S) - 2);
    // An iteration of 10 rules takes a second or two on 2 cores, each rule's results in VM before the next.
    expect(maxLag).toBeLessThan(3);
    const deadURL = `${proxy2.url}/api/v1/write`;
    expect(await stack.metric("tsalert_remotewrite_up", { url: deadURL })).toBe(0);
    expect(await stack.metric("tsalert_remotewrite_outbox_bytes", { url: deadURL })).toBeGreaterThan(0);
    expect(await stack.metric("vmalert_iteration_missed_total")).toBe(0);
    // The second destination gets everything once it is up.
    await proxy2.pass();
    const to = stamp(Date.now()) - INTERVAL_S * 1000;
    const second = await waitComplete(vm2.url, log, from, to);
    await recordFigures("outbox-two", {
      title: "two destinations, one down throughout",
      outageSeconds: Math.round((Date.now() - start) / 1000),
      samplesLost: second.check.missing,
      recoverySeconds: second.seconds,
      maxRssMiB: mib((await stack.memory()).hwmKiB),
      extra: { evaluationsOnTime: lags.length, maxLagSeconds: Math.round(maxLag * 10) / 10 },
    });
  }, 300_000);

  it("disk limit reached: drops counted exactly, evaluation and alerting go on", async () => {
    const limit = 1 << 20;
    const alertRule = `  - name: drill-outbox-alert
    interval: 1s
    rules:
      - alert: DrillOutboxAlive
        expr: vector(1)
`;
    let dir: string;
    ({ stack, log, dir } = await startOutboxStack([`-remoteWrite.maxDiskUsagePerURL=${limit}`], alertRule, 1));
    extra.push(() => rm(dir, { recursive: true, force: true }));
    const st = stack;
    const rw = st.remoteWrite as FaultProxy;
    // The alert's ALERTS and ALERTS_FOR_STATE samples share the outbox: they are checked too.
    const alertLog = await watchEvaluations(st, "drill-outbox-alert", "DrillOutboxAlive");
    extra.push(() => alertLog.stop());
    const alertMissing = async (from: number, to: number) => {
      await alertLog.poll();
      const p = new URLSearchParams({
        query: 'count(count_over_time({__name__=~"ALERTS|ALERTS_FOR_STATE",alertname="DrillOutboxAlive"}[1s]))',
        start: String(from / 1000),
        end: String(to / 1000),
        step: "1s",
        nocache: "1",
      });
      const body = (await (await fetch(`${st.vm.url}/api/v1/query_range?${p}`)).json()) as {
        data?: { result?: { values: [number, string][] }[] };
      };
      const got = new Map((body.data?.result?.[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]));
      let missing = 0;
      for (const e of alertLog.evals.values()) if (e.at >= from && e.at <= to) missing += 2 - (got.get(e.at) ?? 0);
      return missing;
    };
    // From the last evaluation delivered before the outage: every later one may lose rows to the bound.
    const from = stamp(Date.now()) - INTERVAL_S * 1000;
    await rw.refuse();
    const outage = LONG ? 120_000 : 40_000;
    const iterations0 = await st.metric("vmalert_iteration_total", { group: "drill-outbox" });
    await waitFor(
      async () => (await st.metric("vmalert_remotewrite_dropped_rows_total", { reason: "disk_limit" })) > 0,
      outage * 2,
      "the disk bound to drop",
    );
    await sleep(outage / 2);
    let maxDisk = 0;
    for (const f of await segmentsOf(dir)) maxDisk += (await stat(f)).size;
    expect(maxDisk).toBeLessThanOrEqual(limit + (256 << 10));
    expect(await st.metric("tsalert_remotewrite_outbox_bytes")).toBeLessThanOrEqual(limit + (256 << 10));
    // Evaluation goes on; the alert fires and reaches Alertmanager.
    expect((await st.metric("vmalert_iteration_total", { group: "drill-outbox" })) - iterations0).toBeGreaterThan(3);
    expect((await st.alerts()).some((a) => a.labels.alertname === "DrillOutboxAlive" && a.state === "firing")).toBe(
      true,
    );
    const am = st.alertmanagers[0];
    expect(am.posts.some((p) => p.alerts.some((a) => a.labels.alertname === "DrillOutboxAlive"))).toBe(true);
    expect(st.tsalert.logs()).toMatch(/reached -remoteWrite\.maxDiskUsagePerURL=1048576/);
    await rw.pass();
    const to = stamp(Date.now()) - INTERVAL_S * 1000;
    let res: Check | undefined;
    let dropped = 0;
    let alertsMissing = 0;
    await waitFor(
      async () => {
        dropped = await st.metric("vmalert_remotewrite_dropped_rows_total", { reason: "disk_limit" });
        res = await check(st.vm.url, log as EvaluationLog, from, to);
        alertsMissing = await alertMissing(from, to);
        return res.missing + alertsMissing === dropped;
      },
      90_000,
      "VM to hold every series that was not dropped",
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; missing ${res?.missing} + alert samples ${alertsMissing}, dropped ${dropped}`);
    });
    expect(dropped).toBeGreaterThan(0);
    expect(await st.metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped);
    await recordFigures("outbox-disklimit", {
      title: "outbox, -remoteWrite.maxDiskUsagePerURL=1MiB reached",
      outageSeconds: outage / 1000,
      samplesLost: (res as Check).missing + alertsMissing,
      samplesDropped: dropped,
      maxRssMiB: mib((await st.memory()).hwmKiB),
      extra: { evaluations: (res as Check).evaluations, outboxMaxKiB: Math.round(maxDisk / 1024) },
    });
  }, 300_000);
});
