// Label-set helpers shared by the evaluator: canonical keys, signatures for vector matching and grouping,
// and Prometheus' label ordering.
import type { Labels } from "./types.js";

export const METRIC_NAME = "__name__";

const SEP = "\xff";

/** A string that is equal for equal label sets (names sorted). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let out = "";
  for (const n of names) out += `${n}${SEP}${labels[n]}${SEP}`;
  return out;
}

/** The label set without `__name__` (the same object when it has none). */
export function dropName(labels: Labels): Labels {
  if (!(METRIC_NAME in labels)) return labels;
  const out: Labels = {};
  for (const k in labels) if (k !== METRIC_NAME) out[k] = labels[k];
  return out;
}

/** Key of the labels named in `names` (on(...), by(...)); absent labels count as empty. */
export function keyOn(labels: Labels, names: string[]): string {
  let out = "";
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== "") out += `${n}${SEP}${v}${SEP}`;
  }
  return out;
}

/** Key of every label except those in `skip` (ignoring(...), without(...)). */
export function keyWithout(labels: Labels, skip: Set<string>): string {
  const names = Object.keys(labels).sort();
  let out = "";
  for (const n of names) if (!skip.has(n)) out += `${n}${SEP}${labels[n]}${SEP}`;
  return out;
}

/** Only the named labels (empty values dropped). */
export function keepOnly(labels: Labels, names: string[]): Labels {
  const out: Labels = {};
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== "") out[n] = v;
  }
  return out;
}

/** Every label except the named ones. */
export function without(labels: Labels, skip: Set<string>): Labels {
  const out: Labels = {};
  for (const k in labels) if (!skip.has(k)) out[k] = labels[k];
  return out;
}

/** Prometheus' labels.Compare: label by label in name order, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return an[i] < bn[i] ? -1 : 1;
    const av = a[an[i]];
    const bv = b[bn[i]];
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}

/** `{a="1", b="2"}` as Prometheus prints a label set, for error messages. */
export function formatLabelSet(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(", ")}}`;
}
