// What makes an expression PromQL rather than MetricsQL: the tree of src/metricsql (which reads the
// MetricsQL superset) is checked against PromQL's grammar and types, as Prometheus' parser checks it, so a
// promtool-dialect file using a MetricsQL-only construct is refused with a clear message.

import { errorMessage } from "../errors.js";
import type { GoRegexp } from "../goregexp.js";
import type { Expr } from "../metricsql/ast.js";
import { PROMQL_AGGREGATIONS } from "./aggregate.js";
import { COMPARISON } from "./binop.js";
import { PROMQL_FUNCTIONS } from "./functions.js";
import { METRIC_NAME } from "./labels.js";
import { anchoredRegexp } from "./matchers.js";
import { PromqlError, type ValueType } from "./types.js";

const DOC: Record<ValueType, string> = {
  scalar: "scalar",
  string: "string",
  vector: "instant vector",
  matrix: "range vector",
};

const SET_OPS = new Set(["and", "or", "unless"]);

function metricsqlOnly(what: string, pos: number): never {
  throw new PromqlError(`${what} is MetricsQL, not PromQL (promtool would reject it)`, pos);
}

function unparen(e: Expr): Expr {
  let x = e;
  while (x.type === "paren") x = x.expr;
  return x;
}

function matchesEmpty(op: string, value: string): boolean {
  switch (op) {
    case "=":
      return value === "";
    case "!=":
      return value !== "";
    default: {
      let re: GoRegexp;
      try {
        re = anchoredRegexp(value);
      } catch (err) {
        throw new PromqlError(`invalid regular expression ${JSON.stringify(value)}: ${errorMessage(err)}`);
      }
      return op === "=~" ? re.matchString("") : !re.matchString("");
    }
  }
}

/**
 * Checks `tree` (parsed from `src`) as PromQL and returns its type; throws PromqlError (with the
 * offset of the offending part) for MetricsQL-only syntax, unknown functions and type errors.
 */
