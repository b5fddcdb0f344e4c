// missing-for: an alert without `for` whose expression compares a raw series or an instant rate with a
// threshold. One sample over the threshold (a spike, a scrape hiccup) fires and resolves it at once.
import type { BinaryExpr, Expr } from "../../metricsql/index.js";
import { lookupFunction } from "../../metricsql/index.js";
import { COMPARISONS, unparen } from "../exprwalk.js";
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

const META = new Set(["ALERTS", "ALERTS_FOR_STATE"]);

function isTime(e: Expr): boolean {
  const u = unparen(e);
  return u.type === "call" && (u.name === "time" || u.name === "now");
}

/**
 * The comparison that decides whether the alert fires: the root, or the left side of `and`/`unless`
 * (the right side only filters), or either side of `or`. Undefined when no threshold decides it.
 */
function condition(expr: Expr): BinaryExpr | undefined {
  const e = unparen(expr);
  if (e.type !== "binary") return undefined;
  if (e.op === "or") return condition(e.lhs) ?? condition(e.rhs);
  if (e.op === "and" || e.op === "unless" || e.op === "if" || e.op === "ifnot" || e.op === "default") {
    return condition(e.lhs);
  }
  return COMPARISONS.has(e.op) && !e.bool ? e : undefined;
}

function numberValue(e: Expr): number | undefined {
  const u = unparen(e);
  if (u.type === "number") return u.value;
  if (u.type === "unary" && unparen(u.expr).type === "number") {
    const v = (unparen(u.expr) as { value: number }).value;
    return u.op === "-" ? -v : v;
  }
  return undefined;
}

/**
 * A threshold a fluctuating value crosses back and forth. Not one: `== c`/`!= c` (a state or flag
 * check) and `> 0` (any occurrence at all, meant to fire at once).
 */
function isThreshold(e: BinaryExpr): boolean {
  const l = numberValue(e.lhs);
  const r = numberValue(e.rhs);
  if ((e.op === "==" || e.op === "!=") && (l !== undefined || r !== undefined)) return false;
  if ((e.op === ">" && r === 0) || (e.op === "<" && l === 0)) return false;
  return true;
}

/** True when the expression reads a series sample by sample (no smoothing window in between). */
export function isRaw(e: Expr, depth = 0): boolean {
  if (depth > 500) return false;
  const next = (x: Expr) => isRaw(x, depth + 1);
  switch (e.type) {
    case "selector":
      // Alert state series change only when alerts do.
      return !META.has(e.name ?? "");
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
      // `time() - x` is an age: it grows steadily, whatever x does.
      if (isTime(e.lhs) || isTime(e.rhs)) return false;
      return next(e.lhs) || next(e.rhs);
    default:
      return false;
  }
}

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (r.rule.alert === undefined || r.rule.for > 0 || !r.ast) continue;
    const hit = condition(r.ast);
    if (hit && isThreshold(hit) && (isRaw(hit.lhs) || isRaw(hit.rhs))) {
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
