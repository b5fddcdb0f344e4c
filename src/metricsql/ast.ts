// The typed syntax tree of a MetricsQL expression. WITH templates are already expanded: the tree holds
// only what the query reads. `pos` is the [start, end) character range in the expression text.

export interface Span {
  start: number;
  end: number;
}

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

/** A duration as written (`5m`, `1h30m`, `1.5h`, `10i`, `-1h`, `$__interval`); ms is null when it
 *  depends on the query step (`i`) or the caller (`$__interval`). */
export interface DurationLiteral {
  type: "duration";
  text: string;
  ms: number | null;
  pos: Span;
}

export interface NumberLiteral {
  type: "number";
  value: number;
  pos: Span;
}

export interface StringLiteral {
  type: "string";
  value: string;
  pos: Span;
}

export interface VectorSelector {
  type: "selector";
  /** Metric name written before the braces; undefined for `{...}` selectors. */
  name?: string;
  /** Alternatives joined by `or` inside the braces; each is a list of matchers ANDed together. */
  matchers: LabelMatcher[][];
  pos: Span;
}

/** A window, subquery, offset or `@` applied to an expression: `x[5m:1m] offset 1h @ end()`. */
export interface RollupExpr {
  type: "rollup";
  expr: Expr;
  /** Window (`[5m]`) or subquery range; undefined for `[:1m]`, `[:]` or no brackets. */
  window?: DurationLiteral;
  /** True for the subquery form with a colon. */
  subquery: boolean;
  step?: DurationLiteral;
  offset?: DurationLiteral;
  at?: Expr;
  pos: Span;
}

export interface FunctionCall {
  type: "call";
  /** Lower-case for known functions; "" for a parenthesised list `(a, b)` (union). */
  name: string;
  args: Expr[];
  keepMetricNames: boolean;
  pos: Span;
}

export interface Grouping {
  mode: "by" | "without";
  labels: string[];
}

export interface AggregateExpr {
  type: "aggregate";
  name: string;
  args: Expr[];
  grouping?: Grouping;
  limit?: number;
  pos: Span;
}

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^"
  | "atan2"
  | "=="
  | "!="
  | "<"
  | ">"
  | "<="
  | ">="
  | "and"
  | "or"
  | "unless"
  | "if"
  | "ifnot"
  | "default";

export interface VectorMatching {
  /** `on(...)` when true, `ignoring(...)` when false. */
  on: boolean;
  labels: string[];
}

export interface GroupModifier {
  side: "left" | "right";
  labels: string[];
}

export interface BinaryExpr {
  type: "binary";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  bool: boolean;
  matching?: VectorMatching;
  group?: GroupModifier;
  pos: Span;
}

export interface UnaryExpr {
  type: "unary";
  op: "-" | "+";
  expr: Expr;
  pos: Span;
}

export interface ParenExpr {
  type: "paren";
  expr: Expr;
  pos: Span;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | DurationLiteral
  | VectorSelector
  | RollupExpr
  | FunctionCall
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;
