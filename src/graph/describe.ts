// Messages about the graph, naming rules by file:line so a reader finds them.
import type { ConfigProblem, GroupConfig } from "../config/types.js";
import type { GraphCycle, RuleRef, UnorderedEdge } from "./types.js";

export function ruleLabel(groups: readonly GroupConfig[], ref: RuleRef): string {
  const g = groups[ref.group];
  const r = g.rules[ref.rule];
  const kind = r.alert !== undefined ? "alert" : "record";
  return `${kind} ${JSON.stringify(r.alert ?? r.record)} (group ${JSON.stringify(g.name)}, ${r.pos.file}:${r.pos.line})`;
}

/** `dependency cycle: B reads A; C reads B; A reads C`. */
export function describeCycle(groups: readonly GroupConfig[], c: GraphCycle): string {
  const names = c.rules.map((r) => ruleLabel(groups, r));
  if (names.length === 1) return `dependency cycle: ${names[0]} reads its own output`;
  // Edges run producer -> reader, so each rule is read by the next one.
  const steps = names.map((n, i) => `${names[(i + 1) % names.length]} reads ${n}`);
  return `dependency cycle: ${steps.join("; ")}; each evaluation reads the previous iteration's output of the one before it`;
}

/** Why a reader sees old output; `withReader: false` leaves the reader out (a message already names it). */
export function describeUnordered(groups: readonly GroupConfig[], u: UnorderedEdge, withReader = true): string {
  const reader = withReader ? ruleLabel(groups, u.reader) : "it";
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

/** Cycles as load warnings (`-dryRun`, the log at start and reload), at the first rule of each. */
export function cycleProblems(groups: readonly GroupConfig[], cycles: readonly GraphCycle[]): ConfigProblem[] {
  return cycles.map((c) => {
    const first = groups[c.rules[0].group].rules[c.rules[0].rule].pos;
    return {
      file: first.file,
      line: first.line,
      col: first.col,
      message: describeCycle(groups, c),
      severity: "warning",
    };
  });
}
