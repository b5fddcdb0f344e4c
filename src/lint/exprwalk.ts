// Walking a MetricsQL tree for lint checks: every node once, with an explicit stack (trees can be deep).
import { children as childrenOf, type Expr, type VectorSelector } from "../metricsql/index.js";

/** Every node in source order. WITH templates may share subtrees; each shared node is visited once. */
export function walk(root: Expr, visit: (e: Expr) => void): void {
  const seen = new Set<Expr>();
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (seen.has(e)) continue;
    seen.add(e);
    visit(e);
    const cs = childrenOf(e);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
  }
}

/** Strips parentheses. */
export function unparen(e: Expr): Expr {
  let cur = e;
  while (cur.type === "paren") cur = cur.expr;
  return cur;
}

/** The selector a rollup function reads directly (`rate(x[5m])`, `rate(x)`, `rate((x[5m]))`), if any. */
export function rollupSelector(arg: Expr | undefined): VectorSelector | undefined {
  if (!arg) return undefined;
  let e = unparen(arg);
  if (e.type === "rollup") {
    if (e.subquery) return undefined;
    e = unparen(e.expr);
  }
  return e.type === "selector" ? e : undefined;
}

/** The metric name of a selector: before the braces or `__name__="..."` in every alternative. */
export function selectorMetric(sel: VectorSelector): string | undefined {
  if (sel.name !== undefined) return sel.name;
  let name: string | undefined;
  for (const group of sel.matchers) {
    const m = group.find((x) => x.label === "__name__" && x.op === "=");
    if (!m || (name !== undefined && name !== m.value)) return undefined;
    name = m.value;
  }
  return name;
}

export const COMPARISONS = new Set(["==", "!=", "<", ">", "<=", ">="]);
