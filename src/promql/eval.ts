// Instant-query evaluation of a PromQL expression (the tree of src/metricsql, already checked by
// typecheck.ts) over a SeriesStore, with Prometheus semantics: 5m lookback, staleness markers, left-open
// windows, offset and @, subqueries aligned to their step, name dropping.

import type { GoRegexp } from "../goregexp.js";
import type { AggregateExpr, BinaryExpr, Expr, FunctionCall, RollupExpr, VectorSelector } from "../metricsql/ast.js";
import { aggregate } from "./aggregate.js";
import { type Matching, scalarOp, setOp, vectorOp, vectorScalarOp } from "./binop.js";
import {
  callRangeFunction,
  dateField,
  histogramFraction,
  histogramQuantile,
  mapValues,
  simpleFunction,
} from "./functions.js";
import { compareLabels, dropName, formatLabelSet, labelsKey } from "./labels.js";
import { absentLabels, anchoredRegexp, compileMatchers, selectorMatchers, sortMatchers } from "./matchers.js";
import { lowerBound, pointsIn, type SeriesStore, type StoredSeries, sampleAt, upperBound } from "./store.js";
import type { Labels, MatrixValue, RangeSeries, Sample, Value, VectorValue } from "./types.js";
import { PromqlError } from "./types.js";

export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export interface EvaluatorOptions {
  /** How far back an instant selector looks for a sample (Prometheus' lookback delta, 5m). */
  lookback?: number;
  /** Step of a subquery written without one (`[1h:]`); promtool uses the evaluation interval. */
  subqueryStep: number;
  /**
   * Read selectors with their matchers sorted, as Prometheus does for rule expressions (it evaluates
   * the printed form of the rule's expression); only absent()'s output labels can tell the difference.
   */
  sortedMatchers?: boolean;
}

interface CompiledSelector {
  matchers: ReturnType<typeof compileMatchers>;
  absent: Labels;
  version: number;
  series: StoredSeries[];
}

/**
 * Work bound of one evaluation: samples read plus subquery steps taken. Evaluation is synchronous, so
 * this is what keeps a hostile expression (`x[1000d:1ms]`) from stalling the process.
 */
export const MAX_POINTS_PER_QUERY = 20_000_000;

/** Bound on the step values kept per subquery; beyond it the cache starts over. */
const MAX_CACHED_POINTS = 2_000_000;

/**
 * The steps of one subquery computed so far, kept across evaluations as series (a rule evaluated every
 * minute over `x[12h:]` would otherwise recompute 720 steps each time). A step's value depends only on
 * samples at or before its time (only subqueries without @ and negative offsets are cached), so a write
 * at time w drops the steps at w and later. Steps lie on the grid of multiples of the step.
 */
interface StepCache {
  /** First and last computed grid point; lo > hi when none. */
  lo: number;
  hi: number;
  points: number;
  series: Map<string, RangeSeries>;
}

export class Evaluator {
  private readonly lookback: number;
  private readonly compiled = new WeakMap<VectorSelector, CompiledSelector>();
  private readonly stepCaches = new WeakMap<RollupExpr, StepCache | null>();
  private readonly liveCaches = new Set<{ cache: StepCache; step: number }>();
  private dirtyFrom = Number.POSITIVE_INFINITY;
  private queryTime = 0;
  private points = 0;

  constructor(
    private readonly store: SeriesStore,
    private readonly opts: EvaluatorOptions,
  ) {
    this.lookback = opts.lookback ?? DEFAULT_LOOKBACK_MS;
    store.onWrite((ts) => {
      if (ts < this.dirtyFrom) this.dirtyFrom = ts;
    });
  }

  /** Evaluates `expr` as an instant query at `time` (ms). */
  instant(expr: Expr, time: number): Value {
    this.queryTime = time;
    this.points = 0;
    if (this.dirtyFrom !== Number.POSITIVE_INFINITY) {
      for (const { cache, step } of this.liveCaches) forgetFrom(cache, this.dirtyFrom, step);
      this.dirtyFrom = Number.POSITIVE_INFINITY;
    }
    return this.eval(expr, time);
  }

  private stepCache(r: RollupExpr, step: number): StepCache | null {
    let c = this.stepCaches.get(r);
    if (c === undefined) {
      c = timeLocal(r.expr) ? { lo: 0, hi: -1, points: 0, series: new Map() } : null;
      this.stepCaches.set(r, c);
      if (c) this.liveCaches.add({ cache: c, step });
    }
    return c;
  }

