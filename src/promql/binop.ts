// Binary operators: scalar/scalar, vector/scalar and vector/vector with one-to-one, many-to-one and
// one-to-many matching (on, ignoring, group_left, group_right), bool, and the set operators.
import { dropName, formatLabelSet, keepOnly, keyOn, keyWithout, METRIC_NAME, without } from "./labels.js";
import type { Labels, Sample } from "./types.js";
import { PromqlError } from "./types.js";

export interface Matching {
  /** on(...) when true, ignoring(...) otherwise (also when no clause was written). */
  on: boolean;
  labels: string[];
  /** group_left / group_right. */
  card: "one-to-one" | "many-to-one" | "one-to-many";
  include: string[];
}

const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "^", "atan2"]);
export const COMPARISON = new Set(["==", "!=", "<", ">", "<=", ">="]);

/** Go's math.Pow where it differs from JS: 1 to any power and -1 to an infinite power are 1. */
function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

/** scalarBinop: both sides scalars (comparisons give 0 or 1). */
export function scalarOp(op: string, l: number, r: number): number {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return l / r;
    case "%":
      // JS's % is Go's math.Mod: the result has the sign of the dividend.
      return l % r;
    case "^":
      return goPow(l, r);
    case "atan2":
      return Math.atan2(l, r);
    case "==":
      return l === r ? 1 : 0;
    case "!=":
      return l !== r ? 1 : 0;
    case ">":
      return l > r ? 1 : 0;
    case "<":
      return l < r ? 1 : 0;
    case ">=":
      return l >= r ? 1 : 0;
    case "<=":
      return l <= r ? 1 : 0;
  }
  throw new PromqlError(`operator "${op}" not allowed for Scalar operations`);
}

/** vectorElemBinop: the value and whether a filtering comparison keeps the element. */
function elemOp(op: string, l: number, r: number): [number, boolean] {
  if (COMPARISON.has(op)) return [l, scalarOp(op, l, r) === 1];
  return [scalarOp(op, l, r), true];
}

export function vectorScalarOp(
  op: string,
  vec: Sample[],
  scalar: number,
  scalarLeft: boolean,
  bool: boolean,
): Sample[] {
  const out: Sample[] = [];
  const comparison = COMPARISON.has(op);
  for (const s of vec) {
    const [l, r] = scalarLeft ? [scalar, s.value] : [s.value, scalar];
    let [value, keep] = elemOp(op, l, r);
    // A comparison keeps the vector's value, whichever side it is on.
    if (comparison && scalarLeft) value = r;
    if (bool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    const labels = ARITHMETIC.has(op) || bool ? dropName(s.labels) : s.labels;
    out.push({ labels, value, ts: s.ts });
  }
  return out;
}

function signature(m: Matching): (l: Labels) => string {
  if (m.on) {
    const names = [...new Set(m.labels)].sort();
    return (l) => keyOn(l, names);
  }
  const skip = new Set([METRIC_NAME, ...m.labels]);
  return (l) => keyWithout(l, skip);
}

function matchedLabels(l: Labels, m: Matching): Labels {
  return m.on ? keepOnly(l, m.labels) : without(l, new Set([METRIC_NAME, ...m.labels]));
}

export function setOp(op: "and" | "or" | "unless", lhs: Sample[], rhs: Sample[], m: Matching): Sample[] {
  const sig = signature(m);
  switch (op) {
    case "and": {
      if (lhs.length === 0 || rhs.length === 0) return [];
      const right = new Set(rhs.map((s) => sig(s.labels)));
      return lhs.filter((s) => right.has(sig(s.labels)));
    }
    case "or": {
      if (lhs.length === 0) return [...rhs];
      if (rhs.length === 0) return [...lhs];
      const left = new Set(lhs.map((s) => sig(s.labels)));
      return [...lhs, ...rhs.filter((s) => !left.has(sig(s.labels)))];
    }
    case "unless": {
      if (lhs.length === 0 || rhs.length === 0) return [...lhs];
      const right = new Set(rhs.map((s) => sig(s.labels)));
      return lhs.filter((s) => !right.has(sig(s.labels)));
    }
  }
}

function resultLabels(l: Labels, r: Labels, op: string, m: Matching): Labels {
  let out: Labels = ARITHMETIC.has(op) ? dropName(l) : { ...l };
  if (m.card === "one-to-one") {
    out = m.on ? keepOnly(out, m.labels) : without(out, new Set(m.labels));
  }
  if (m.include.length > 0) {
    if (out === l) out = { ...l };
    for (const name of m.include) {
      const v = r[name];
      if (v !== undefined && v !== "") out[name] = v;
      else delete out[name];
    }
  }
  return out;
}

/** VectorBinop: every operator but the set operators, between two instant vectors. */
export function vectorOp(op: string, lhsIn: Sample[], rhsIn: Sample[], m: Matching, bool: boolean): Sample[] {
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  const sig = signature(m);
  // One-to-many is many-to-one with the sides swapped; values are swapped back for the operator.
  const swapped = m.card === "one-to-many";
  const [lhs, rhs] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const right = new Map<string, Sample>();
  for (const rs of rhs) {
    const key = sig(rs.labels);
    const dup = right.get(key);
    if (dup) {
      throw new PromqlError(
        `found duplicate series for the match group ${formatLabelSet(matchedLabels(rs.labels, m))} on the ${swapped ? "left" : "right"} hand-side of the operation: [${formatLabelSet(rs.labels)}, ${formatLabelSet(dup.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    right.set(key, rs);
  }
  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const ls of lhs) {
    const key = sig(ls.labels);
    const rs = right.get(key);
    if (!rs) continue;
    const [l, r] = swapped ? [rs.value, ls.value] : [ls.value, rs.value];
    let [value, keep] = elemOp(op, l, r);
    if (bool) value = keep ? 1 : 0;
    let labels = resultLabels(ls.labels, rs.labels, op, m);
    if (bool) labels = dropName(labels);
    const seen = matched.get(key);
    if (m.card === "one-to-one") {
      if (seen !== undefined) {
        throw new PromqlError(
          "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
        );
      }
      matched.set(key, null);
    } else {
      const id = JSON.stringify(Object.entries(labels).sort());
      if (!seen) matched.set(key, new Set([id]));
      else if (seen.has(id)) {
        throw new PromqlError("multiple matches for labels: grouping labels must ensure unique matches");
      } else seen.add(id);
    }
    if (!keep && !bool) continue;
    out.push({ labels, value, ts: ls.ts });
  }
  return out;
}
