// A configuration's dependency graph as what each group of the engine is handed: its plan, the IDs of
// the groups it waits for, its rules' "depends on" / "used by" links and its start phase.
import type { EffectiveGroupConfig } from "../config/types.js";
import { groupSchedule, type RuleGraph, type RuleRef } from "../graph/index.js";
import type { ApiRuleLink } from "./api.js";
import { type GroupLinks, groupConfigID, groupIdentity } from "./group.js";
import { groupHash, ruleID } from "./ids.js";

export interface EngineWiring {
  links: GroupLinks[];
  /** Start phase per group: a reader on the same interval as a producer group starts with it. */
  phases: Array<number | undefined>;
}

/** Indexes follow `configs`, as the graph's do. */
export function wiringOf(configs: readonly EffectiveGroupConfig[], graph: RuleGraph): EngineWiring {
  const ids = configs.map((c) => groupConfigID(c));
  const link = (ref: RuleRef): ApiRuleLink => {
    const g = configs[ref.group];
    const r = g.rules[ref.rule];
    const type = r.alert !== undefined ? "alerting" : "recording";
    const name = r.alert ?? r.record ?? "";
    return { group_id: ids[ref.group], rule_id: ruleID(type, name, r.expr, r.labels), group: g.name, name, type };
  };
  const links = configs.map(
    (_, i): GroupLinks => ({
      plan: graph.plans[i],
      upstream: graph.plans[i].upstream.map((u) => ids[u]),
      dependsOn: graph.dependsOn[i].map((refs) => refs.map(link)),
      usedBy: graph.usedBy[i].map((refs) => refs.map(link)),
    }),
  );
  // Producers first (graph.groupEdges has no cycles): each reader takes its first producer's phase when
  // both run on the same interval, so it waits only as long as the producer's iteration takes.
  const phases: Array<number | undefined> = configs.map(() => undefined);
  const interval = (i: number) => groupSchedule(configs[i]).interval;
  const sameIntervalProducer = (i: number) => graph.plans[i].upstream.find((u) => interval(u) === interval(i));
  configs.forEach((_, i) => {
    if (graph.plans[i].upstream.length === 0) return;
    // Up the chain of same-interval producers to its first group (no cycles: the graph broke them).
    let root = i;
    for (let up = sameIntervalProducer(root); up !== undefined; up = sameIntervalProducer(root)) root = up;
    if (root !== i) phases[i] = groupHash(groupIdentity(configs[root])).fraction();
  });
  return { links, phases };
}