  private eval(e: Expr, t: number): Value {
    switch (e.type) {
      case "number":
        return { type: "scalar", value: e.value };
      case "duration":
        return { type: "scalar", value: (e.ms ?? 0) / 1000 };
      case "string":
        return { type: "string", value: e.value };
      case "paren":
        return this.eval(e.expr, t);
      case "selector":
        return { type: "vector", samples: this.instantSelector(e, t, undefined) };
      case "rollup":
        return this.rollup(e, t);
      case "unary": {
        const v = this.eval(e.expr, t);
        if (e.op === "+") return v;
        if (v.type === "scalar") return { type: "scalar", value: -v.value };
        const samples = (v as VectorValue).samples.map((s) => ({
          labels: dropName(s.labels),
          value: -s.value,
          ts: s.ts,
        }));
        return { type: "vector", samples: unique(samples) };
      }
      case "binary":
        return this.binary(e, t);
      case "aggregate":
        return this.aggregate(e, t);
      case "call":
        return this.call(e, t);
    }
  }

  // --- selectors ---------------------------------------------------------------------------------

  private selected(sel: VectorSelector): CompiledSelector {
    let c = this.compiled.get(sel);
    if (!c) {
      let list = selectorMatchers(sel);
      if (this.opts.sortedMatchers) list = sortMatchers(list);
      c = { matchers: compileMatchers(list), absent: absentLabels(list), version: -1, series: [] };
      this.compiled.set(sel, c);
    }
    if (c.version !== this.store.version) {
      c.series = this.store.select(c.matchers);
      c.version = this.store.version;
    }
    return c;
  }

  private count(n: number): void {
    this.points += n;
    if (this.points > MAX_POINTS_PER_QUERY) {
      throw new PromqlError(
        `query processing would load too many samples or subquery steps (more than ${MAX_POINTS_PER_QUERY})`,
      );
    }
  }

  /** Reference time of a selector or subquery: `@` (or the evaluation time) minus the offset. */
  private refTime(r: RollupExpr | undefined, t: number): number {
    if (!r) return t;
    let base = t;
    if (r.at) base = this.atTime(r.at);
    return base - (r.offset?.ms ?? 0);
  }

  private atTime(at: Expr): number {
    if (at.type === "call" && (at.name === "start" || at.name === "end")) return this.queryTime;
    const v = this.eval(at, this.queryTime);
    if (v.type !== "scalar") throw new PromqlError("@ modifier must be a number");
    return Math.round(v.value * 1000);
  }

  private instantSelector(sel: VectorSelector, t: number, r: RollupExpr | undefined): Sample[] {
    const ref = this.refTime(r, t);
    const out: Sample[] = [];
    for (const s of this.selected(sel).series) {
      const p = sampleAt(s, ref, this.lookback);
      if (p) out.push({ labels: s.labels, value: p.value, ts: p.ts });
    }
    this.count(out.length);
    return out;
  }

  private rangeSelector(sel: VectorSelector, r: RollupExpr, t: number): MatrixValue {
    const end = this.refTime(r, t);
    const start = end - (r.window?.ms ?? 0);
    const series: RangeSeries[] = [];
    for (const s of this.selected(sel).series) {
      const p = pointsIn(s, start, end);
      this.count(p.ts.length);
      if (p.ts.length > 0) series.push({ labels: s.labels, ts: p.ts, vs: p.vs });
    }
    return { type: "matrix", series, start, end };
  }

  private rollup(r: RollupExpr, t: number): Value {
    const inner = unparen(r.expr);
    if (r.subquery) return this.subquery(r, t);
    if (inner.type !== "selector") throw new PromqlError("ranges, offset and @ are only allowed on vector selectors");
    if (r.window) return this.rangeSelector(inner, r, t);
    return { type: "vector", samples: this.instantSelector(inner, t, r) };
  }

