// Which labels the series of an expression can carry, as far as the query text tells: aggregations
// with `by`/`without`, functions that build new series (absent, vector, scalar), label_* functions and
// vector matching. When the text does not tell, every label of the input is assumed kept, so the
// `dropped-label` check only warns about labels that are certainly gone.
import type { AggregateExpr, BinaryExpr, Expr, FunctionCall } from "../metricsql/index.js";
import { unparen } from "./exprwalk.js";

export type LabelSet =
  /** Input labels pass through, except `except`; `plus` are added. */
  | { kind: "all"; except: Set<string>; plus: Set<string> }
  /** Exactly these labels at most. */
  | { kind: "only"; labels: Set<string> }
  | { kind: "scalar" };

const ALL = (): LabelSet => ({ kind: "all", except: new Set(), plus: new Set() });
const only = (labels: Iterable<string>): LabelSet => ({ kind: "only", labels: new Set(labels) });

/** True when the result of the expression cannot have label `name`. */
export function drops(set: LabelSet, name: string): boolean {
  if (set.kind === "scalar") return true;
  if (set.kind === "only") return !set.labels.has(name);
  return set.except.has(name) && !set.plus.has(name);
}

function keepOnly(set: LabelSet, keep: readonly string[]): LabelSet {
  if (set.kind === "scalar") return set;
  return only(keep.filter((l) => !drops(set, l)));
}

function remove(set: LabelSet, names: readonly string[]): LabelSet {
  if (set.kind === "scalar") return set;
  if (set.kind === "only") return only([...set.labels].filter((l) => !names.includes(l)));
  return {
    kind: "all",
    except: new Set([...set.except, ...names]),
    plus: new Set([...set.plus].filter((l) => !names.includes(l))),
  };
}

function add(set: LabelSet, names: readonly string[]): LabelSet {
  if (set.kind === "scalar") return only(names);
  if (set.kind === "only") return only([...set.labels, ...names]);
  return { kind: "all", except: set.except, plus: new Set([...set.plus, ...names]) };
}

function union(a: LabelSet, b: LabelSet): LabelSet {
  if (a.kind === "scalar") return b;
  if (b.kind === "scalar") return a;
  if (a.kind === "only" && b.kind === "only") return only([...a.labels, ...b.labels]);
  const excepts = [a, b].map((s) => (s.kind === "all" ? s.except : null));
  const except = new Set([...(excepts[0] ?? excepts[1] ?? [])].filter((l) => drops(a, l) && drops(b, l)));
  const plus = new Set([...(a.kind === "all" ? a.plus : a.labels), ...(b.kind === "all" ? b.plus : b.labels)]);
  return { kind: "all", except, plus };
}

function stringArg(e: Expr | undefined): string | undefined {
  const u = e ? unparen(e) : undefined;
  return u?.type === "string" ? u.value : undefined;
}

/** Aggregates whose result is a subset of the input series, labels untouched. */
const SELECTING_AGGREGATES = /^(topk|bottomk)(_.*)?$|^(limitk|outliersk|outliers_mad|outliers_iqr|share|zscore|any)$/;

function aggregate(e: AggregateExpr): LabelSet {
  const name = e.name.toLowerCase();
  const series = e.args.filter((a) => {
    const u = unparen(a);
    return u.type !== "number" && u.type !== "string";
  });
  const inner = series.map(outLabels).reduce<LabelSet | null>((acc, s) => (acc ? union(acc, s) : s), null) ?? ALL();
  if (SELECTING_AGGREGATES.test(name)) return inner;
  let out: LabelSet;
  if (!e.grouping) out = only([]);
  else if (e.grouping.mode === "by") out = keepOnly(inner, e.grouping.labels);
  else out = remove(inner, e.grouping.labels);
  if (name === "count_values" || name === "quantiles") {
    const label = stringArg(e.args[0]);
    if (label !== undefined) out = add(out, [label]);
  }
  if (name === "histogram") out = add(out, ["vmrange"]);
  return out;
}

/** Labels of the equality matchers of the selector inside absent(...): the series absent() builds. */
function absentLabels(arg: Expr | undefined): LabelSet {
  let e = arg ? unparen(arg) : undefined;
  if (e?.type === "rollup") e = unparen(e.expr);
  if (e?.type !== "selector" || e.matchers.length !== 1) return only([]);
  return only(e.matchers[0].filter((m) => m.op === "=" && m.label !== "__name__").map((m) => m.label));
}

const NO_LABELS = new Set(["vector", "time", "now", "pi", "union"]);

function call(e: FunctionCall): LabelSet {
  const name = e.name;
  if (name === "") return e.args.map(outLabels).reduce<LabelSet>((a, b) => union(a, b), { kind: "scalar" });
  if (name === "absent" || name === "absent_over_time") return absentLabels(e.args[0]);
  if (name === "scalar" || name === "time" || name === "pi") return { kind: "scalar" };
  if (name === "vector") return only([]);
  if (NO_LABELS.has(name) && e.args.length === 0) return only([]);
  const first = e.args.find((a) => {
    const u = unparen(a);
    return u.type !== "number" && u.type !== "string" && u.type !== "duration";
  });
  const base = first ? outLabels(first) : only([]);
  const strs = e.args.map(stringArg);
  switch (name) {
    case "label_replace":
    case "label_join":
      return strs[1] !== undefined ? add(base, [strs[1]]) : base;
    case "label_set": {
      const names = strs.slice(1).filter((_, i) => i % 2 === 0);
      return add(
        base,
        names.filter((s): s is string => s !== undefined),
      );
    }
    case "label_copy":
    case "label_move": {
      const pairs = strs.slice(1);
      const dst = pairs.filter((_, i) => i % 2 === 1).filter((s): s is string => s !== undefined);
      const moved = name === "label_move" ? pairs.filter((_, i) => i % 2 === 0) : [];
      return add(
        remove(
          base,
          moved.filter((s): s is string => s !== undefined && !dst.includes(s)),
        ),
        dst,
      );
    }
    case "label_del":
      return remove(
        base,
        strs.slice(1).filter((s): s is string => s !== undefined),
      );
    case "label_keep":
      return keepOnly(
        base,
        strs.slice(1).filter((s): s is string => s !== undefined),
      );
    case "histogram_quantile":
      return remove(base, ["le"]);
    default:
      return base;
  }
}

function binary(e: BinaryExpr): LabelSet {
  const l = outLabels(e.lhs);
  const r = outLabels(e.rhs);
  if (l.kind === "scalar") return r;
  if (r.kind === "scalar") return l;
  switch (e.op) {
    case "or":
      return union(l, r);
    case "and":
    case "unless":
    case "if":
    case "ifnot":
    case "default":
      return l;
  }
  if (e.group) {
    const side = e.group.side === "left" ? l : r;
    return add(side, e.group.labels);
  }
  if (e.matching?.on) return keepOnly(l, e.matching.labels);
  if (e.matching) return remove(l, e.matching.labels);
  return l;
}

export function outLabels(expr: Expr): LabelSet {
  const e = unparen(expr);
  switch (e.type) {
    case "number":
    case "string":
    case "duration":
      return { kind: "scalar" };
    case "selector":
      return ALL();
    case "rollup":
      return outLabels(e.expr);
    case "unary":
      return outLabels(e.expr);
    case "aggregate":
      return aggregate(e);
    case "call":
      return call(e);
    case "binary":
      return binary(e);
    default:
      return ALL();
  }
}