export function checkPromql(tree: Expr, src: string): ValueType {
  const check = (e: Expr): ValueType => {
    const at = e.pos.start;
    switch (e.type) {
      case "number": {
        const text = src.slice(e.pos.start, e.pos.end).toLowerCase();
        if (!text.startsWith("0x") && /[kmgt]i?$/.test(text)) metricsqlOnly(`the number suffix in "${text}"`, at);
        return "scalar";
      }
      case "duration":
        if (e.ms === null) metricsqlOnly(`the duration "${e.text}"`, at);
        return "scalar";
      case "string":
        return "string";
      case "paren":
        return check(e.expr);
      case "selector": {
        if (e.matchers.length > 1) metricsqlOnly(`"or" inside a selector's braces`, at);
        const list = e.matchers[0] ?? [];
        const named = list.find((m) => m.label === METRIC_NAME && m.op === "=");
        if (e.name !== undefined && named) {
          throw new PromqlError(
            `metric name must not be set twice: ${JSON.stringify(e.name)} or ${JSON.stringify(named.value)}`,
            at,
          );
        }
        if (e.name === undefined && !list.some((m) => !matchesEmpty(m.op, m.value))) {
          throw new PromqlError("vector selector must contain at least one non-empty matcher", at);
        }
        return "vector";
      }
      case "rollup": {
        for (const d of [e.window, e.step, e.offset]) {
          if (d && d.ms === null) metricsqlOnly(`the duration "${d.text}"`, d.pos.start);
        }
        const inner = e.expr;
        if (e.subquery) {
          const t = check(inner);
          if (t !== "vector") throw new PromqlError(`subquery is only allowed on instant vector, got ${DOC[t]}`, at);
        } else if (inner.type !== "selector") {
          if (e.window) {
            metricsqlOnly("a range on an expression other than a vector selector (an implicit subquery)", at);
          }
          metricsqlOnly("offset or @ on an expression other than a selector or subquery", at);
        } else check(inner);
        if (e.at) {
          const a = unparen(e.at);
          const num = a.type === "number" || (a.type === "unary" && unparen(a.expr).type === "number");
          const startEnd = a.type === "call" && (a.name === "start" || a.name === "end") && a.args.length === 0;
          if (!num && !startEnd) metricsqlOnly("an @ modifier other than a number, start() or end()", e.at.pos.start);
        }
        return e.window || e.subquery ? "matrix" : "vector";
      }
      case "unary": {
        const t = check(e.expr);
        if (t !== "scalar" && t !== "vector") {
          throw new PromqlError(
            `unary expression only allowed on expressions of type scalar or instant vector, got "${DOC[t]}"`,
            at,
          );
        }
        return t;
      }
      case "binary": {
        if (e.op === "if" || e.op === "ifnot" || e.op === "default") metricsqlOnly(`the "${e.op}" operator`, at);
        const lt = check(e.lhs);
        const rt = check(e.rhs);
        if ((lt !== "scalar" && lt !== "vector") || (rt !== "scalar" && rt !== "vector")) {
          throw new PromqlError("binary expression must contain only scalar and instant vector types", at);
        }
        const scalars = lt === "scalar" || rt === "scalar";
        if (lt === "scalar" && rt === "scalar" && COMPARISON.has(e.op) && !e.bool) {
          throw new PromqlError("comparisons between scalars must use BOOL modifier", at);
        }
        if (SET_OPS.has(e.op) && scalars) {
          throw new PromqlError(`set operator "${e.op}" not allowed in binary scalar expression`, at);
        }
        if ((e.matching || e.group) && scalars) {
          throw new PromqlError("vector matching only allowed between instant vectors", at);
        }
        if (e.matching?.on && e.group) {
          for (const l of e.group.labels) {
            if (e.matching.labels.includes(l)) {
              throw new PromqlError(`label "${l}" must not occur in ON and GROUP clause at once`, at);
            }
          }
        }
        return lt === "scalar" && rt === "scalar" ? "scalar" : "vector";
      }
      case "aggregate": {
        const kind = PROMQL_AGGREGATIONS.get(e.name);
        if (kind === undefined) throw new PromqlError(`unknown function with name "${e.name}"`, at);
        if (e.limit !== undefined) metricsqlOnly(`"limit" after an aggregation`, at);
        const want = kind === "none" ? 1 : 2;
        if (e.args.length !== want) {
          throw new PromqlError(
            `wrong number of arguments for aggregate expression provided, expected ${want}, got ${e.args.length}`,
            at,
          );
        }
        if (kind !== "none") {
          const pt = check(e.args[0]);
          const wantParam = kind === "string" ? "string" : "scalar";
          if (pt !== wantParam) {
            throw new PromqlError(`expected type ${DOC[wantParam]} in aggregation parameter, got ${DOC[pt]}`, at);
          }
        }
        const t = check(e.args[want - 1]);
        if (t !== "vector") {
          throw new PromqlError(`expected type instant vector in aggregation expression, got ${DOC[t]}`, at);
        }
        return "vector";
      }
      case "call": {
        if (e.name === "") metricsqlOnly("a parenthesised list of expressions", at);
        if (e.keepMetricNames) metricsqlOnly(`"keep_metric_names"`, at);
        const fn = PROMQL_FUNCTIONS.get(e.name);
        if (!fn) throw new PromqlError(`unknown function with name "${e.name}"`, at);
        const nargs = fn.args.length;
        const n = e.args.length;
        if (fn.variadic === 0 && n !== nargs) {
          throw new PromqlError(`expected ${nargs} argument(s) in call to "${e.name}", got ${n}`, at);
        }
        if (fn.variadic !== 0) {
          const min = nargs - 1;
          if (n < min)
            throw new PromqlError(`expected at least ${min} argument(s) in call to "${e.name}", got ${n}`, at);
          if (fn.variadic > 0 && n > min + fn.variadic) {
            throw new PromqlError(
              `expected at most ${min + fn.variadic} argument(s) in call to "${e.name}", got ${n}`,
              at,
            );
          }
        }
        e.args.forEach((arg, i) => {
          const want = fn.args[Math.min(i, nargs - 1)];
          const got = check(arg);
          if (got !== want) {
            throw new PromqlError(
              `expected type ${DOC[want]} in call to function "${e.name}", got ${DOC[got]}`,
              arg.pos.start,
            );
          }
        });
        return fn.returns;
      }
    }
  };
  return check(tree);
}