  private subquery(r: RollupExpr, t: number): MatrixValue {
    const end = this.refTime(r, t);
    const range = r.window?.ms ?? 0;
    const step = r.step?.ms ?? this.opts.subqueryStep;
    if (!(step > 0)) throw new PromqlError("zero or negative subquery step");
    const start = end - range;
    // The first step is the first multiple of the step after the window start (Prometheus aligns them).
    let first = Math.floor(start / step) * step;
    if (first <= start) first += step;
    const last = Math.floor(end / step) * step;
    const cache = this.stepCache(r, step);
    if (!cache) {
      const series = new Map<string, RangeSeries>();
      for (let ts = first; ts <= last; ts += step) {
        this.count(1);
        this.addStep(series, r.expr, ts);
      }
      return { type: "matrix", series: [...series.values()], start, end };
    }
    if (cache.lo > cache.hi || first < cache.lo || first > cache.hi + step || cache.points > MAX_CACHED_POINTS) {
      cache.series.clear();
      cache.points = 0;
      cache.lo = first;
      cache.hi = first - step;
    }
    for (let ts = cache.hi + step; ts <= last; ts += step) {
      this.count(1);
      cache.points += this.addStep(cache.series, r.expr, ts);
      cache.hi = ts;
    }
    const out: RangeSeries[] = [];
    for (const s of cache.series.values()) {
      const from = upperBound(s.ts, start);
      const to = upperBound(s.ts, end);
      if (to > from) out.push({ labels: s.labels, ts: s.ts.slice(from, to), vs: s.vs.slice(from, to) });
    }
    return { type: "matrix", series: out, start, end };
  }

  /** Evaluates one subquery step into `series`; returns the points added. */
  private addStep(series: Map<string, RangeSeries>, e: Expr, ts: number): number {
    const v = this.eval(e, ts);
    const samples = v.type === "scalar" ? [{ labels: {}, value: v.value, ts }] : (v as VectorValue).samples;
    this.count(samples.length);
    for (const s of samples) {
      const key = labelsKey(s.labels);
      let rs = series.get(key);
      if (!rs) {
        rs = { labels: s.labels, ts: [], vs: [] };
        series.set(key, rs);
      }
      rs.ts.push(ts);
      rs.vs.push(s.value);
    }
    return samples.length;
  }

  // --- operators ---------------------------------------------------------------------------------

  private binary(e: BinaryExpr, t: number): Value {
    const l = this.eval(e.lhs, t);
    const r = this.eval(e.rhs, t);
    if (l.type === "scalar" && r.type === "scalar") return { type: "scalar", value: scalarOp(e.op, l.value, r.value) };
    if (l.type === "vector" && r.type === "scalar") {
      return { type: "vector", samples: unique(vectorScalarOp(e.op, l.samples, r.value, false, e.bool)) };
    }
    if (l.type === "scalar" && r.type === "vector") {
      return { type: "vector", samples: unique(vectorScalarOp(e.op, r.samples, l.value, true, e.bool)) };
    }
    if (l.type !== "vector" || r.type !== "vector") {
      throw new PromqlError("binary expression must contain only scalar and instant vector types");
    }
    const matching: Matching = {
      on: e.matching?.on ?? false,
      labels: e.matching?.labels ?? [],
      card: e.group ? (e.group.side === "left" ? "many-to-one" : "one-to-many") : "one-to-one",
      include: e.group?.labels ?? [],
    };
    if (e.op === "and" || e.op === "or" || e.op === "unless") {
      return { type: "vector", samples: unique(setOp(e.op, l.samples, r.samples, matching)) };
    }
    return { type: "vector", samples: unique(vectorOp(e.op, l.samples, r.samples, matching, e.bool)) };
  }

  private aggregate(e: AggregateExpr, t: number): Value {
    const withParam = e.args.length > 1;
    const param = withParam ? this.eval(e.args[0], t) : undefined;
    const input = this.eval(e.args[withParam ? 1 : 0], t) as VectorValue;
    const p =
      param === undefined ? undefined : param.type === "scalar" || param.type === "string" ? param.value : undefined;
    const grouping = { without: e.grouping?.mode === "without", labels: e.grouping?.labels ?? [] };
    return { type: "vector", samples: aggregate(e.name, input.samples, grouping, p, t) };
  }

  // --- functions ---------------------------------------------------------------------------------

  private scalarArg(e: Expr, t: number): number {
    const v = this.eval(e, t);
    if (v.type !== "scalar") throw new PromqlError("expected a scalar argument");
    return v.value;
  }

  private vectorArg(e: Expr, t: number): Sample[] {
    const v = this.eval(e, t);
    if (v.type !== "vector") throw new PromqlError("expected an instant vector argument");
    return v.samples;
  }

  private stringArg(e: Expr): string {
    const x = unparen(e);
    if (x.type !== "string") throw new PromqlError("expected a string argument");
    return x.value;
  }

