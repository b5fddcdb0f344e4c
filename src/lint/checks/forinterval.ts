// for-shorter-than-interval: a `for` below the group interval cannot be honoured: the alert is checked
// once per interval, so it goes pending and fires on consecutive evaluations anyway.
import { finding, showDuration } from "../finding.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (r.rule.alert === undefined || r.rule.for <= 0 || r.group.cron !== undefined) continue;
    const interval = r.group.interval ?? ctx.defaultInterval;
    if (r.rule.for >= interval) continue;
    const whose = r.group.interval === undefined ? "-evaluationInterval" : "the group interval";
    out.push(
      finding(
        r,
        r.at.key("for"),
        `for ${showDuration(r.rule.for)} is shorter than ${whose} ${showDuration(interval)}: the alert fires on the second evaluation, ${showDuration(interval)} after it turns pending; set for to 0 or to at least ${showDuration(interval)}`,
      ),
    );
  }
  return out;
}

export const forShorterThanInterval: LintCheck = {
  id: "for-shorter-than-interval",
  summary: "`for` greater than 0 but shorter than the group's evaluation interval",
  run: check,
};
