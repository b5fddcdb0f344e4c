// The budget one alert's templates share (README, Templates, Limits): execution time and distinct queries.
import { durationString } from "./goformat.js";
import type { RenderBudget } from "./types.js";

/**
 * A budget for one alert's templates (labels and annotations together), starting now: `timeoutMs` of
 * execution time (0 = none), and at most MAX_QUERIES distinct queries. `source` names the setting in the
 * error text.
 */
export function createRenderBudget(timeoutMs: number, source = ""): RenderBudget {
  const b: RenderBudget = { timeoutMs, deadline: 0, source, queries: undefined, exhausted: false };
  renewRenderBudget(b);
  return b;
}

/**
 * Starts a budget over for the next alert, from `now` (performance.now()): one object serves a whole
 * evaluation, alert after alert, and the caller's clock reading serves for both.
 */
export function renewRenderBudget(b: RenderBudget, now = performance.now()): void {
  b.deadline = b.timeoutMs > 0 ? now + b.timeoutMs : Number.POSITIVE_INFINITY;
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
