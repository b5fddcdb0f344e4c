// Messages about the graph, naming rules by file:line so a reader finds them.
import type { GroupConfig } from "../config/types.js";
import type { GraphCycle, RuleRef, UnorderedEdge } from "./types.js";

export function ruleLabel(groups: readonly GroupConfig[], ref: RuleRef): string {
  const g = groups[ref.group];
  const r = g.rules[ref.rule];
  const kind = r.alert !== undefined ? "alert" : "record";
  return `${kind} ${JSON.stringify(r.alert ?? r.record)} (group ${JSON.stringify(g.name)}, ${r.pos.file}:${r.pos.line})`;
}

/** `dependency cycle: A reads B, B reads C, C reads A`. */
export function describeCycle(groups: readonly GroupConfig[], c: GraphCycle): string {
  const names = c.rules.map((r) => ruleLabel(groups, r));
  if (names.length === 1) return `dependency cycle: ${names[0]} reads its own output`;
  // Edges run producer -> reader, so each rule is read by the next one.
  const steps = names.map((n, i) => `${names[(i + 1) % names.length]} reads ${n}`);
  return `dependency cycle: ${steps.join("; ")}; each evaluation reads the previous iteration's output of the one before it`;
}

export function describeUnordered(groups: readonly GroupConfig[], u: UnorderedEdge): string {
  const reader = ruleLabel(groups, u.reader);
  const producer = ruleLabel(groups, u.producer);
  switch (u.reason) {
    case "later-in-group":
      return `${reader} reads ${producer}, which comes later in the same group: it sees the previous iteration's output`;
    case "longer-interval":
      return `${reader} reads ${producer}, whose group has a longer interval: it sees output up to an interval of that group old`;
    case "other-schedule":
      return `${reader} reads ${producer}, whose group has another schedule (cron, offset, delay or alignment): the groups run unordered`;
    case "cycle":
      return `${reader} reads ${producer}, and the two groups read each other: they run unordered`;
  }
}
