// The MetricsQL function table: every rollup, transform, label-manipulation and aggregate function with
// the number of arguments it takes. Built from MetricsQL's documented function list; kept as data so the
// parser, the docs and the lint rules agree on one source.

export type FunctionKind = "rollup" | "transform" | "label" | "aggregate";

export interface FunctionSpec {
  kind: FunctionKind;
  minArgs: number;
  /** Infinity for variadic functions. */
  maxArgs: number;
  /** Aggregates taking a leading parameter before the series (`topk(3, x)`, `quantile(0.9, x)`). */
  leadingParam?: boolean;
}

const VAR = Number.POSITIVE_INFINITY;

type Row = [name: string, min: number, max: number];

const rollup: Row[] = [
  ["absent_over_time", 1, 1],
  ["aggr_over_time", 2, VAR],
  ["ascent_over_time", 1, 1],
  ["avg_over_time", 1, 1],
  ["changes", 1, 1],
  ["changes_prometheus", 1, 1],
  ["count_eq_over_time", 2, 2],
  ["count_gt_over_time", 2, 2],
  ["count_le_over_time", 2, 2],
  ["count_ne_over_time", 2, 2],
  ["count_over_time", 1, 1],
  ["count_values_over_time", 2, 2],
  ["decreases_over_time", 1, 1],
  ["default_rollup", 1, 1],
  ["delta", 1, 1],
  ["delta_prometheus", 1, 1],
  ["deriv", 1, 1],
  ["deriv_fast", 1, 1],
  ["descent_over_time", 1, 1],
  ["distinct_over_time", 1, 1],
  ["duration_over_time", 2, 2],
  ["first_over_time", 1, 1],
  ["geomean_over_time", 1, 1],
  ["histogram_over_time", 1, 1],
  ["hoeffding_bound_lower", 2, 2],
  ["hoeffding_bound_upper", 2, 2],
  ["holt_winters", 3, 3],
  ["idelta", 1, 1],
  ["ideriv", 1, 1],
  ["increase", 1, 1],
  ["increase_prometheus", 1, 1],
  ["increase_pure", 1, 1],
  ["increases_over_time", 1, 1],
  ["integrate", 1, 1],
  ["irate", 1, 1],
  ["lag", 1, 1],
  ["last_over_time", 1, 1],
  ["lifetime", 1, 1],
  ["mad_over_time", 1, 1],
  ["max_over_time", 1, 1],
  ["median_over_time", 1, 1],
  ["min_over_time", 1, 1],
  ["mode_over_time", 1, 1],
  ["outlier_iqr_over_time", 1, 1],
  ["predict_linear", 2, 2],
  ["present_over_time", 1, 1],
  ["quantile_over_time", 2, 2],
  ["quantiles_over_time", 3, VAR],
  ["range_over_time", 1, 1],
  ["rate", 1, 1],
  ["rate_over_sum", 1, 1],
  ["resets", 1, 1],
  ["rollup", 1, 2],
  ["rollup_candlestick", 1, 2],
  ["rollup_delta", 1, 2],
  ["rollup_deriv", 1, 2],
  ["rollup_increase", 1, 2],
  ["rollup_rate", 1, 2],
  ["rollup_scrape_interval", 1, 2],
  ["scrape_interval", 1, 1],
  ["share_eq_over_time", 2, 2],
  ["share_gt_over_time", 2, 2],
  ["share_le_over_time", 2, 2],
  ["stale_samples_over_time", 1, 1],
  ["stddev_over_time", 1, 1],
  ["stdvar_over_time", 1, 1],
  ["sum_eq_over_time", 2, 2],
  ["sum_gt_over_time", 2, 2],
  ["sum_le_over_time", 2, 2],
  ["sum_lt_over_time", 2, 2],
  ["sum_over_time", 1, 1],
  ["sum2_over_time", 1, 1],
  ["tfirst_over_time", 1, 1],
  ["timestamp", 1, 1],
  ["timestamp_with_name", 1, 1],
  ["tlast_change_over_time", 1, 1],
  ["tlast_over_time", 1, 1],
  ["tmax_over_time", 1, 1],
  ["tmin_over_time", 1, 1],
  ["zscore_over_time", 1, 1],
];

