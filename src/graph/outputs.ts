// What a rule writes, as far as the rule file tells: the labels every one of its output series carries
// for sure. Labels not listed come from the query result and may have any value.
import type { GroupConfig, RuleConfig } from "../config/types.js";
import { isTemplate } from "../template/index.js";

/** Known labels of one kind of output series; "" = the label is certainly absent. */
export type KnownLabels = ReadonlyMap<string, string>;

export interface OutputSettings {
  externalLabels: Record<string, string>;
  disableAlertgroupLabel: boolean;
}

/**
 * A recording rule writes one metric name; an alerting rule writes `ALERTS` and `ALERTS_FOR_STATE`
 * (README "Alerting rules"), both with `alertname` (and `alertgroup`) set.
 */
export function ruleOutputs(group: GroupConfig, rule: RuleConfig, s: OutputSettings): KnownLabels[] {
  // Priority rule > group > external; an empty value removes the label.
  const base = new Map<string, string>();
  const add = (labels: Record<string, string>, literalOnly: boolean) => {
    for (const [k, v] of Object.entries(labels)) {
      if (literalOnly && isTemplate(v)) base.delete(k);
      else base.set(k, v);
    }
  };
  add(s.externalLabels, false);
  add(group.labels, false);
  if (rule.record !== undefined) {
    // Recording rule labels are never templated.
    add(rule.labels, false);
    const name = base.get("__name__") || rule.record;
    base.set("__name__", name);
    return [base];
  }
  // Alert labels are templates: a templated value is unknown, and so is a label a template could set.
  add(rule.labels, true);
  base.set("alertname", rule.alert ?? "");
  if (!s.disableAlertgroupLabel) base.set("alertgroup", group.name);
  base.delete("__name__");
  const alerts = new Map(base);
  alerts.set("__name__", "ALERTS");
  const forState = new Map(base);
  forState.set("__name__", "ALERTS_FOR_STATE");
  return [alerts, forState];
}

/** The metric name of an output, always known. */
export function outputName(o: KnownLabels): string {
  return o.get("__name__") ?? "";
}
