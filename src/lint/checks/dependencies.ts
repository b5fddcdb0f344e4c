// Findings of the rule dependency graph: cycles, readers that see a producer's output one iteration late
// (it comes later in the same group, or its group runs on another schedule or reads them back), and
// readers of a group with a longer interval.
import { describeCycle, describeUnordered, type UnorderedReason } from "../../graph/index.js";
import { finding } from "../finding.js";
import { lintGraph } from "../graph.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

export const dependencyCycle: LintCheck = {
  id: "dependency-cycle",
  summary: "rules that read each other's output in a cycle",
  run(ctx: LintContext): Finding[] {
    const { graph, groups, at } = lintGraph(ctx);
    return graph.cycles.map((c) => {
      const first = at(c.rules[0]);
      return finding(first, first.at.rule(), describeCycle(groups, c));
    });
  },
};

function unorderedCheck(id: string, summary: string, reasons: readonly UnorderedReason[]): LintCheck {
  return {
    id,
    summary,
    run(ctx: LintContext): Finding[] {
      const { graph, groups, at } = lintGraph(ctx);
      return graph.unordered
        .filter((u) => reasons.includes(u.reason))
        .map((u) => {
          const reader = at(u.reader);
          return finding(reader, reader.at.key("expr"), describeUnordered(groups, u, false));
        });
    },
  };
}

export const chainOrder = unorderedCheck(
  "chain-order",
  "a rule reads the output of a rule that runs after it (later in its group, or in a group tsalert cannot order before it)",
  ["later-in-group", "other-schedule", "cycle"],
);

export const chainInterval = unorderedCheck(
  "chain-interval",
  "a rule reads the output of a rule in a group with a longer interval",
  ["longer-interval"],
);
