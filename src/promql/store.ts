// An in-memory time-series store for the evaluator: the input series of one unit test plus whatever the
// rules write while it runs. Samples are kept per series in time order; a staleness marker is kept as a
// flag beside its timestamp, as Prometheus' TSDB keeps the stale NaN.
import { labelsKey, METRIC_NAME } from "./labels.js";
import type { Labels } from "./types.js";

export interface StoredSeries {
  readonly labels: Labels;
  readonly key: string;
  /** ms, ascending, no duplicates. */
  readonly ts: number[];
  readonly vs: number[];
  /** Indexes (into ts/vs) holding a staleness marker; undefined when there is none. */
  stale?: Set<number>;
}

export interface Matcher {
  name: string;
  test(value: string): boolean;
}

export class SeriesStore {
  private readonly byKey = new Map<string, StoredSeries>();
  private readonly byName = new Map<string, StoredSeries[]>();
  private readonly all: StoredSeries[] = [];
  /** Bumped whenever a series is added: cached selections compare it. */
  version = 0;
  private readonly writeListeners: ((ts: number) => void)[] = [];

  get size(): number {
    return this.all.length;
  }

  private series(labels: Labels): StoredSeries {
    const key = labelsKey(labels);
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels: { ...labels }, key, ts: [], vs: [] };
      this.byKey.set(key, s);
      this.all.push(s);
      const name = labels[METRIC_NAME] ?? "";
      const list = this.byName.get(name);
      if (list) list.push(s);
      else this.byName.set(name, [s]);
      this.version++;
    }
    return s;
  }

  /** Adds a sample; a later write at the same timestamp replaces the earlier one. */
  add(labels: Labels, ts: number, value: number, stale = false): void {
    const s = this.series(withoutEmpty(labels));
    for (const l of this.writeListeners) l(ts);
    const n = s.ts.length;
    let i = n;
    if (n > 0 && s.ts[n - 1] >= ts) {
      i = lowerBound(s.ts, ts);
      if (s.ts[i] === ts) {
        s.vs[i] = value;
        if (stale) markStale(s, i);
        else s.stale?.delete(i);
        return;
      }
      s.ts.splice(i, 0, ts);
      s.vs.splice(i, 0, value);
      if (s.stale) s.stale = new Set([...s.stale].map((j) => (j >= i ? j + 1 : j)));
    } else {
      s.ts.push(ts);
      s.vs.push(value);
    }
    if (stale) markStale(s, i);
  }

  /** Calls `fn` with the timestamp of every sample added from now on (caches of derived values listen). */
  onWrite(fn: (ts: number) => void): void {
    this.writeListeners.push(fn);
  }

  /** Series matching every matcher, in label order (as Prometheus' storage returns them). */
  select(matchers: Matcher[]): StoredSeries[] {
    const nameEq = matchers.find((m) => m.name === METRIC_NAME && "equals" in m) as
      | (Matcher & { equals: string })
      | undefined;
    const candidates = nameEq ? (this.byName.get(nameEq.equals) ?? []) : this.all;
    const out: StoredSeries[] = [];
    for (const s of candidates) {
      let ok = true;
      for (const m of matchers) {
        if (!m.test(s.labels[m.name] ?? "")) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(s);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

function markStale(s: StoredSeries, i: number): void {
  if (!s.stale) s.stale = new Set();
  s.stale.add(i);
}

/** An empty label value is no label, as Prometheus' storage keeps series. */
function withoutEmpty(labels: Labels): Labels {
  for (const k in labels) {
    if (labels[k] === "") {
      const out: Labels = {};
      for (const n in labels) if (labels[n] !== "") out[n] = labels[n];
      return out;
    }
  }
  return labels;
}

/** First index whose timestamp is >= t. */
export function lowerBound(ts: number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose timestamp is > t. */
export function upperBound(ts: number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The value an instant selector sees at `t`: the latest sample in (t - lookback, t], unless it is stale. */
export function sampleAt(s: StoredSeries, t: number, lookback: number): { ts: number; value: number } | null {
  const i = upperBound(s.ts, t) - 1;
  if (i < 0) return null;
  const ts = s.ts[i];
  if (ts < t - lookback) return null;
  if (s.stale?.has(i)) return null;
  return { ts, value: s.vs[i] };
}

/** The non-stale points in (mint, maxt]. */
export function pointsIn(s: StoredSeries, mint: number, maxt: number): { ts: number[]; vs: number[] } {
  const from = upperBound(s.ts, mint);
  const to = upperBound(s.ts, maxt);
  if (!s.stale) return { ts: s.ts.slice(from, to), vs: s.vs.slice(from, to) };
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = from; i < to; i++) {
    if (s.stale.has(i)) continue;
    ts.push(s.ts[i]);
    vs.push(s.vs[i]);
  }
  return { ts, vs };
}
