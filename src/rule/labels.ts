// Alert labels from a series and the rule's labels, as newest vmalert builds them (README "Alerting rules":
// a clashing series label is kept as exported_<name>, an empty rule label removes the series label).
// Under -rule.semantics=prometheus, Prometheus' plain override instead.

export interface LabelSet {
  /** Series labels (with __name__), plus (vmalert) rule labels the series lacks: what annotations see as $labels. */
  origin: Record<string, string>;
  /** The alert's labels. */
  processed: Record<string, string>;
  /** How rule labels meet series labels (SemanticsPolicy). */
  rules: LabelRules;
}

export interface LabelRules {
  /** A clashing series value is kept as exported_<k> (vmalert) rather than replaced (Prometheus). */
  exportedLabels: boolean;
  /** Rule labels the series lacks become part of $labels (vmalert). */
  ruleLabelsInTemplates: boolean;
}

const VMALERT_RULES: LabelRules = { exportedLabels: true, ruleLabelsInTemplates: true };

export function seriesLabelSet(series: Record<string, string>, rules: LabelRules = VMALERT_RULES): LabelSet {
  const origin: Record<string, string> = {};
  const processed: Record<string, string> = {};
  for (const k in series) {
    const v = series[k];
    origin[k] = v;
    if (k !== "__name__") processed[k] = v;
  }
  return { origin, processed, rules };
}

/** vmalert's labelSet.add: empty removes, a clashing series value moves to exported_<k> (unless the rules say replace). */
export function addLabel(ls: LabelSet, k: string, v: string): void {
  if (v === "") {
    delete ls.processed[k];
    return;
  }
  ls.processed[k] = v;
  const had = ls.origin[k];
  if (had === undefined) {
    if (ls.rules.ruleLabelsInTemplates) ls.origin[k] = v;
    return;
  }
  if (had !== v && ls.rules.exportedLabels) ls.processed[`exported_${k}`] = had;
}
