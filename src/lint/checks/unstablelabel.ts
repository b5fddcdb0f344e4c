// unstable-label: a label template that reads the sample value (or runs a query). Labels are the alert's
// identity: when a label changes with the value, every evaluation makes a new alert and resolves the old.

import { templateRefs } from "../../template/refs.js";
import { finding } from "../finding.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (r.rule.alert === undefined) continue;
    for (const [name, text] of Object.entries(r.rule.labels)) {
      const refs = templateRefs(text);
      if (!refs) continue;
      if (refs.value.length > 0) {
        out.push(
          finding(
            r,
            r.at.entryText("labels", name, refs.value[0]),
            `label ${JSON.stringify(name)} uses the sample value ($value/.Value): the alert's identity changes with every new value, so it resolves and fires again; move it to an annotation`,
          ),
        );
      } else if (refs.query.length > 0) {
        out.push(
          finding(
            r,
            r.at.entryText("labels", name, refs.query[0]),
            `label ${JSON.stringify(name)} uses the result of query: the alert's identity changes when that result does; move it to an annotation`,
          ),
        );
      }
    }
  }
  return out;
}

export const unstableLabel: LintCheck = {
  id: "unstable-label",
  summary: "label template that reads $value/.Value (or query): alert identity changes with the value",
  run: check,
};
