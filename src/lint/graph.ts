// The rule dependency graph of the linted files, built once per lint run and shared by the checks that
// read it (README "The rule dependency graph").
import type { EffectiveGroupConfig } from "../config/types.js";
import { buildRuleGraph, type RuleGraph, type RuleRef } from "../graph/index.js";
import type { LintContext, LintRule } from "./types.js";

export interface LintGraph {
  graph: RuleGraph;
  groups: EffectiveGroupConfig[];
  /** The lint rule of a graph position. */
  at(ref: RuleRef): LintRule;
}

const cache = new WeakMap<LintContext, LintGraph>();

export function lintGraph(ctx: LintContext): LintGraph {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const groups: EffectiveGroupConfig[] = [];
  const index = new Map<EffectiveGroupConfig, number>();
  const byGroup: LintRule[][] = [];
  for (const r of ctx.rules) {
    let gi = index.get(r.group);
    if (gi === undefined) {
      gi = groups.length;
      index.set(r.group, gi);
      groups.push(r.group);
      byGroup.push([]);
    }
    byGroup[gi].push(r);
  }
  const graph = buildRuleGraph(groups);
  const out: LintGraph = { graph, groups, at: (ref) => byGroup[ref.group][ref.rule] };
  cache.set(ctx, out);
  return out;
}
