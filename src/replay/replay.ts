// Replay (backfilling; vmalert's docs, "Rules backfilling"): rules are evaluated over a past range with range queries, and
// what they produce goes to remote write. Each point of a range result is fed to the live engine's own
// rule objects (src/rule Group, AlertingRule, RecordingRule) at its timestamp, so recording series,
// ALERTS / ALERTS_FOR_STATE, labels and `for` / keep_firing_for state come from the same code as in
// the live engine. Groups run one after another, rules one after another (chained rules read the
// results of earlier rules after -replay.rulesDelay), each rule's range in chunks of
// -replay.maxDatapointsPerQuery points.

import type { Logger } from "pino";
import type { EffectiveGroupConfig } from "../config/types.js";
import { DatasourceError } from "../datasource/querier.js";
import type {
  GroupQuerySettings,
  Metric,
  Querier,
  QuerierFactory,
  QueryOptions,
  QueryResult,
  RangeQueryResult,
} from "../datasource/types.js";
import { errorMessage } from "../errors.js";
import type { NotifierSet } from "../notifier/types.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import { FakeClock, Group, goTruncate, sleep, systemClock } from "../rule/index.js";
import type { CompileTemplate, EngineSettings } from "../rule/types.js";
import type { ReplayOptions } from "./options.js";
import type { Progress } from "./progress.js";

export interface ReplayDeps {
  querierFactory: QuerierFactory;
  writer: RemoteWriter;
  compileTemplate: CompileTemplate;
  settings: EngineSettings;
  logger: Logger;
  progress?: Progress;
  /** Aborting stops the replay after the point being evaluated (SIGINT). */
  signal?: AbortSignal;
  /** Where the summary lines go (stdout of the CLI). */
  print?: (line: string) => void;
}

export interface ReplaySummary {
  groups: number;
  rules: number;
  /** Points evaluated, all rules. */
  points: number;
  requests: number;
  /** Rules skipped after a query error (-replay.continueWithExecutionErr). */
  skipped: string[];
  /** Set when stopped early: the first timestamp (ms) of the rule in progress not replayed. */
  interruptedAt?: number;
  /** Where it stopped: `group "g" rule "r"`; groups before it are complete. */
  interruptedIn?: string;
  /** Rules completed in replay order, those skipped by `skipRules` included: the resume point. */
  completedRules: number;
}

export class ReplayError extends Error {}

const NO_NOTIFIERS: NotifierSet = { notifiers: () => [], close: async () => {} };
const RETRY_SLEEP_MS = 1000;

/** The evaluation timestamps of a group: its alignment grid (as the live engine), within [from, to]. */
export function replayTimestamps(from: number, to: number, interval: number): { first: number; count: number } {
  let first = goTruncate(from, interval);
  if (first < from) first += interval;
  const count = first > to ? 0 : Math.floor((to - first) / interval) + 1;
  return { first, count };
}

/**
 * Answers each rule's own expression from that rule's current range chunk; anything else (templates)
 * goes to the datasource. Rules with the same expression never run at the same time (see replayGroup).
 */
class ChunkQuerier implements Querier {
  private chunks = new Map<string, Map<number, Metric[]>>();

  constructor(readonly real: Querier) {}

  async query(expr: string, opts: QueryOptions): Promise<QueryResult> {
    const byTime = this.chunks.get(expr);
    if (!byTime) return this.real.query(expr, opts);
    const data = (byTime.get(opts.time) ?? []).map((m) => ({ ...m, labels: { ...m.labels } }));
    return { data, seriesFetched: data.length };
  }

  load(expr: string, res: RangeQueryResult): void {
    const byTime = new Map<number, Metric[]>();
    for (const s of res.data) {
      for (const p of s.points) {
        let list = byTime.get(p.timestamp);
        if (!list) {
          list = [];
          byTime.set(p.timestamp, list);
        }
        list.push({ labels: s.labels, timestamp: p.timestamp / 1000, value: p.value });
      }
    }
    this.chunks.set(expr, byTime);
  }

  unload(expr: string): void {
    this.chunks.delete(expr);
  }
}

function aborted(signal?: AbortSignal): boolean {
  return signal?.aborted === true;
}

