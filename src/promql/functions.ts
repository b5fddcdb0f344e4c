// PromQL's functions: the signature of each (checked before evaluation, as Prometheus' parser does) and
// what it computes, with Prometheus' semantics (extrapolated rate, name dropping, NaN handling).
import { type Bucket, bucketFraction, bucketQuantile } from "./buckets.js";
import { kahanInc, parseGoFloat, quantile } from "./floats.js";
import { dropName, keyWithout, METRIC_NAME } from "./labels.js";
import type { Labels, MatrixValue, RangeSeries, Sample, ValueType } from "./types.js";
import { PromqlError } from "./types.js";

export interface FunctionSignature {
  args: ValueType[];
  /** 0: exactly args.length; n > 0: up to n optional trailing args; -1: the last type repeats. */
  variadic: number;
  returns: ValueType;
}

const V = "vector" as const;
const M = "matrix" as const;
const S = "scalar" as const;
const STR = "string" as const;

function sig(args: ValueType[], returns: ValueType, variadic = 0): FunctionSignature {
  return { args, variadic, returns };
}

const MATH = [
  "abs",
  "ceil",
  "floor",
  "exp",
  "sqrt",
  "ln",
  "log2",
  "log10",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "tanh",
  "asinh",
  "acosh",
  "atanh",
  "rad",
  "deg",
  "sgn",
];
const DATE = ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"];
const OVER_TIME = [
  "avg_over_time",
  "count_over_time",
  "last_over_time",
  "first_over_time",
  "max_over_time",
  "min_over_time",
  "sum_over_time",
  "stddev_over_time",
  "stdvar_over_time",
  "mad_over_time",
  "present_over_time",
  "absent_over_time",
  "changes",
  "resets",
  "rate",
  "increase",
  "delta",
  "irate",
  "idelta",
  "deriv",
];

/** Every PromQL function tsalert evaluates, by name. */
export const PROMQL_FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...MATH.map((n): [string, FunctionSignature] => [n, sig([V], V)]),
  ...DATE.map((n): [string, FunctionSignature] => [n, sig([V], V, 1)]),
  ...OVER_TIME.map((n): [string, FunctionSignature] => [n, sig([M], V)]),
  ["absent", sig([V], V)],
  ["clamp", sig([V, S, S], V)],
  ["clamp_max", sig([V, S], V)],
  ["clamp_min", sig([V, S], V)],
  ["round", sig([V, S], V, 1)],
  ["scalar", sig([V], S)],
  ["vector", sig([S], V)],
  ["time", sig([], S)],
  ["pi", sig([], S)],
  ["timestamp", sig([V], V)],
  ["sort", sig([V], V)],
  ["sort_desc", sig([V], V)],
  ["sort_by_label", sig([V, STR], V, -1)],
  ["sort_by_label_desc", sig([V, STR], V, -1)],
  ["label_replace", sig([V, STR, STR, STR, STR], V)],
  ["label_join", sig([V, STR, STR, STR], V, -1)],
  ["histogram_quantile", sig([S, V], V)],
  ["histogram_fraction", sig([S, S, V], V)],
  ["histogram_avg", sig([V], V)],
  ["histogram_stddev", sig([V], V)],
  ["histogram_stdvar", sig([V], V)],
  ["quantile_over_time", sig([S, M], V)],
  ["predict_linear", sig([M, S], V)],
  ["holt_winters", sig([M, S, S], V)],
]);

/** Range functions whose result keeps the metric name (they act like an offset). */
const KEEPS_NAME = new Set(["last_over_time", "first_over_time"]);

// --- range-vector functions ----------------------------------------------------------------------

