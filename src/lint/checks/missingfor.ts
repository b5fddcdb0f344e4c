// missing-for: an alert without `for` whose expression compares a raw series or an instant rate with a
// threshold. One sample over the threshold (a spike, a scrape hiccup) fires and resolves it at once.
import type { Expr } from "../../metricsql/index.js";
import { lookupFunction } from "../../metricsql/index.js";
import { COMPARISONS, walk } from "../exprwalk.js";
import { finding } from "../finding.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

/** Rollup functions whose value follows single samples rather than smoothing over the window. */
const SAMPLE_LIKE = new Set([
  "rate",
  "irate",
  "increase",
  "increase_prometheus",
  "increase_pure",
  "delta",
  "delta_prometheus",
  "idelta",
  "ideriv",
  "deriv",
  "deriv_fast",
  "default_rollup",
  "last_over_time",
]);
/** Functions that make a constant or a presence test, not a reading of the series. */
const CONSTANT = new Set(["absent", "absent_over_time", "present_over_time", "vector", "scalar", "time", "pi", "now"]);

/** True when the expression reads a series sample by sample (no smoothing window in between). */
export function isRaw(e: Expr, depth = 0): boolean {
  if (depth > 500) return false;
  const next = (x: Expr) => isRaw(x, depth + 1);
  switch (e.type) {
    case "selector":
      return true;
    case "rollup":
    case "paren":
    case "unary":
      return next(e.expr);
    case "call": {
      if (CONSTANT.has(e.name)) return false;
      if (SAMPLE_LIKE.has(e.name)) return true;
      if (lookupFunction(e.name)?.kind === "rollup") return false;
      return e.args.some(next);
    }
    case "aggregate":
      return e.args.some(next);
    case "binary":
      return next(e.lhs) || next(e.rhs);
    default:
      return false;
  }
}

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (r.rule.alert === undefined || r.rule.for > 0 || !r.ast) continue;
    let hit: Expr | undefined;
    walk(r.ast, (e) => {
      if (hit || e.type !== "binary" || !COMPARISONS.has(e.op) || e.bool) return;
      if (isRaw(e.lhs) || isRaw(e.rhs)) hit = e;
    });
    if (hit) {
      out.push(
        finding(
          r,
          r.at.expr(hit.pos.start),
          "alert has no `for` but compares a raw series or rate with a threshold: a single sample fires (and resolves) it; set `for` (e.g. 5m) or smooth with *_over_time()",
        ),
      );
    }
  }
  return out;
}

export const missingFor: LintCheck = {
  id: "missing-for",
  summary: "alert without `for` over a noisy expression (a threshold on a raw series or an instant rate)",
  run: check,
};