  private call(e: FunctionCall, t: number): Value {
    const name = e.name;
    const args = e.args;
    const simple = simpleFunction(name);
    if (simple) return { type: "vector", samples: unique(mapValues(this.vectorArg(args[0], t), simple)) };
    switch (name) {
      case "time":
        return { type: "scalar", value: t / 1000 };
      case "pi":
        return { type: "scalar", value: Math.PI };
      case "scalar": {
        const v = this.vectorArg(args[0], t);
        return { type: "scalar", value: v.length === 1 ? v[0].value : Number.NaN };
      }
      case "vector":
        return { type: "vector", samples: [{ labels: {}, value: this.scalarArg(args[0], t), ts: t }] };
      case "clamp":
      case "clamp_max":
      case "clamp_min": {
        const v = this.vectorArg(args[0], t);
        let min = Number.NEGATIVE_INFINITY;
        let max = Number.POSITIVE_INFINITY;
        if (name === "clamp") {
          min = this.scalarArg(args[1], t);
          max = this.scalarArg(args[2], t);
        } else if (name === "clamp_max") max = this.scalarArg(args[1], t);
        else min = this.scalarArg(args[1], t);
        if (max < min) return { type: "vector", samples: [] };
        return { type: "vector", samples: unique(mapValues(v, (x) => Math.max(min, Math.min(max, x)))) };
      }
      case "round": {
        const v = this.vectorArg(args[0], t);
        const toNearest = args.length > 1 ? this.scalarArg(args[1], t) : 1;
        const inv = 1 / toNearest;
        return { type: "vector", samples: unique(mapValues(v, (x) => Math.floor(x * inv + 0.5) / inv)) };
      }
      case "timestamp": {
        const arg = unparen(args[0]);
        const own = arg.type === "selector" || (arg.type === "rollup" && !arg.window && !arg.subquery);
        const v = this.vectorArg(args[0], t);
        return {
          type: "vector",
          samples: unique(v.map((s) => ({ labels: dropName(s.labels), value: (own ? s.ts : t) / 1000, ts: t }))),
        };
      }
      case "days_in_month":
      case "day_of_month":
      case "day_of_week":
      case "day_of_year":
      case "hour":
      case "minute":
      case "month":
      case "year": {
        if (args.length === 0) {
          return { type: "vector", samples: [{ labels: {}, value: dateField(name, Math.trunc(t / 1000)), ts: t }] };
        }
        return { type: "vector", samples: unique(mapValues(this.vectorArg(args[0], t), (x) => dateField(name, x))) };
      }
      case "sort":
      case "sort_desc": {
        const v = [...this.vectorArg(args[0], t)];
        const dir = name === "sort" ? 1 : -1;
        v.sort((a, b) => {
          if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
          if (Number.isNaN(b.value)) return -1;
          return dir * (a.value - b.value);
        });
        return { type: "vector", samples: v };
      }
      case "sort_by_label":
      case "sort_by_label_desc": {
        const names = args.slice(1).map((a) => this.stringArg(a));
        const dir = name === "sort_by_label" ? 1 : -1;
        const v = [...this.vectorArg(args[0], t)];
        v.sort((a, b) => {
          for (const n of names) {
            const x = a.labels[n] ?? "";
            const y = b.labels[n] ?? "";
            if (x !== y) return dir * naturalCompare(x, y);
          }
          return dir * compareLabels(a.labels, b.labels);
        });
        return { type: "vector", samples: v };
      }
      case "label_replace":
        return { type: "vector", samples: unique(this.labelReplace(e, t)) };
      case "label_join":
        return { type: "vector", samples: unique(this.labelJoin(e, t)) };
      case "absent": {
        const v = this.vectorArg(args[0], t);
        if (v.length > 0) return { type: "vector", samples: [] };
        return { type: "vector", samples: [{ labels: this.absentLabelsOf(args[0]), value: 1, ts: t }] };
      }
      case "absent_over_time": {
        const m = this.eval(args[0], t) as MatrixValue;
        if (m.series.some((s) => s.vs.length > 0)) return { type: "vector", samples: [] };
        return { type: "vector", samples: [{ labels: this.absentLabelsOf(args[0]), value: 1, ts: t }] };
      }
      case "histogram_quantile":
        return {
          type: "vector",
          samples: unique(histogramQuantile(this.scalarArg(args[0], t), this.vectorArg(args[1], t), t)),
        };
      case "histogram_fraction":
        return {
          type: "vector",
          samples: unique(
            histogramFraction(this.scalarArg(args[0], t), this.scalarArg(args[1], t), this.vectorArg(args[2], t), t),
          ),
        };
      case "histogram_avg":
      case "histogram_stddev":
      case "histogram_stdvar":
        // Only native histograms have these; float samples are ignored.
        this.vectorArg(args[0], t);
        return { type: "vector", samples: [] };
    }
    // Functions over a range vector; the other arguments are scalars.
    const matrixAt = args.findIndex((a) => isRangeArg(a));
    if (matrixAt < 0) throw new PromqlError(`unknown function "${name}"`);
    const scalars: number[] = [];
    for (let i = 0; i < args.length; i++) if (i !== matrixAt) scalars.push(this.scalarArg(args[i], t));
    const m = this.eval(args[matrixAt], t) as MatrixValue;
    return { type: "vector", samples: unique(callRangeFunction(name, m, scalars, t)) };
  }

