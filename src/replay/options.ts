// Replay settings (README "Replay (backfilling) and tsalert replay --compare") and their checks: a past, non-empty range.

export interface ReplayOptions {
  /** ms */
  from: number;
  /** ms */
  to: number;
  /** Pause after each rule so chained rules read what earlier ones wrote (ms). */
  rulesDelay: number;
  /** Points per range query (≥1). */
  maxDatapointsPerQuery: number;
  /** Attempts per range query before replay fails. */
  ruleRetryAttempts: number;
  disableProgressBar: boolean;
  /** Skip a rule whose query fails instead of stopping the replay. */
  continueWithExecutionErr: boolean;
  /** Rules, in replay order, that an interrupted run completed: skipped when resuming (tsalert). */
  skipRules: number;
  /** Range queries of one rule in flight at once (-replay.ruleEvaluationConcurrency). */
  ruleEvaluationConcurrency: number;
}

export class ReplayOptionsError extends Error {}

/** RFC3339 (with or without fractional seconds / zone offset) to ms. */
export function parseRFC3339(flag: string, text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new ReplayOptionsError(
      `${flag}: cannot parse ${JSON.stringify(text)}: want RFC3339, e.g. 2024-01-02T15:04:05Z`,
    );
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new ReplayOptionsError(`${flag}: invalid time ${JSON.stringify(text)}`);
  return ms;
}

export interface RawReplayFlags {
  timeFrom: string;
  timeTo: string;
  rulesDelay: number;
  maxDatapointsPerQuery: number;
  ruleRetryAttempts: number;
  disableProgressBar: boolean;
  continueWithExecutionErr: boolean;
  skipRules?: number;
  ruleEvaluationConcurrency?: number;
}

/** Checks the flag values; `now` is the wall clock (ms). */
export function replayOptions(raw: RawReplayFlags, now: number): ReplayOptions {
  const from = parseRFC3339("-replay.timeFrom", raw.timeFrom);
  const to = raw.timeTo === "" ? now : parseRFC3339("-replay.timeTo", raw.timeTo);
  if (from > now) throw new ReplayOptionsError(`-replay.timeFrom ${raw.timeFrom} is in the future`);
  if (to > now) throw new ReplayOptionsError(`-replay.timeTo ${raw.timeTo} is in the future`);
  if (to <= from) {
    throw new ReplayOptionsError(
      `-replay.timeTo must be later than -replay.timeFrom (empty range ${raw.timeFrom} .. ${raw.timeTo || "now"})`,
    );
  }
  if (!Number.isInteger(raw.maxDatapointsPerQuery) || raw.maxDatapointsPerQuery < 1) {
    throw new ReplayOptionsError(`-replay.maxDatapointsPerQuery must be at least 1, got ${raw.maxDatapointsPerQuery}`);
  }
  if (raw.ruleRetryAttempts < 1) {
    throw new ReplayOptionsError(`-replay.ruleRetryAttempts must be at least 1, got ${raw.ruleRetryAttempts}`);
  }
  if (raw.rulesDelay < 0) throw new ReplayOptionsError("-replay.rulesDelay must not be negative");
  const skipRules = raw.skipRules ?? 0;
  if (!Number.isInteger(skipRules) || skipRules < 0) {
    throw new ReplayOptionsError(`-replay.skipRules must be a whole number >= 0, got ${skipRules}`);
  }
  const ruleEvaluationConcurrency = raw.ruleEvaluationConcurrency ?? 1;
  if (!Number.isInteger(ruleEvaluationConcurrency) || ruleEvaluationConcurrency < 1) {
    throw new ReplayOptionsError(
      `-replay.ruleEvaluationConcurrency must be at least 1, got ${raw.ruleEvaluationConcurrency}`,
    );
  }
  return {
    from,
    to,
    ruleEvaluationConcurrency,
    rulesDelay: raw.rulesDelay,
    maxDatapointsPerQuery: raw.maxDatapointsPerQuery,
    ruleRetryAttempts: raw.ruleRetryAttempts,
    disableProgressBar: raw.disableProgressBar,
    continueWithExecutionErr: raw.continueWithExecutionErr,
    skipRules,
  };
}
