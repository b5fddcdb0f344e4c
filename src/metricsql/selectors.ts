// What an expression reads: its series selectors, for web UI links and lint rules.
import type { Expr, LabelMatcher, VectorSelector } from "./ast.js";
import { children } from "./measure.js";

export interface SelectorInfo {
  /** The metric name, from before the braces or from a `__name__="..."` matcher in every alternative. */
  metric?: string;
  /** Alternatives joined by `or`; each a list of matchers ANDed together (without the metric name). */
  matchers: LabelMatcher[][];
  /** The selector node itself (source position included). */
  node: VectorSelector;
}

/** Every series selector in source order. */
export function selectors(expr: Expr): SelectorInfo[] {
  const out: SelectorInfo[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.type === "selector") {
      out.push(describe(e));
      continue;
    }
    const cs = children(e);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i] as Expr);
  }
  return out;
}

/** The distinct metric names an expression reads, sorted. */
export function metricNames(expr: Expr): string[] {
  const names = new Set<string>();
  for (const s of selectors(expr)) if (s.metric !== undefined) names.add(s.metric);
  return [...names].sort();
}

function describe(node: VectorSelector): SelectorInfo {
  if (node.name !== undefined) return { metric: node.name, matchers: node.matchers, node };
  let metric: string | undefined;
  let same = node.matchers.length > 0;
  const matchers = node.matchers.map((g) => {
    const n = g.find((m) => m.label === "__name__" && m.op === "=");
    if (!n || (metric !== undefined && metric !== n.value)) same = false;
    else metric = n.value;
    return n ? g.filter((m) => m !== n) : g;
  });
  if (same && metric !== undefined) return { metric, matchers, node };
  return { matchers: node.matchers, node };
}
