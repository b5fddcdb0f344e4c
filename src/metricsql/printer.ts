// Canonical text of a tree: lower-case keywords, one space around binary operators, `by` after the
// arguments, double-quoted strings. parse(print(e)) gives e back (positions aside).
import type { DurationLiteral, Expr, LabelMatcher, VectorSelector } from "./ast.js";
import { isIdentChar, isIdentStart } from "./lexer.js";

export function print(e: Expr): string {
  switch (e.type) {
    case "number":
      return formatNumber(e.value);
    case "string":
      return JSON.stringify(e.value);
    case "duration":
      return e.text;
    case "selector":
      return printSelector(e);
    case "paren":
      return `(${print(e.expr)})`;
    case "unary":
      return `${e.op}${print(e.expr)}`;
    case "call": {
      const args = e.args.map(print).join(", ");
      if (e.name === "") return e.args.length === 1 ? `(${args},)` : `(${args})`;
      return `${e.name}(${args})${e.keepMetricNames ? " keep_metric_names" : ""}`;
    }
    case "aggregate": {
      let s = `${e.name}(${e.args.map(print).join(", ")})`;
      if (e.grouping) s += ` ${e.grouping.mode} (${e.grouping.labels.map(printIdent).join(", ")})`;
      if (e.limit !== undefined) s += ` limit ${e.limit}`;
      return s;
    }
    case "binary": {
      let op = e.op as string;
      if (e.bool) op += " bool";
      if (e.matching) op += ` ${e.matching.on ? "on" : "ignoring"}(${e.matching.labels.map(printIdent).join(", ")})`;
      if (e.group) op += ` group_${e.group.side}(${e.group.labels.map(printIdent).join(", ")})`;
      return `${print(e.lhs)} ${op} ${print(e.rhs)}`;
    }
    case "rollup": {
      let s = print(e.expr);
      if (e.window || e.subquery) {
        s += `[${e.window ? printDuration(e.window) : ""}${e.subquery ? ":" : ""}${e.step ? printDuration(e.step) : ""}]`;
      }
      if (e.offset) s += ` offset ${printDuration(e.offset)}`;
      if (e.at) s += ` @ ${print(e.at)}`;
      return s;
    }
  }
}

function printDuration(d: DurationLiteral): string {
  return d.text;
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

function printSelector(e: VectorSelector): string {
  const name = e.name === undefined ? "" : printMetricName(e.name);
  if (e.matchers.length === 0) return e.name === undefined ? "{}" : name;
  const groups = e.matchers.map((g) => g.map(printMatcher).join(", "));
  return `${name}{${groups.join(" or ")}}`;
}

function printMatcher(m: LabelMatcher): string {
  return `${printIdent(m.label)}${m.op}${JSON.stringify(m.value)}`;
}

// Names the parser would read as keywords or numbers in some position; printed with an escaped first
// letter so that they stay names.
const RESERVED = new Set([
  "inf",
  "nan",
  "with",
  "bool",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "by",
  "without",
  "offset",
  "limit",
  "keep_metric_names",
  "and",
  "or",
  "unless",
  "if",
  "ifnot",
  "default",
  "atan2",
]);

/** A metric or label name, with backslash escapes for characters a name cannot hold. */
export function printIdent(name: string): string {
  return escapeName(name, false);
}

/** A metric name: also escaped when it would read as a keyword or a number. */
export function printMetricName(name: string): string {
  return escapeName(name, true);
}

function escapeName(name: string, metric: boolean): string {
  let plain = name.length > 0 && isIdentStart(name.charCodeAt(0));
  for (let i = 1; plain && i < name.length; i++) plain = isIdentChar(name.charCodeAt(i));
  const reserved = metric && RESERVED.has(name.toLowerCase());
  if (plain && !reserved) return name;
  if (plain) return `\\${name}`;
  let out = "";
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    const ok = out === "" ? isIdentStart(c) && ch.length === 1 : isIdentChar(c) && ch.length === 1;
    out += ok ? ch : `\\${ch}`;
  }
  return out;
}
