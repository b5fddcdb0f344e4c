// Aggregation operators (sum, avg, count, min, max, group, stddev, stdvar, quantile, topk, bottomk,
// count_values, limitk) over one instant vector, grouped by/without labels, with Prometheus' float rules.
import { formatFloatPlain, kahanInc, quantile } from "./floats.js";
import { keepOnly, keyOn, keyWithout, METRIC_NAME, without } from "./labels.js";
import type { Labels, Sample } from "./types.js";
import { PromqlError } from "./types.js";

export const PROMQL_AGGREGATIONS: ReadonlyMap<string, "none" | "scalar" | "string"> = new Map([
  ["sum", "none"],
  ["avg", "none"],
  ["count", "none"],
  ["min", "none"],
  ["max", "none"],
  ["group", "none"],
  ["stddev", "none"],
  ["stdvar", "none"],
  ["quantile", "scalar"],
  ["topk", "scalar"],
  ["bottomk", "scalar"],
  ["limitk", "scalar"],
  ["count_values", "string"],
]);

export interface Grouping {
  without: boolean;
  labels: string[];
}

interface Group {
  labels: Labels;
  value: number;
  mean: number;
  c: number;
  count: number;
  incremental: boolean;
  values: number[];
  heap: Sample[];
}

function grouper(g: Grouping): { key(l: Labels): string; labels(l: Labels): Labels } {
  if (g.without) {
    const skip = new Set([...g.labels, METRIC_NAME]);
    return { key: (l) => keyWithout(l, skip), labels: (l) => without(l, skip) };
  }
  const names = [...new Set(g.labels)].sort();
  return { key: (l) => keyOn(l, names), labels: (l) => keepOnly(l, names) };
}

/** A binary heap as Go's container/heap keeps it, so ties are broken the way Prometheus breaks them. */
class GoHeap {
  constructor(
    readonly items: Sample[],
    private readonly less: (a: Sample, b: Sample) => boolean,
  ) {}

  push(s: Sample): void {
    this.items.push(s);
    this.up(this.items.length - 1);
  }

  fix(i: number): void {
    if (!this.down(i, this.items.length)) this.up(i);
  }

  private up(j: number): void {
    const h = this.items;
    for (;;) {
      const i = Math.floor((j - 1) / 2);
      if (i === j || j <= 0 || !this.less(h[j], h[i])) break;
      [h[i], h[j]] = [h[j], h[i]];
      j = i;
    }
  }

  private down(i0: number, n: number): boolean {
    const h = this.items;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(h[j2], h[j1])) j = j2;
      if (!this.less(h[j], h[i])) break;
      [h[i], h[j]] = [h[j], h[i]];
      i = j;
    }
    return i > i0;
  }
}

const ascending = (a: Sample, b: Sample) => Number.isNaN(a.value) || a.value < b.value;
const descending = (a: Sample, b: Sample) => Number.isNaN(a.value) || a.value > b.value;

/** The float limits of Go's int64 conversion (2^63, and the largest double below it). */
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63 - 1024;

function kParam(param: number, inputs: number): number {
  if (Number.isNaN(param)) throw new PromqlError("Parameter value is NaN");
  if (param <= MIN_INT64) throw new PromqlError(`Scalar value ${param} underflows int64`);
  if (param >= MAX_INT64) throw new PromqlError(`Scalar value ${param} overflows int64`);
  return Math.min(Math.trunc(param), inputs);
}