/** rate(), increase(), delta(): the change over the window, extrapolated towards its edges. */
function extrapolatedRate(s: RangeSeries, m: MatrixValue, isCounter: boolean, isRate: boolean): number | null {
  const n = s.vs.length;
  if (n < 2) return null;
  const firstT = s.ts[0];
  const lastT = s.ts[n - 1];
  let result = s.vs[n - 1] - s.vs[0];
  if (isCounter) {
    for (let i = 1; i < n; i++) if (s.vs[i] < s.vs[i - 1]) result += s.vs[i - 1];
  }
  let durationToStart = (firstT - m.start) / 1000;
  let durationToEnd = (m.end - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avgBetween = sampledInterval / (n - 1);
  const threshold = avgBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = avgBetween / 2;
  if (isCounter) {
    // A counter cannot go below zero: do not extrapolate past the point where it would reach it.
    let durationToZero = durationToStart;
    if (result > 0 && s.vs[0] >= 0) durationToZero = sampledInterval * (s.vs[0] / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avgBetween / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= (m.end - m.start) / 1000;
  return result * factor;
}

/** irate(), idelta(): from the last two points. */
function instantValue(s: RangeSeries, isRate: boolean): number | null {
  const n = s.vs.length;
  if (n < 2) return null;
  const last = s.vs[n - 1];
  const prev = s.vs[n - 2];
  const interval = s.ts[n - 1] - s.ts[n - 2];
  if (interval === 0) return null;
  let result = last;
  if (!isRate || !(last < prev)) result = last - prev;
  if (isRate) result /= interval / 1000;
  return result;
}

/** Least-squares slope and intercept (at interceptTime) of the points. */
function linearRegression(s: RangeSeries, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = s.vs[0];
  let constY = true;
  for (let i = 0; i < s.vs.length; i++) {
    const y = s.vs[i];
    if (constY && i > 0 && y !== initY) constY = false;
    n += 1;
    const x = (s.ts[i] - interceptTime) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(y, sumY, cY);
    [sumXY, cXY] = kahanInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [Number.NaN, Number.NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function avgOverTime(vs: number[]): number {
  let sum = vs[0];
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let i = 1; i < vs.length; i++) {
    const f = vs[i];
    count = i + 1;
    if (!incremental) {
      const [ns, nc] = kahanInc(f, sum, c);
      if (ns !== Number.POSITIVE_INFINITY && ns !== Number.NEGATIVE_INFINITY) {
        sum = ns;
        c = nc;
        continue;
      }
      // The sum would overflow: continue with the incremental mean.
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanInc(f / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

function varianceOverTime(vs: number[]): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (const f of vs) {
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function compareOverTime(s: RangeSeries, better: (cur: number, best: number) => boolean): number {
  let best = s.vs[0];
  for (let i = 0; i < s.vs.length; i++) if (better(s.vs[i], best)) best = s.vs[i];
  return best;
}

function smoothing(s: RangeSeries, sf: number, tf: number): number | null {
  if (!(sf > 0 && sf < 1))
    throw new PromqlError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFloat6(sf)}`);
  if (!(tf > 0 && tf < 1)) throw new PromqlError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goFloat6(tf)}`);
  const l = s.vs.length;
  if (l < 2) return null;
  let s0 = 0;
  let s1 = s.vs[0];
  let b = s.vs[1] - s.vs[0];
  for (let i = 1; i < l; i++) {
    const x = sf * s.vs[i];
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

function goFloat6(v: number): string {
  return Number.isFinite(v) ? v.toFixed(6) : String(v);
}

/** Evaluates a function whose range-vector argument is `m`; `scalars` are its other (scalar) arguments. */
export function callRangeFunction(name: string, m: MatrixValue, scalars: number[], t: number): Sample[] {
  const out: Sample[] = [];
  if (name === "absent_over_time") return out;
  for (const s of m.series) {
    if (s.vs.length === 0) continue;
    const v = rangeValue(name, s, m, scalars, t);
    if (v === null) continue;
    out.push({ labels: KEEPS_NAME.has(name) ? s.labels : dropName(s.labels), value: v, ts: t });
  }
  return out;
}

function rangeValue(name: string, s: RangeSeries, m: MatrixValue, scalars: number[], t: number): number | null {
  const vs = s.vs;
  switch (name) {
    case "rate":
      return extrapolatedRate(s, m, true, true);
    case "increase":
      return extrapolatedRate(s, m, true, false);
    case "delta":
      return extrapolatedRate(s, m, false, false);
    case "irate":
      return instantValue(s, true);
    case "idelta":
      return instantValue(s, false);
    case "deriv":
      return vs.length < 2 ? null : linearRegression(s, s.ts[0])[0];
    case "predict_linear": {
      if (vs.length < 2) return null;
      const [slope, intercept] = linearRegression(s, t);
      return slope * scalars[0] + intercept;
    }
    case "holt_winters":
      return smoothing(s, scalars[0], scalars[1]);
    case "avg_over_time":
      return avgOverTime(vs);
    case "count_over_time":
      return vs.length;
    case "last_over_time":
      return vs[vs.length - 1];
    case "first_over_time":
      return vs[0];
    case "max_over_time":
      return compareOverTime(s, (c, b) => c > b || Number.isNaN(b));
    case "min_over_time":
      return compareOverTime(s, (c, b) => c < b || Number.isNaN(b));
    case "sum_over_time": {
      let sum = 0;
      let c = 0;
      for (const f of vs) [sum, c] = kahanInc(f, sum, c);
      return sum === Number.POSITIVE_INFINITY || sum === Number.NEGATIVE_INFINITY ? sum : sum + c;
    }
    case "stddev_over_time":
      return Math.sqrt(varianceOverTime(vs));
    case "stdvar_over_time":
      return varianceOverTime(vs);
    case "mad_over_time": {
      const median = quantile(0.5, [...vs]);
      return quantile(
        0.5,
        vs.map((f) => Math.abs(f - median)),
      );
    }
    case "quantile_over_time":
      return quantile(scalars[0], [...vs]);
    case "present_over_time":
      return 1;
    case "changes": {
      let n = 0;
      for (let i = 1; i < vs.length; i++) {
        if (vs[i] !== vs[i - 1] && !(Number.isNaN(vs[i]) && Number.isNaN(vs[i - 1]))) n++;
      }
      return n;
    }
    case "resets": {
      let n = 0;
      for (let i = 1; i < vs.length; i++) if (vs[i] < vs[i - 1]) n++;
      return n;
    }
  }
  throw new PromqlError(`function "${name}" is not a range-vector function`);
}

// --- instant-vector functions --------------------------------------------------------------------

const frexpView = new DataView(new ArrayBuffer(8));

/** Go's math.Frexp: x = frac × 2^exp with |frac| in [0.5, 1) (x itself for 0, ±Inf and NaN). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = 0;
  let v = x;
  if (Math.abs(v) < 2.2250738585072014e-308) {
    v *= 2 ** 52;
    exp = -52;
  }
  frexpView.setFloat64(0, v);
  const hi = frexpView.getUint32(0);
  exp += ((hi >>> 20) & 0x7ff) - 1022;
  frexpView.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return [frexpView.getFloat64(0), exp];
}

// Coefficients of FreeBSD's e_log.c (as the nearest doubles); ln 2 split in a high and a low part.
const L1 = 0.6666666666666735;
const L2 = 0.3999999999940942;
const L3 = 0.2857142874366239;
const L4 = 0.22222198432149784;
const L5 = 0.1818357216161805;
const L6 = 0.15313837699209373;
const L7 = 0.14798198605116586;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

/**
 * Go's math.Log (FreeBSD's e_log.c, the same steps in Go's amd64 assembly): V8's Math.log rounds some
 * results the other way, and expected values in test files are often copied from promtool's output.
 */
function goLog(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  let [f1, ki] = frexp(x);
  if (f1 < Math.SQRT1_2) {
    f1 *= 2;
    ki--;
  }
  const f = f1 - 1;
  const k = ki;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const r = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
}

/** Go's math.Log2: exact for powers of two. */
function goLog2(x: number): number {
  const [frac, exp] = frexp(x);
  if (frac === 0.5) return exp - 1;
  return goLog(frac) * Math.LOG2E + exp;
}

function goLog10(x: number): number {
  return goLog(x) * Math.LOG10E;
}

const SIMPLE: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: goLog,
  log2: goLog2,
  log10: goLog10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  rad: (v) => (v * Math.PI) / 180,
  deg: (v) => (v * 180) / Math.PI,
  sgn: (v) => (v < 0 ? -1 : v > 0 ? 1 : v),
};

/** f applied to each sample's value; the metric name is dropped. */
export function mapValues(samples: Sample[], f: (v: number) => number): Sample[] {
  return samples.map((s) => ({ labels: dropName(s.labels), value: f(s.value), ts: s.ts }));
}

export function simpleFunction(name: string): ((v: number) => number) | undefined {
  return SIMPLE[name];
}

/** Calendar fields of a Unix time in seconds (UTC), as Go's time package numbers them. */
export function dateField(name: string, seconds: number): number {
  if (!Number.isFinite(seconds)) return Number.NaN;
  const d = new Date(Math.trunc(seconds) * 1000);
  switch (name) {
    case "days_in_month":
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    case "day_of_month":
      return d.getUTCDate();
    case "day_of_week":
      return d.getUTCDay();
    case "day_of_year": {
      const start = Date.UTC(d.getUTCFullYear(), 0, 1);
      return Math.floor((d.getTime() - start) / 86_400_000) + 1;
    }
    case "hour":
      return d.getUTCHours();
    case "minute":
      return d.getUTCMinutes();
    case "month":
      return d.getUTCMonth() + 1;
    case "year":
      return d.getUTCFullYear();
  }
  throw new PromqlError(`unknown date function ${name}`);
}

/** Classic histograms: buckets grouped by every label but `le`; the result drops `le` and the name. */
function bucketGroups(samples: Sample[]): { labels: Labels; buckets: Bucket[] }[] {
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  const skip = new Set(["le"]);
  for (const s of samples) {
    const le = s.labels.le;
    const upper = le === undefined ? null : parseGoFloat(le);
    if (upper === null) continue;
    const key = keyWithout(s.labels, skip);
    let g = groups.get(key);
    if (!g) {
      const labels: Labels = {};
      for (const k in s.labels) if (k !== "le" && k !== METRIC_NAME) labels[k] = s.labels[k];
      g = { labels, buckets: [] };
      groups.set(key, g);
    }
    g.buckets.push({ upper, count: s.value });
  }
  return [...groups.values()];
}

export function histogramQuantile(q: number, samples: Sample[], t: number): Sample[] {
  return bucketGroups(samples)
    .filter((g) => g.buckets.length > 0)
    .map((g) => ({ labels: g.labels, value: bucketQuantile(q, g.buckets), ts: t }));
}

export function histogramFraction(lower: number, upper: number, samples: Sample[], t: number): Sample[] {
  return bucketGroups(samples)
    .filter((g) => g.buckets.length > 0)
    .map((g) => ({ labels: g.labels, value: bucketFraction(lower, upper, g.buckets), ts: t }));
}
