// Alert labels from a series and the rule's labels, as newest vmalert builds them (README "Alerting rules":
// a clashing series label is kept as exported_<name>, an empty rule label removes the series label).

export interface LabelSet {
  /** Series labels (with __name__) plus rule labels the series lacks: what annotations see as $labels. */
  origin: Record<string, string>;
  /** The alert's labels. */
  processed: Record<string, string>;
}

export function seriesLabelSet(series: Record<string, string>): LabelSet {
  const origin: Record<string, string> = {};
  const processed: Record<string, string> = {};
  for (const k in series) {
    const v = series[k];
    origin[k] = v;
    if (k !== "__name__") processed[k] = v;
  }
  return { origin, processed };
}

/**
 * vmalert's labelSet.add: empty removes, a clashing series value moves to exported_<k>. With `replace`
 * (Prometheus' rule), the value replaces the series' and $labels keeps showing the series labels only.
 */
export function addLabel(ls: LabelSet, k: string, v: string, replace = false): void {
  if (replace) {
    if (v === "") delete ls.processed[k];
    else ls.processed[k] = v;
    return;
  }
  if (v === "") {
    delete ls.processed[k];
    return;
  }
  ls.processed[k] = v;
  const had = ls.origin[k];
  if (had === undefined) {
    ls.origin[k] = v;
    return;
  }
  if (had !== v) ls.processed[`exported_${k}`] = had;
}