  private absentLabelsOf(arg: Expr): Labels {
    const x = unparen(arg);
    if (x.type === "selector") return this.selected(x).absent;
    if (x.type === "rollup" && !x.subquery) {
      const inner = unparen(x.expr);
      if (inner.type === "selector") return this.selected(inner).absent;
    }
    return {};
  }

  private labelReplace(e: FunctionCall, t: number): Sample[] {
    const [dst, repl, src, re] = e.args.slice(1).map((a) => this.stringArg(a));
    let regexp: GoRegexp;
    try {
      regexp = anchoredRegexp(re);
    } catch {
      throw new PromqlError(`invalid regular expression in label_replace(): ${re}`);
    }
    if (dst === "") throw new PromqlError(`invalid destination label name in label_replace(): ${dst}`);
    return this.vectorArg(e.args[0], t).map((s) => {
      const m = regexp.findSubmatch(s.labels[src] ?? "");
      if (m === null) return s;
      const value = regexp.expand(repl, m);
      return { labels: setLabel(s.labels, dst, value), value: s.value, ts: s.ts };
    });
  }

  private labelJoin(e: FunctionCall, t: number): Sample[] {
    const [dst, sep, ...srcs] = e.args.slice(1).map((a) => this.stringArg(a));
    for (const s of srcs) if (s === "") throw new PromqlError(`invalid source label name in label_join(): ${s}`);
    if (dst === "") throw new PromqlError(`invalid destination label name in label_join(): ${dst}`);
    return this.vectorArg(e.args[0], t).map((s) => ({
      labels: setLabel(s.labels, dst, srcs.map((n) => s.labels[n] ?? "").join(sep)),
      value: s.value,
      ts: s.ts,
    }));
  }
}

/** Drops the cached steps at `from` and later (their inputs changed). */
function forgetFrom(c: StepCache, from: number, step: number): void {
  if (c.lo > c.hi || from > c.hi) return;
  for (const s of c.series.values()) {
    const keep = lowerBound(s.ts, from);
    c.points -= s.ts.length - keep;
    s.ts.length = keep;
    s.vs.length = keep;
  }
  c.hi = Math.ceil(from / step) * step - step;
}

function setLabel(labels: Labels, name: string, value: string): Labels {
  const out = { ...labels };
  if (value === "") delete out[name];
  else out[name] = value;
  return out;
}

function unparen(e: Expr): Expr {
  let x = e;
  while (x.type === "paren") x = x.expr;
  return x;
}

/** True when an expression's value at t depends only on samples at or before t (no @, no negative offset). */
function timeLocal(e: Expr): boolean {
  switch (e.type) {
    case "number":
    case "string":
    case "duration":
    case "selector":
      return true;
    case "paren":
    case "unary":
      return timeLocal(e.expr);
    case "binary":
      return timeLocal(e.lhs) && timeLocal(e.rhs);
    case "aggregate":
    case "call":
      return e.args.every(timeLocal);
    case "rollup":
      return !e.at && (e.offset?.ms ?? 0) >= 0 && timeLocal(e.expr);
  }
}

function isRangeArg(e: Expr): boolean {
  const x = unparen(e);
  return x.type === "rollup" && (x.subquery || x.window !== undefined);
}

/** Prometheus refuses an instant vector with two equal label sets ("vector cannot contain metrics with the same labelset"). */
function unique(samples: Sample[]): Sample[] {
  if (samples.length < 2) return samples;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.labels);
    if (seen.has(key)) {
      throw new PromqlError(`vector cannot contain metrics with the same labelset ${formatLabelSet(s.labels)}`);
    }
    seen.add(key);
  }
  return samples;
}

/** Natural order of label values (digit runs compare as numbers), as sort_by_label uses. */
function naturalCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const xa = a.match(re) ?? [];
  const xb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
    const p = xa[i];
    const q = xb[i];
    if (p === q) continue;
    const np = /^\d/.test(p);
    const nq = /^\d/.test(q);
    if (np && nq) return Number(p) - Number(q) || (p < q ? -1 : 1);
    return p < q ? -1 : 1;
  }
  return xa.length - xb.length;
}
