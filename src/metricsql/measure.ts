// Size and depth of a tree, walked with an explicit stack so that no input can overflow the call stack
// before the limits are checked. WITH templates share subtrees, so the walk stops at the node limit.
import type { Expr } from "./ast.js";

export function children(e: Expr): Expr[] {
  switch (e.type) {
    case "binary":
      return [e.lhs, e.rhs];
    case "unary":
    case "paren":
      return [e.expr];
    case "rollup":
      return e.at ? [e.expr, e.at] : [e.expr];
    case "call":
    case "aggregate":
      return e.args;
    default:
      return [];
  }
}

/** Returns a reason when the tree is deeper than maxDepth or has more than maxNodes nodes. */
export function exceedsLimits(root: Expr, maxDepth: number, maxNodes: number): string | null {
  const nodes: Expr[] = [root];
  const depths: number[] = [1];
  let count = 0;
  while (nodes.length > 0) {
    const e = nodes.pop() as Expr;
    const d = depths.pop() as number;
    if (d > maxDepth) return `expression nested too deeply (more than ${maxDepth} levels)`;
    if (++count > maxNodes) return `expression too large (more than ${maxNodes} nodes after WITH expansion)`;
    for (const c of children(e)) {
      nodes.push(c);
      depths.push(d + 1);
    }
  }
  return null;
}
