// vmalert-tool runs a test from the Unix epoch, but VictoriaMetrics 1.79 cannot query samples of its first
// day (1970-01-01). Tests therefore live in storage `shift` ms later, and every query is translated so its
// results read as if they had started at the epoch: functions that return absolute times subtract the
// shift, calendar functions read the shifted-back time, and `@` adds it.
import { memo } from "../memo.js";
import type { Expr, FunctionCall } from "../metricsql/ast.js";
import { parse, print } from "../metricsql/index.js";

/** Functions whose value is an absolute time in seconds. */
const RETURNS_TIME = new Set([
  "time",
  "timestamp",
  "timestamp_with_name",
  "tfirst_over_time",
  "tlast_over_time",
  "tlast_change_over_time",
  "tmax_over_time",
  "tmin_over_time",
  "start",
  "end",
]);

/** Functions that read the evaluation time when called without an argument. */
const CALENDAR = new Set([
  "day_of_month",
  "day_of_week",
  "day_of_year",
  "days_in_month",
  "hour",
  "minute",
  "month",
  "year",
]);

const NOWHERE = { start: 0, end: 0 };

function num(value: number): Expr {
  return { type: "number", value, pos: NOWHERE };
}

function plus(e: Expr, seconds: number, op: "+" | "-"): Expr {
  return {
    type: "paren",
    expr: { type: "binary", op, lhs: e, rhs: num(seconds), bool: false, pos: NOWHERE },
    pos: NOWHERE,
  };
}

function shiftTree(e: Expr, seconds: number): Expr {
  const rec = (x: Expr) => shiftTree(x, seconds);
  switch (e.type) {
    case "number":
    case "string":
    case "duration":
    case "selector":
      return e;
    case "paren":
      return { ...e, expr: rec(e.expr) };
    case "unary":
      return { ...e, expr: rec(e.expr) };
    case "binary":
      return { ...e, lhs: rec(e.lhs), rhs: rec(e.rhs) };
    case "aggregate":
      return { ...e, args: e.args.map(rec) };
    case "rollup": {
      const out = { ...e, expr: rec(e.expr) };
      if (e.at) out.at = plus(rec(e.at), seconds, "+");
      return out;
    }
    case "call": {
      const call: FunctionCall = { ...e, args: e.args.map(rec) };
      if (RETURNS_TIME.has(e.name)) return plus(call, seconds, "-");
      if (CALENDAR.has(e.name) && e.args.length === 0) {
        const now: Expr = { type: "call", name: "time", args: [], keepMetricNames: false, pos: NOWHERE };
        return { ...call, args: [plus(now, seconds, "-")] };
      }
      return call;
    }
  }
}

const cache = new Map<string, string>();
const MAX_CACHED = 10_000;

/** `expr` rewritten for storage that holds the test `shiftMs` later than its own clock. */
export function shiftExpr(expr: string, shiftMs: number): string {
  if (shiftMs === 0) return expr;
  return memo(cache, `${shiftMs}\u0000${expr}`, MAX_CACHED, () => print(shiftTree(parse(expr), shiftMs / 1000)));
}
