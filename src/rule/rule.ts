// What alerting and recording rules share: the inputs a rule runs with, its outcome, and the query step.
import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { DatasourceType } from "../config/types.js";
import type { GroupQuerySettings, Querier, QueryResult } from "../datasource/types.js";
import type { NotifierAlert } from "../notifier/types.js";
import type { AlertRestorer } from "../remoteread/types.js";
import type { TimeSeries } from "../remotewrite/types.js";
import type { ApiRule } from "./api.js";
import type { Clock } from "./clock.js";
import type { CurlSource, HistoryEntry } from "./history.js";
import { semanticsPolicy } from "./semantics.js";
import type { EngineSettings } from "./types.js";

/** What a rule reads of its group: its identity (labels, metrics, API, logs), interval and limit. */
export interface RuleGroup {
  id: string;
  name: string;
  /** The rule file as loaded (metric labels). */
  file: string;
  /** The file as shown in the API and logs (`<groupID>/<basename>` with -rule.stripFilePath). */
  shownFile: string;
  type: DatasourceType;
  /** Effective interval, ms. */
  interval: number;
  /** Effective `limit` (-rule.resultsLimit applied by the loader); 0 = none. */
  limit: number;
  /** What the group's querier was built for: a restore asks the same tenant with the same params. */
  querySettings: GroupQuerySettings;
}

/** The flag values a rule reads. */
export type RuleSettings = Pick<
  EngineSettings,
  | "resendDelay"
  | "maxResolveDuration"
  | "externalLabels"
  | "templateExternalLabels"
  | "semantics"
  | "externalURL"
  | "externalURLRaw"
  | "disableAlertgroupLabel"
  | "updateEntriesLimit"
  | "templateTimeout"
>;

/**
 * Everything a rule runs with, built by its group (anew on every reload, never changed afterwards). The
 * group owns writing and notifying: a rule returns series and alerts, and sends or writes nothing.
 */
export interface RuleInputs {
  group: RuleGroup;
  querier: Querier;
  clock: Clock;
  logger: Logger;
  settings: RuleSettings;
  /** The group has a remote writer: without one, rules skip building series nobody writes. */
  writes: boolean;
  /** The -rule.maxActiveAlerts counter, shared by every rule of an engine. */
  budget: AlertBudget;
  /**
   * The time a rule queries for an evaluation at `ts` (the state time): `ts` itself, or under
   * -rule.semantics=prometheus eval_delay/query_offset earlier (Prometheus' query_offset).
   */
  queryTime(ts: number): number;
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
  /** The restore passed to exec is done (it ran, or had nothing to restore): do not pass it again. */
  restored?: boolean;
}

export interface Rule {
  readonly id: string;
  readonly kind: "alerting" | "recording";
  readonly name: string;
  /**
   * One evaluation at query time `ts`. `restore` (process start, -remoteRead.url) is passed until an
   * outcome says `restored`: the first evaluation whose query succeeds restores its new alerts from it
   * before anything is written or sent.
   */
  exec(ts: number, signal: AbortSignal, restore?: AlertRestorer): Promise<ExecOutcome>;
  /** Carries alert state/history over from the rule this one replaces on reload (same ID). */
  adopt(old: Rule): void;
  api(withUpdates: boolean): ApiRule;
  /** Removes the rule's metric series and its share of the alert budget. */
  close(): void;
}

/**
 * The timestamp of the series (ALERTS, stale markers) an evaluation at `ts` writes: the query time in
 * whole seconds, as vmalert, or to the millisecond, as Prometheus.
 */
export function seriesTime(inputs: RuleInputs, ts: number): number {
  const t = inputs.queryTime(ts);
  return semanticsPolicy(inputs.settings).millisecondTimes ? t : Math.floor(t / 1000) * 1000;
}

/**
 * Runs one instant query with the group's querier. The querier bounds it (-datasource.queryTimeout);
 * this only makes a cancellation (reload, shutdown) end the wait at once, even for a querier that does
 * not watch the signal. The caller tells a cancellation from a failure by looking at its own signal.
 */
export async function runQuery(querier: Querier, expr: string, ts: number, signal: AbortSignal): Promise<QueryResult> {
  if (signal.aborted) throw signal.reason;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      querier.query(expr, { time: ts, signal }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * A controller whose signal every request of a group's iteration (or every send) listens to. Each
 * listener is removed when its request ends and their number is bounded by -rule.maxConcurrency and
 * -rule.maxConcurrentEvals, so Node's warning past 10 listeners ("possible EventTarget memory leak")
 * would only be noise in the log.
 */
export function sharedController(): AbortController {
  const ctl = new AbortController();
  setMaxListeners(0, ctl.signal);
  return ctl;
}

/**
 * A controller aborted with its parent. Unlike AbortSignal.any, unlink() detaches it at once, so
 * thousands of short-lived queries do not pile listeners on a long-lived signal.
 */
export function linked(parent: AbortSignal): { ctl: AbortController; unlink(): void } {
  const ctl = sharedController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return { ctl, unlink: () => {} };
  }
  const onAbort = () => ctl.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { ctl, unlink: () => parent.removeEventListener("abort", onAbort) };
}

export { errorMessage } from "../errors.js";

export function logRuleError(logger: Logger, g: RuleGroup, rule: string, err: string): void {
  logger.error(`group "${g.name}" (file=${g.shownFile}): rule "${rule}": failed to execute: ${err}`);
}

export function entry(
  start: number,
  ts: number,
  durationMs: number,
  res: QueryResult | undefined,
  error: string | null,
  curl: CurlSource,
): HistoryEntry {
  return {
    start,
    at: ts,
    durationMs,
    error,
    samples: res ? res.data.length : 0,
    seriesFetched: res ? res.seriesFetched : null,
    curl: res ? curl : undefined,
  };
}

/** A rule's curl commands: from its querier and expression, not from the rule (an adopted history must not keep an old rule alive). */
export function curlSource(querier: Querier, expr: string): CurlSource {
  return { curl: (at) => querier.curl?.(expr, at) ?? "" };
}
