// What alerting and recording rules share: the per-group context they run in and the query step.
import type { Logger } from "pino";
import type { GroupQuerySettings, Querier, QueryResult } from "../datasource/types.js";
import type { NotifierAlert } from "../notifier/types.js";
import type { TimeSeries } from "../remotewrite/types.js";
import type { ApiRule, ApiStateEntry } from "./api.js";
import type { Clock } from "./clock.js";
import type { EngineDeps } from "./types.js";

/** The group-level facts a rule reads during an evaluation. */
export interface GroupContext {
  id: string;
  name: string;
  /** The rule file as loaded (metric labels). */
  file: string;
  /** The file as shown in the API and logs (`<groupID>/<basename>` with -rule.stripFilePath). */
  shownFile: string;
  type: string;
  /** Effective interval, ms. */
  interval: number;
  limit: number;
  querier: Querier;
  querySettings: GroupQuerySettings;
  deps: EngineDeps;
  budget: AlertBudget;
}

/** The -rule.maxActiveAlerts counter, shared by every rule of an engine. */
export interface AlertBudget {
  max: number;
  active: number;
}

export interface ExecOutcome {
  /** Series for remote write (empty when nothing). */
  series: TimeSeries[];
  /** Alerts selected for notification. */
  alerts: NotifierAlert[];
  /** The evaluation was cancelled (reload/shutdown): no history, no error. */
  cancelled?: boolean;
}

export interface Rule {
  readonly id: string;
  readonly kind: "alerting" | "recording";
  readonly name: string;
  exec(ts: number, signal: AbortSignal): Promise<ExecOutcome>;
  /** Carries alert state/history over from the rule this one replaces on reload (same ID). */
  adopt(old: Rule): void;
  api(withUpdates: boolean): ApiRule;
  /** Removes the rule's metric series and its share of the alert budget. */
  close(): void;
}

export class QueryTimeout extends Error {
  constructor(ms: number) {
    super(`query timed out after ${ms / 1000}s (-datasource.queryTimeout, at most the group interval)`);
    this.name = "QueryTimeout";
  }
}

/**
 * Runs one instant query with the group's querier, bounded by -datasource.queryTimeout (never longer than
 * the interval). The caller tells a cancellation from a failure by looking at its own signal.
 */
export async function runQuery(
  querier: Querier,
  expr: string,
  ts: number,
  signal: AbortSignal,
  clock: Clock,
  timeoutMs: number,
): Promise<QueryResult> {
  if (timeoutMs <= 0) return querier.query(expr, { time: ts, signal });
  const link = linked(signal);
  const timer = clock.setTimer(timeoutMs, () => link.ctl.abort(new QueryTimeout(timeoutMs)));
  const combined = link.ctl.signal;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      querier.query(expr, { time: ts, signal: combined }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(combined.reason);
        if (combined.aborted) onAbort();
        else combined.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    timer.cancel();
    if (onAbort) combined.removeEventListener("abort", onAbort);
    link.unlink();
  }
}

/**
 * A controller aborted with its parent. Unlike AbortSignal.any, unlink() detaches it at once, so
 * thousands of short-lived queries do not pile listeners on a long-lived signal.
 */
export function linked(parent: AbortSignal): { ctl: AbortController; unlink(): void } {
  const ctl = new AbortController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return { ctl, unlink: () => {} };
  }
  const onAbort = () => ctl.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { ctl, unlink: () => parent.removeEventListener("abort", onAbort) };
}

export { errorMessage } from "../errors.js";

export function logRuleError(logger: Logger, g: GroupContext, rule: string, err: string): void {
  logger.error(`group "${g.name}" (file=${g.shownFile}): rule "${rule}": failed to execute: ${err}`);
}

export function entry(
  start: number,
  ts: number,
  durationMs: number,
  res: QueryResult | undefined,
  error: string | null,
  formatTime: (ms: number) => string,
): ApiStateEntry {
  return {
    time: formatTime(start),
    at: formatTime(ts),
    duration: Math.round(durationMs * 1e6),
    error,
    samples: res ? res.data.length : 0,
    series_fetched: res ? res.seriesFetched : null,
    curl: res?.curl ?? "",
  };
}
