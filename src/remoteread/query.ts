// The restore query of newest vmalert (README "State restore"), built from the alert's identity.
import type { RestoreQuery } from "./types.js";

/** PromQL double-quoted string literal. */
export function quoteLabelValue(v: string): string {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export function restoreExpr(q: RestoreQuery, lookbackMs: number, disableAlertgroupLabel = false): string {
  const matchers: string[] = [];
  if (!disableAlertgroupLabel) matchers.push(`alertgroup=${quoteLabelValue(q.groupName)}`);
  matchers.push(`alertname=${quoteLabelValue(q.alertName)}`);
  for (const k of Object.keys(q.ruleLabels).sort()) {
    const v = q.ruleLabels[k];
    if (k === "alertname" || k === "alertgroup" || k === "__name__") continue;
    matchers.push(`${k}=${quoteLabelValue(v)}`);
  }
  const secs = Math.max(1, Math.floor(lookbackMs / 1000));
  return `default_rollup(ALERTS_FOR_STATE{${matchers.join(",")}}[${secs}s])`;
}
