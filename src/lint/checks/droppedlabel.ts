// dropped-label: a template reads `$labels.X` but the expression cannot return a series with label X
// (aggregated away, `without (X)`, or built by absent/vector/scalar). The text renders X as empty.

import { templateRefs } from "../../template/refs.js";
import { finding } from "../finding.js";
import { drops, outLabels } from "../outlabels.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

/** Labels vmalert adds to every alert, whatever the query returns. */
const ALWAYS = new Set(["alertname", "alertgroup"]);

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (r.rule.alert === undefined || !r.ast) continue;
    const set = outLabels(r.ast);
    const added = new Set([...Object.keys(r.rule.labels), ...Object.keys(r.group.labels), ...ALWAYS]);
    for (const where of ["annotations", "labels"] as const) {
      for (const [key, text] of Object.entries(r.rule[where])) {
        const refs = templateRefs(text);
        if (!refs) continue;
        const reported = new Set<string>();
        for (const ref of refs.labels) {
          if (added.has(ref.name) || reported.has(ref.name) || !drops(set, ref.name)) continue;
          reported.add(ref.name);
          const why =
            set.kind === "scalar"
              ? "the expression returns a scalar without labels"
              : set.kind === "only"
                ? set.labels.size === 0
                  ? "the expression returns series without labels"
                  : `the expression only keeps ${[...set.labels].sort().join(", ")}`
                : `the expression drops it`;
          out.push(
            finding(
              r,
              r.at.entryText(where, key, ref.offset),
              `${where === "labels" ? "label" : "annotation"} ${JSON.stringify(key)} reads $labels.${ref.name} but ${why}, so it renders empty`,
            ),
          );
        }
      }
    }
  }
  return out;
}

export const droppedLabel: LintCheck = {
  id: "dropped-label",
  summary: "template reads $labels.X that the expression drops (aggregation, without, absent/vector/scalar)",
  run: check,
};