/** Evaluates `op` (by/without `grouping`) over `input` at time t; `param` is k, q or the count_values label. */
export function aggregate(
  op: string,
  input: Sample[],
  grouping: Grouping,
  param: number | string | undefined,
  t: number,
): Sample[] {
  if (op === "count_values") return countValues(input, grouping, String(param), t);
  if (op === "topk" || op === "bottomk" || op === "limitk") return selectK(op, input, grouping, param as number, t);
  const g = grouper(grouping);
  const groups = new Map<string, Group>();
  for (const s of input) {
    const f = s.value;
    const key = g.key(s.labels);
    const group = groups.get(key);
    if (!group) {
      const ng: Group = {
        labels: g.labels(s.labels),
        value: f,
        mean: f,
        c: 0,
        count: 1,
        incremental: false,
        values: [f],
        heap: [],
      };
      if (op === "stddev" || op === "stdvar") ng.value = Number.isFinite(f) ? 0 : Number.NaN;
      if (op === "group") ng.value = 1;
      groups.set(key, ng);
      continue;
    }
    switch (op) {
      case "sum":
        [group.value, group.c] = kahanInc(f, group.value, group.c);
        break;
      case "avg": {
        group.count++;
        if (!group.incremental) {
          const [nv, nc] = kahanInc(f, group.value, group.c);
          if (nv !== Number.POSITIVE_INFINITY && nv !== Number.NEGATIVE_INFINITY) {
            group.value = nv;
            group.c = nc;
            break;
          }
          // The sum would overflow: continue with the incremental mean.
          group.incremental = true;
          group.mean = group.value / (group.count - 1);
          group.c /= group.count - 1;
        }
        const q = (group.count - 1) / group.count;
        [group.mean, group.c] = kahanInc(f / group.count, q * group.mean, q * group.c);
        break;
      }
      case "max":
        if (group.value < f || Number.isNaN(group.value)) group.value = f;
        break;
      case "min":
        if (group.value > f || Number.isNaN(group.value)) group.value = f;
        break;
      case "count":
        group.count++;
        break;
      case "group":
        break;
      case "stddev":
      case "stdvar": {
        group.count++;
        const delta = f - group.mean;
        group.mean += delta / group.count;
        group.value += delta * (f - group.mean);
        break;
      }
      case "quantile":
        group.values.push(f);
        break;
      default:
        throw new PromqlError(`unknown aggregation operator "${op}"`);
    }
  }
  const out: Sample[] = [];
  for (const group of groups.values()) {
    let v = group.value;
    switch (op) {
      case "sum":
        v = group.value + group.c;
        break;
      case "avg":
        v = group.incremental ? group.mean + group.c : group.value / group.count + group.c / group.count;
        break;
      case "count":
        v = group.count;
        break;
      case "stdvar":
        v = group.value / group.count;
        break;
      case "stddev":
        v = Math.sqrt(group.value / group.count);
        break;
      case "quantile":
        v = quantile(param as number, group.values);
        break;
    }
    out.push({ labels: group.labels, value: v, ts: t });
  }
  return out;
}

function selectK(op: string, input: Sample[], grouping: Grouping, param: number, t: number): Sample[] {
  if (input.length === 0) return [];
  const k = kParam(param, input.length);
  if (k < 1) return [];
  const g = grouper(grouping);
  const heaps = new Map<string, GoHeap>();
  for (const s of input) {
    const key = g.key(s.labels);
    let h = heaps.get(key);
    if (!h) {
      h = new GoHeap([], op === "bottomk" ? descending : ascending);
      heaps.set(key, h);
      h.push(s);
      continue;
    }
    const top = h.items[0];
    if (op === "limitk") {
      if (h.items.length < k) h.push(s);
    } else if (h.items.length < k) {
      h.push(s);
    } else if (
      op === "topk"
        ? top.value < s.value || (Number.isNaN(top.value) && !Number.isNaN(s.value))
        : top.value > s.value || (Number.isNaN(top.value) && !Number.isNaN(s.value))
    ) {
      h.items[0] = s;
      if (k > 1) h.fix(0);
    }
  }
  const out: Sample[] = [];
  for (const h of heaps.values()) for (const s of h.items) out.push({ labels: s.labels, value: s.value, ts: t });
  return out;
}

function countValues(input: Sample[], grouping: Grouping, label: string, t: number): Sample[] {
  if (label === "") throw new PromqlError(`invalid label name ""`);
  const g = grouper(grouping.without ? grouping : { without: false, labels: [...grouping.labels, label] });
  const groups = new Map<string, { labels: Labels; count: number }>();
  for (const s of input) {
    const labels = { ...s.labels, [label]: formatFloatPlain(s.value) };
    const key = g.key(labels);
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { labels: g.labels(labels), count: 1 });
  }
  return [...groups.values()].map((x) => ({ labels: x.labels, value: x.count, ts: t }));
}
