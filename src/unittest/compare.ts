// Expected-versus-got comparisons and the diff text printed for a failed expectation.
import type { Metric } from "../datasource/types.js";
import { formatLabels } from "./notation.js";
import type { ExpAlert, ExpSample } from "./testfile.js";

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The float's bits as an integer that orders like the float (negatives mirrored below zero). */
function orderedBits(v: number): bigint {
  f64[0] = v;
  const b = i64[0];
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}

export function sameValue(exp: number, got: number, fuzzy: boolean): boolean {
  if (Number.isNaN(exp) || Number.isNaN(got)) return Number.isNaN(exp) && Number.isNaN(got);
  if (exp === got) return true;
  if (!fuzzy || !Number.isFinite(exp) || !Number.isFinite(got)) return false;
  // promtool's fuzzy_compare ignores a difference in the last bit of the mantissa: neighbouring floats.
  const d = orderedBits(exp) - orderedBits(got);
  return d === 1n || d === -1n;
}

/** Order-insensitive multiset match: each expected item consumes one equal got item. */
function matchAll<E, G>(exp: E[], got: G[], eq: (e: E, g: G) => boolean): boolean {
  if (exp.length !== got.length) return false;
  const used = new Array(got.length).fill(false);
  for (const e of exp) {
    const i = got.findIndex((g, j) => !used[j] && eq(e, g));
    if (i < 0) return false;
    used[i] = true;
  }
  return true;
}

export function alertsMatch(exp: ExpAlert[], got: ExpAlert[]): boolean {
  return matchAll(exp, got, (e, g) => sameMap(e.labels, g.labels) && sameMap(e.annotations, g.annotations));
}

export function samplesMatch(exp: ExpSample[], got: Metric[], fuzzy: boolean): boolean {
  return matchAll(exp, got, (e, g) => sameMap(e.labels, g.labels) && sameValue(e.value, g.value, fuzzy));
}

function fmtMap(m: Record<string, string>): string {
  const keys = Object.keys(m).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(m[k])}`).join(", ")}}`;
}

function sortedLines(lines: string[]): string[] {
  return [...lines].sort();
}

function fmtAlert(a: ExpAlert): string {
  return `labels: ${fmtMap(a.labels)}\n          annotations: ${fmtMap(a.annotations)}`;
}

/** A readable diff: the expected and the got lists, and which entries differ on each side. */
export function alertDiff(exp: ExpAlert[], got: ExpAlert[]): string {
  const e = sortedLines(exp.map(fmtAlert));
  const g = sortedLines(got.map(fmtAlert));
  return listDiff(e, g);
}

function fmtNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

export function sampleDiff(exp: ExpSample[], got: Metric[]): string {
  const e = sortedLines(exp.map((s) => `${formatLabels(s.labels)} ${fmtNumber(s.value)}`));
  const g = sortedLines(got.map((s) => `${formatLabels(s.labels)} ${fmtNumber(s.value)}`));
  return listDiff(e, g);
}

function listDiff(exp: string[], got: string[]): string {
  const left = new Map<string, number>();
  for (const x of got) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  out.push(`      exp (${exp.length}):`);
  if (exp.length === 0) out.push("        (none)");
  for (const x of exp) {
    const n = left.get(x) ?? 0;
    if (n > 0) {
      left.set(x, n - 1);
      out.push(`          ${x}`);
    } else {
      out.push(`        - ${x}`);
    }
  }
  const right = new Map<string, number>();
  for (const x of exp) right.set(x, (right.get(x) ?? 0) + 1);
  out.push(`      got (${got.length}):`);
  if (got.length === 0) out.push("        (none)");
  for (const x of got) {
    const n = right.get(x) ?? 0;
    if (n > 0) {
      right.set(x, n - 1);
      out.push(`          ${x}`);
    } else {
      out.push(`        + ${x}`);
    }
  }
  return out.join("\n");
}