const transform: Row[] = [
  ["abs", 1, 1],
  ["absent", 1, 1],
  ["acos", 1, 1],
  ["acosh", 1, 1],
  ["asin", 1, 1],
  ["asinh", 1, 1],
  ["atan", 1, 1],
  ["atanh", 1, 1],
  ["bitmap_and", 2, 2],
  ["bitmap_or", 2, 2],
  ["bitmap_xor", 2, 2],
  ["buckets_limit", 2, 2],
  ["ceil", 1, 1],
  ["clamp", 3, 3],
  ["clamp_max", 2, 2],
  ["clamp_min", 2, 2],
  ["cos", 1, 1],
  ["cosh", 1, 1],
  ["day_of_month", 0, 1],
  ["day_of_week", 0, 1],
  ["day_of_year", 0, 1],
  ["days_in_month", 0, 1],
  ["deg", 1, 1],
  ["drop_empty_series", 1, 1],
  ["end", 0, 0],
  ["exp", 1, 1],
  ["floor", 1, 1],
  ["histogram_avg", 1, 1],
  ["histogram_fraction", 3, 3],
  ["histogram_quantile", 2, 3],
  ["histogram_quantiles", 3, VAR],
  ["histogram_share", 2, 3],
  ["histogram_stddev", 1, 1],
  ["histogram_stdvar", 1, 1],
  ["hour", 0, 1],
  ["interpolate", 1, 1],
  ["keep_last_value", 1, 1],
  ["keep_next_value", 1, 1],
  ["limit_offset", 3, 3],
  ["ln", 1, 1],
  ["log2", 1, 1],
  ["log10", 1, 1],
  ["minute", 0, 1],
  ["month", 0, 1],
  ["now", 0, 0],
  ["pi", 0, 0],
  ["prometheus_buckets", 1, 1],
  ["rad", 1, 1],
  ["rand", 0, 1],
  ["rand_exponential", 0, 1],
  ["rand_normal", 0, 1],
  ["range", 0, 0],
  ["range_avg", 1, 1],
  ["range_first", 1, 1],
  ["range_last", 1, 1],
  ["range_linear_regression", 1, 1],
  ["range_mad", 1, 1],
  ["range_max", 1, 1],
  ["range_min", 1, 1],
  ["range_normalize", 1, VAR],
  ["range_quantile", 2, 2],
  ["range_stddev", 1, 1],
  ["range_stdvar", 1, 1],
  ["range_sum", 1, 1],
  ["range_trim_outliers", 2, 2],
  ["range_trim_spikes", 2, 2],
  ["range_trim_zscore", 2, 2],
  ["range_zscore", 1, 1],
  ["remove_resets", 1, 1],
  ["round", 1, 2],
  ["running_avg", 1, 1],
  ["running_max", 1, 1],
  ["running_min", 1, 1],
  ["running_sum", 1, 1],
  ["scalar", 1, 1],
  ["sgn", 1, 1],
  ["sin", 1, 1],
  ["sinh", 1, 1],
  ["smooth_exponential", 2, 2],
  ["sort", 1, 1],
  ["sort_by_label", 2, VAR],
  ["sort_by_label_desc", 2, VAR],
  ["sort_by_label_numeric", 2, VAR],
  ["sort_by_label_numeric_desc", 2, VAR],
  ["sort_desc", 1, 1],
  ["sqrt", 1, 1],
  ["start", 0, 0],
  ["step", 0, 0],
  ["tan", 1, 1],
  ["tanh", 1, 1],
  ["time", 0, 0],
  ["timezone_offset", 1, 1],
  // `(a, b)` is parsed as a call of the unnamed function, a synonym of union.
  ["", 0, VAR],
  ["union", 0, VAR],
  ["vector", 1, 1],
  ["year", 0, 1],
];

