// MetricsQL / PromQL parser for rule validation and linting: it validates and describes an expression,
// it does not evaluate it.
import { errorMessage } from "../errors.js";
import type { Expr } from "./ast.js";
import { MetricsqlSyntaxError } from "./error.js";
import { exceedsLimits } from "./measure.js";
import { MAX_DEPTH, type ParseStats, parseExpr } from "./parser.js";

export type * from "./ast.js";
export { MetricsqlSyntaxError } from "./error.js";
export { describeArity, FUNCTIONS, type FunctionKind, type FunctionSpec, lookupFunction } from "./functions.js";
export { children } from "./measure.js";
export type { ParseStats } from "./parser.js";
export { print } from "./printer.js";
export { metricNames, type SelectorInfo, selectors } from "./selectors.js";

const MAX_NODES_PER_CHAR = 64;
const MIN_NODES = 200_000;

/**
 * Parses a MetricsQL expression into a tree with WITH templates expanded. Throws MetricsqlSyntaxError
 * (code TSA_EXPR, with line/col relative to `expr`) and nothing else. `stats.steps` receives the
 * tokens read, the parser's work count.
 */
export function parse(expr: string, stats?: ParseStats): Expr {
  if (typeof expr !== "string") throw new MetricsqlSyntaxError("expression must be a string", "", 0);
  let tree: Expr;
  let mayExceed: boolean;
  try {
    ({ expr: tree, mayExceed } = parseExpr(expr, stats));
  } catch (err) {
    if (err instanceof MetricsqlSyntaxError) throw err;
    // A bug must still surface as the one documented error type, with the cause kept.
    const e = new MetricsqlSyntaxError(`internal parser error: ${errorMessage(err)}`, expr, 0);
    (e as { cause?: unknown }).cause = err;
    throw e;
  }
  const tooBig = mayExceed && exceedsLimits(tree, MAX_DEPTH, Math.max(MIN_NODES, expr.length * MAX_NODES_PER_CHAR));
  if (tooBig) throw new MetricsqlSyntaxError(tooBig, expr, 0);
  return tree;
}

/** The loader's hook (Validators.expr): null when valid, else the message and its position. */
export function validateExpr(expr: string): { message: string; line: number; col: number } | null {
  if (expr.trim() === "") return { message: "expression is empty", line: 1, col: 1 };
  try {
    parse(expr);
    return null;
  } catch (err) {
    const e = err as MetricsqlSyntaxError;
    return { message: e.reason, line: e.line, col: e.col };
  }
}
