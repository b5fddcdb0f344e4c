// Replay (backfilling, reference §11): rules are evaluated over a past range with range queries, and
// what they produce goes to remote write. Each point of a range result is fed to the live engine's own
// rule objects (src/rule Group, AlertingRule, RecordingRule) at its timestamp, so recording series,
// ALERTS / ALERTS_FOR_STATE, labels and `for` / keep_firing_for state come from the same code as in
// the live engine. Groups run one after another, rules one after another (chained rules read the
// results of earlier rules after -replay.rulesDelay), each rule's range in chunks of
// -replay.maxDatapointsPerQuery points.
import type { Logger } from "pino";
import type { GroupConfig } from "../config/types.js";
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

/** Answers the rule's own expression from the current range chunk; anything else (templates) goes to the datasource. */
class ChunkQuerier implements Querier {
  expr = "";
  byTime = new Map<number, Metric[]>();

  constructor(readonly real: Querier) {}

  async query(expr: string, opts: QueryOptions): Promise<QueryResult> {
    if (expr !== this.expr) return this.real.query(expr, opts);
    const data = (this.byTime.get(opts.time) ?? []).map((m) => ({ ...m, labels: { ...m.labels } }));
    return { data, seriesFetched: data.length };
  }

  load(res: RangeQueryResult): void {
    this.byTime.clear();
    for (const s of res.data) {
      for (const p of s.points) {
        let list = this.byTime.get(p.timestamp);
        if (!list) {
          list = [];
          this.byTime.set(p.timestamp, list);
        }
        list.push({ labels: s.labels, timestamp: p.timestamp / 1000, value: p.value });
      }
    }
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
        deps.logger.warn(`${what}: attempt ${attempt} of ${opts.ruleRetryAttempts} failed: ${(err as Error).message}`);
        await sleep(systemClock, RETRY_SLEEP_MS, deps.signal);
      }
    }
  }
  throw new ReplayError(`${what}: ${(last as Error)?.message ?? String(last)}`);
}

/** RFC3339 as the -replay.time* flags take it (whole seconds without a fraction). */
export function fmtTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** Replays `groups` over [opts.from, opts.to]. Throws ReplayError on a fatal query error. */
export async function replay(groups: GroupConfig[], opts: ReplayOptions, deps: ReplayDeps): Promise<ReplaySummary> {
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
    const interval = raw.interval && raw.interval > 0 ? raw.interval : deps.settings.evaluationInterval;
    const { first, count } = replayTimestamps(opts.from, opts.to, interval);
    const chunks = Math.ceil(count / opts.maxDatapointsPerQuery);
    print(`\nGroup "${raw.name}"\ninterval: \t${interval / 1000}s\nrequests to make: \t${chunks * raw.rules.length}`);
    if (raw.type !== "prometheus")
      throw new ReplayError(`group "${raw.name}": replay supports prometheus-type groups only, not ${raw.type}`);
    summary.groups++;
    const clock = new FakeClock(first);
    let chunkQ: ChunkQuerier | undefined;
    const factory: QuerierFactory = {
      forGroup(s: GroupQuerySettings) {
        chunkQ = new ChunkQuerier(deps.querierFactory.forGroup(s));
        return chunkQ;
      },
    };
    const group = new Group(
      { ...raw, interval, evalOffset: undefined, evalDelay: 0, cron: undefined },
      {
        querierFactory: factory,
        notifiers: NO_NOTIFIERS,
        writer: deps.writer,
        compileTemplate: deps.compileTemplate,
        clock,
        logger: deps.logger,
        settings: { ...deps.settings, queryTimeout: 0 },
      },
      budget,
    );
    try {
      const cq = chunkQ as unknown as ChunkQuerier;
      for (let ri = 0; ri < group.rules.length; ri++) {
        const rule = group.rules[ri];
        if (summary.completedRules < opts.skipRules) {
          // Done by the interrupted run this one resumes.
          summary.completedRules++;
          continue;
        }
        if (aborted(deps.signal)) {
          // Stopped during -replay.rulesDelay: this rule has not started.
          summary.interruptedAt ??= first;
          summary.interruptedIn ??= `group "${raw.name}" rule "${rule.name}"`;
          break;
        }
        const expr = raw.rules[ri].expr;
        const label = `group "${raw.name}" rule "${rule.name}"`;
        let requests = 0;
        let done = 0;
        cq.expr = expr;
        try {
          for (let c = 0; c < chunks && !aborted(deps.signal); c++) {
            const start = first + c * opts.maxDatapointsPerQuery * interval;
            const n = Math.min(opts.maxDatapointsPerQuery, count - c * opts.maxDatapointsPerQuery);
            const end = start + (n - 1) * interval;
            const res = await rangeWithRetry(cq.real, expr, start, end, interval, opts, deps, label);
            requests++;
            cq.load(res);
            for (let k = 0; k < n; k++) {
              const ts = start + k * interval;
              if (aborted(deps.signal)) {
                summary.interruptedAt ??= ts;
                summary.interruptedIn ??= label;
                break;
              }
              clock.jump(ts - clock.now());
              const ctl = new AbortController();
              const out = await rule.exec(ts, ctl.signal);
              if (out.series.length > 0) deps.writer.push(out.series);
              done++;
              deps.progress?.update(label, done, count);
            }
          }
        } catch (err) {
          if (aborted(deps.signal)) break;
          if (!opts.continueWithExecutionErr) throw err;
          deps.logger.error(`${(err as Error).message}; skipping the rule (-replay.continueWithExecutionErr)`);
          summary.skipped.push(label);
        }
        const lastError = rule.api(false).lastError;
        if (lastError) deps.logger.warn(`${label}: last evaluation error: ${lastError}`);
        summary.rules++;
        summary.points += done;
        summary.requests += requests;
        deps.progress?.ruleDone(label, done, requests);
        if (aborted(deps.signal)) {
          summary.interruptedAt ??= first + done * interval;
          summary.interruptedIn ??= label;
          break;
        }
        summary.completedRules++;
        // Later rules may read this one's results: deliver them, then give the storage time to index.
        await deps.writer.flush();
        if (opts.rulesDelay > 0 && ri < group.rules.length - 1) {
          await sleep(systemClock, opts.rulesDelay, deps.signal).catch(() => {});
        }
      }
    } finally {
      await group.stop();
    }
  }
  deps.progress?.finish();
  await deps.writer.flush();
  return summary;
}