const label: Row[] = [
  ["drop_common_labels", 1, VAR],
  ["label_copy", 3, VAR],
  ["label_del", 2, VAR],
  ["label_graphite_group", 2, VAR],
  ["label_join", 3, VAR],
  ["label_keep", 2, VAR],
  ["label_lowercase", 2, VAR],
  ["label_map", 2, VAR],
  ["label_match", 3, 3],
  ["label_mismatch", 3, 3],
  ["label_move", 3, VAR],
  ["label_replace", 5, 5],
  ["label_set", 3, VAR],
  ["label_transform", 4, 4],
  ["label_uppercase", 2, VAR],
  ["label_value", 2, 2],
  ["label_values", 1, 2],
  ["labels_equal", 3, VAR],
];

// Aggregates without a leading parameter take one or more series arguments (MetricsQL aggregates
// the union of all of them).
const aggregate: Array<[name: string, min: number, max: number, leading?: boolean]> = [
  ["any", 1, VAR],
  ["avg", 1, VAR],
  ["bottomk", 2, 2, true],
  ["bottomk_avg", 2, 3, true],
  ["bottomk_last", 2, 3, true],
  ["bottomk_max", 2, 3, true],
  ["bottomk_median", 2, 3, true],
  ["bottomk_min", 2, 3, true],
  ["count", 1, VAR],
  ["count_values", 2, 2, true],
  ["distinct", 1, VAR],
  ["geomean", 1, VAR],
  ["group", 1, VAR],
  ["histogram", 1, VAR],
  ["limitk", 2, 2, true],
  ["mad", 1, VAR],
  ["max", 1, VAR],
  ["median", 1, VAR],
  ["min", 1, VAR],
  ["mode", 1, VAR],
  ["outliers_iqr", 1, 1],
  ["outliers_mad", 2, 2, true],
  ["outliersk", 2, 2, true],
  ["quantile", 2, 2, true],
  ["quantiles", 3, VAR, true],
  ["share", 1, VAR],
  ["stddev", 1, VAR],
  ["stdvar", 1, VAR],
  ["sum", 1, VAR],
  ["sum2", 1, VAR],
  ["topk", 2, 2, true],
  ["topk_avg", 2, 3, true],
  ["topk_last", 2, 3, true],
  ["topk_max", 2, 3, true],
  ["topk_median", 2, 3, true],
  ["topk_min", 2, 3, true],
  ["zscore", 1, VAR],
];

function build(): ReadonlyMap<string, FunctionSpec> {
  const m = new Map<string, FunctionSpec>();
  const add = (rows: Row[], kind: FunctionKind) => {
    for (const [name, minArgs, maxArgs] of rows) m.set(name, { kind, minArgs, maxArgs });
  };
  add(rollup, "rollup");
  add(transform, "transform");
  add(label, "label");
  for (const [name, minArgs, maxArgs, leading] of aggregate) {
    m.set(
      name,
      leading ? { kind: "aggregate", minArgs, maxArgs, leadingParam: true } : { kind: "aggregate", minArgs, maxArgs },
    );
  }
  return m;
}

/** Every known function by lower-case name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = build();

export function lookupFunction(name: string): FunctionSpec | undefined {
  return FUNCTIONS.get(name) ?? FUNCTIONS.get(name.toLowerCase());
}

/** "1 argument", "2 to 3 arguments", "at least 2 arguments". */
export function describeArity(spec: FunctionSpec): string {
  const plural = (n: number) => (n === 1 ? "argument" : "arguments");
  if (spec.maxArgs === spec.minArgs) return `${spec.minArgs} ${plural(spec.minArgs)}`;
  if (spec.maxArgs === VAR) return `at least ${spec.minArgs} ${plural(spec.minArgs)}`;
  return `${spec.minArgs} to ${spec.maxArgs} arguments`;
}