async function rangeWithRetry(
  q: Querier,
  expr: string,
  start: number,
  end: number,
  step: number,
  opts: ReplayOptions,
  deps: ReplayDeps,
  what: string,
): Promise<RangeQueryResult> {
  if (!q.queryRange) throw new ReplayError(`${what}: the datasource does not support range queries`);
  let last: unknown;
  for (let attempt = 1; attempt <= opts.ruleRetryAttempts; attempt++) {
    try {
      return await q.queryRange(expr, { start, end, step, signal: deps.signal });
    } catch (err) {
      if (aborted(deps.signal)) throw err;
      last = err;
      // A bad request stays bad: no retry.
      if (err instanceof DatasourceError && (err.status === 400 || err.status === 422)) break;
      if (attempt < opts.ruleRetryAttempts) {
        deps.logger.warn(`${what}: attempt ${attempt} of ${opts.ruleRetryAttempts} failed: ${errorMessage(err)}`);
        await sleep(systemClock, RETRY_SLEEP_MS, deps.signal);
      }
    }
  }
  throw new ReplayError(`${what}: ${errorMessage(last)}`);
}

/** RFC3339 as the -replay.time* flags take it (whole seconds without a fraction). */
export function fmtTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

interface Span {
  first: number;
  count: number;
  chunks: number;
  interval: number;
}

interface Run {
  opts: ReplayOptions;
  deps: ReplayDeps;
  summary: ReplaySummary;
}

/**
 * The rules of one group. With -replay.rulesDelay=0 up to the group's `concurrency` rules run at once
 * (as vmalert does; chained rules then need a delay); rules with the same expression still take turns,
 * since they share the chunk they read. `summary.completedRules` only counts the rules done in replay
 * order, so a resumed run redoes any rule after the first unfinished one.
 */
async function replayRules(
  group: Group,
  raw: EffectiveGroupConfig,
  span: Span,
  cq: ChunkQuerier,
  clock: FakeClock,
  run: Run,
) {
  const { opts, deps, summary } = run;
  const base = summary.completedRules;
  const done = group.rules.map(() => false);
  const sameExpr = new Map<string, Promise<void>>();
  const parallel = opts.rulesDelay === 0 ? raw.effective.concurrency : 1;
  let next = 0;
  const markDone = (ri: number) => {
    done[ri] = true;
    while (summary.completedRules - base < done.length && done[summary.completedRules - base]) summary.completedRules++;
  };
  const worker = async () => {
    while (next < group.rules.length && !aborted(deps.signal)) {
      const ri = next++;
      if (base + ri < opts.skipRules) {
        // Done by the interrupted run this one resumes.
        markDone(ri);
        continue;
      }
      const expr = raw.rules[ri].expr;
      const before = sameExpr.get(expr) ?? Promise.resolve();
      let release = () => {};
      const mine = new Promise<void>((r) => {
        release = r;
      });
      sameExpr.set(expr, mine);
      await before;
      try {
        const label = `group "${raw.name}" rule "${group.rules[ri].name}"`;
        if (await replayRule(group, ri, label, expr, span, cq, clock, run)) markDone(ri);
      } finally {
        cq.unload(expr);
        release();
      }
      if (aborted(deps.signal)) return;
      // Later rules may read this one's results: deliver them, then give the storage time to index.
      await deps.writer.flush();
      if (opts.rulesDelay > 0 && ri < group.rules.length - 1) {
        await sleep(systemClock, opts.rulesDelay, deps.signal).catch(() => {});
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, group.rules.length) }, worker));
  if (aborted(deps.signal) && summary.interruptedIn === undefined) {
    // Stopped between rules: the first rule not done has not started.
    const ri = done.indexOf(false);
    if (ri >= 0) {
      summary.interruptedAt ??= span.first;
      summary.interruptedIn ??= `group "${raw.name}" rule "${group.rules[ri].name}"`;
    }
  }
}

/**
 * One rule over the whole range, chunk by chunk. Up to -replay.ruleEvaluationConcurrency range queries
 * run ahead of the chunk being evaluated; points are still fed to the rule in time order, so `for`,
 * keep_firing_for and staleness come out exactly as with one query at a time. True when completed.
 */
