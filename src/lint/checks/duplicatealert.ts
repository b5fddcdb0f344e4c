// duplicate-alert: one alert name in several groups. Each group evaluates and resolves its own copy, so
// Alertmanager sees one alert name from two sources, and silences or inhibitions meant for one hit both.
import { finding } from "../finding.js";
import type { Finding, LintCheck, LintContext, LintRule } from "../types.js";

function where(r: LintRule): string {
  return `${r.rule.pos.file}:${r.rule.pos.line}:${r.rule.pos.col}`;
}

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const first = new Map<string, LintRule>();
  for (const r of ctx.rules) {
    const name = r.rule.alert;
    if (name === undefined) continue;
    const prev = first.get(name);
    if (!prev) {
      first.set(name, r);
      continue;
    }
    // Variants within one group (warning/critical) are the usual pattern, not a mistake.
    if (prev.group === r.group) continue;
    out.push(
      finding(
        r,
        r.at.rule(),
        `alert ${JSON.stringify(name)} is also defined in group ${JSON.stringify(prev.group.name)} at ${where(prev)} (here: ${where(r)}); give each a distinct name`,
      ),
    );
  }
  return out;
}

export const duplicateAlert: LintCheck = {
  id: "duplicate-alert",
  summary: "the same alert name in more than one group (both locations reported)",
  run: check,
};
