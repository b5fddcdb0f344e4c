// The budget one alert's templates share (README, Templates, Limits): execution time and distinct queries.
import { durationString } from "./goformat.js";
import type { RenderBudget } from "./types.js";

/**
 * A budget for one alert's templates (labels and annotations together): `timeoutMs` of execution time
 * (0 = none), and at most MAX_QUERIES distinct queries. `source` names the setting in the error text.
 */
export function createRenderBudget(timeoutMs: number, source = ""): RenderBudget {
  return {
    timeoutMs,
    timeLeftMs: timeoutMs > 0 ? timeoutMs : Number.POSITIVE_INFINITY,
    source,
    queries: undefined,
    exhausted: false,
  };
}

/** Starts a budget over for the next alert: one object serves a whole evaluation, alert after alert. */
export function renewRenderBudget(b: RenderBudget): void {
  b.timeLeftMs = b.timeoutMs > 0 ? b.timeoutMs : Number.POSITIVE_INFINITY;
  b.queries = undefined;
  b.exhausted = false;
}

/**
 * Marks the budget spent and returns its error: the same text wherever the time ran out, so an annotation
 * stays stable from one evaluation to the next.
 */
export function timeUp(b: RenderBudget | undefined): string {
  if (!b) return "template execution exceeded its time budget";
  b.exhausted = true;
  const limit = durationString(BigInt(Math.round(b.timeoutMs * 1e6)));
  return `template execution exceeded the time budget of ${limit}${b.source ? ` (${b.source})` : ""}`;
}