async function replayRule(
  group: Group,
  ri: number,
  label: string,
  expr: string,
  span: Span,
  cq: ChunkQuerier,
  clock: FakeClock,
  { opts, deps, summary }: Run,
): Promise<boolean> {
  const rule = group.rules[ri];
  const { first, count, chunks, interval } = span;
  const per = opts.maxDatapointsPerQuery;
  const startOf = (c: number) => first + c * per * interval;
  const sizeOf = (c: number) => Math.min(per, count - c * per);
  let requests = 0;
  let points = 0;
  let interrupted = false;
  const ahead: Promise<RangeQueryResult>[] = [];
  let fetched = 0;
  const fetchNext = () => {
    const c = fetched++;
    const p = rangeWithRetry(
      cq.real,
      expr,
      startOf(c),
      startOf(c) + (sizeOf(c) - 1) * interval,
      interval,
      opts,
      deps,
      label,
    );
    // Awaited in order below; a later chunk failing while an earlier one is awaited is not unhandled.
    p.catch(() => {});
    ahead.push(p);
  };
  try {
    for (let c = 0; c < chunks && !interrupted; c++) {
      if (aborted(deps.signal)) {
        interrupted = true;
        summary.interruptedAt ??= startOf(c);
        summary.interruptedIn ??= label;
        break;
      }
      while (fetched < chunks && ahead.length < Math.max(1, opts.ruleEvaluationConcurrency)) fetchNext();
      const res = await (ahead.shift() as Promise<RangeQueryResult>);
      requests++;
      cq.load(expr, res);
      for (let k = 0; k < sizeOf(c); k++) {
        const ts = startOf(c) + k * interval;
        if (aborted(deps.signal)) {
          interrupted = true;
          summary.interruptedAt ??= ts;
          summary.interruptedIn ??= label;
          break;
        }
        clock.jump(ts - clock.now());
        const out = await rule.exec(ts, new AbortController().signal);
        if (out.series.length > 0) deps.writer.push(out.series);
        points++;
        deps.progress?.update(label, points, count);
      }
    }
  } catch (err) {
    if (aborted(deps.signal)) {
      summary.interruptedAt ??= first + points * interval;
      summary.interruptedIn ??= label;
      return false;
    }
    if (!opts.continueWithExecutionErr) throw err;
    deps.logger.error(`${errorMessage(err)}; skipping the rule (-replay.continueWithExecutionErr)`);
    summary.skipped.push(label);
  }
  const lastError = rule.api(false).lastError;
  if (lastError) deps.logger.warn(`${label}: last evaluation error: ${lastError}`);
  summary.rules++;
  summary.points += points;
  summary.requests += requests;
  deps.progress?.ruleDone(label, points, requests);
  return !interrupted;
}

/** Replays `groups` over [opts.from, opts.to]. Throws ReplayError on a fatal query error. */
export async function replay(
  groups: EffectiveGroupConfig[],
  opts: ReplayOptions,
  deps: ReplayDeps,
): Promise<ReplaySummary> {
  const print = deps.print ?? (() => {});
  const summary: ReplaySummary = { groups: 0, rules: 0, points: 0, requests: 0, skipped: [], completedRules: 0 };
  print(
    `Replay mode:\nfrom: \t${fmtTime(opts.from)}\nto: \t${fmtTime(opts.to)}\nmax data points per request: ${opts.maxDatapointsPerQuery}`,
  );
  const budget = { max: 0, active: 0 };
  for (const raw of groups) {
    if (aborted(deps.signal)) {
      summary.interruptedAt ??= opts.from;
      summary.interruptedIn ??= `group "${raw.name}"`;
      break;
    }
    const interval = raw.effective.interval;
    const { first, count } = replayTimestamps(opts.from, opts.to, interval);
    const chunks = Math.ceil(count / opts.maxDatapointsPerQuery);
    print(`\nGroup "${raw.name}"\ninterval: \t${interval / 1000}s\nrequests to make: \t${chunks * raw.rules.length}`);
    if (raw.type !== "prometheus")
      throw new ReplayError(`group "${raw.name}": replay supports prometheus-type groups only, not ${raw.type}`);
    summary.groups++;
    const clock = new FakeClock(first);
    let chunkQ: ChunkQuerier | undefined;
    const span: Span = { first, count, chunks, interval };
    const factory: QuerierFactory = {
      forGroup(s: GroupQuerySettings) {
        chunkQ = new ChunkQuerier(deps.querierFactory.forGroup(s));
        return chunkQ;
      },
    };
    const group = new Group(
      { ...raw, evalOffset: undefined, cron: undefined, effective: { ...raw.effective, evalDelay: 0 } },
      {
        querierFactory: factory,
        notifiers: NO_NOTIFIERS,
        writer: deps.writer,
        compileTemplate: deps.compileTemplate,
        clock,
        logger: deps.logger,
        settings: deps.settings,
      },
      budget,
    );
    try {
      await replayRules(group, raw, span, chunkQ as unknown as ChunkQuerier, clock, { opts, deps, summary });
    } finally {
      await group.stop();
    }
    if (aborted(deps.signal)) break;
  }
  deps.progress?.finish();
  await deps.writer.flush();
  return summary;
}
