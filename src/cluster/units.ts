// Placement units: the groups that must run on the same member. Placement hashes units, not groups, so
// a rule that reads what a rule of another group writes runs where that rule runs.
//
// The default finds the links that are certain from the rule files alone:
//   * a rule whose expression selects a metric a recording rule of another group records
//     (`job:up:sum`, `{__name__="job:up:sum"}`), and
//   * a rule that selects `ALERTS` / `ALERTS_FOR_STATE` with `alertname="X"` (an exact match in every
//     alternative) and a group that has the alerting rule `X`.
// Links through regexp name matchers (`{__name__=~"job:.*"}`) or through data another process writes are
// not seen. A full dependency graph can replace this function: `assign()` takes any PlacementUnitsFn.
import type { GroupConfig } from "../config/types.js";
import { parse, selectors } from "../metricsql/index.js";

/** A group as vmalert identifies it for placement: its file and its name. */
export interface GroupRef {
  file: string;
  name: string;
}

/** Groups placed together; `key` is what rendezvous hashing scores. */
export interface PlacementUnit {
  key: string;
  /** In load order. */
  groups: GroupRef[];
}

/** Turns the loaded groups into units; every group is in exactly one unit. */
export type PlacementUnitsFn = (groups: readonly GroupConfig[]) => PlacementUnit[];

/** The placement key of a group: the same string on every member that loads the same -rule files. */
export function groupKey(g: GroupRef): string {
  return JSON.stringify([g.file, g.name]);
}

/** One unit per group: no links at all. */
export const singleGroupUnits: PlacementUnitsFn = (groups) =>
  groups.map((g) => ({ key: groupKey(g), groups: [{ file: g.file, name: g.name }] }));

const ALERT_SERIES = new Set(["ALERTS", "ALERTS_FOR_STATE"]);
/** Identifier-like words: a cheap first pass, so only expressions that may link are parsed. */
const WORD = /[A-Za-z_:][A-Za-z0-9_:]*/g;

class UnionFind {
  private parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    // Path compression keeps later finds flat.
    let x = i;
    while (this.parent[x] !== r) {
      const next = this.parent[x] as number;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

function addTo(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

/** The alert names an `ALERTS{alertname="X"}` selector pins in every alternative; null when not pinned. */
function pinnedAlertNames(matchers: { label: string; op: string; value: string }[][]): string[] | null {
  if (matchers.length === 0) return null;
  const names: string[] = [];
  for (const alternative of matchers) {
    const m = alternative.find((x) => x.label === "alertname" && x.op === "=");
    if (!m) return null;
    names.push(m.value);
  }
  return names;
}

/** Groups linked by recording-rule names and exact `ALERTS{alertname=...}` selectors (see the top). */
export const linkedGroupUnits: PlacementUnitsFn = (groups) => {
  const recorders = new Map<string, number[]>();
  const alerters = new Map<string, number[]>();
  groups.forEach((g, i) => {
    for (const r of g.rules) {
      if (r.record !== undefined) addTo(recorders, r.record, i);
      if (r.alert !== undefined) addTo(alerters, r.alert, i);
    }
  });
  const uf = new UnionFind(groups.length);
  groups.forEach((g, i) => {
    // Graphite and LogsQL expressions do not select Prometheus series by name.
    if (g.type !== "prometheus") return;
    for (const r of g.rules) {
      const words = r.expr.match(WORD) ?? [];
      if (!words.some((w) => recorders.has(w) || ALERT_SERIES.has(w))) continue;
      let tree: ReturnType<typeof parse>;
      try {
        tree = parse(r.expr);
      } catch {
        continue; // -rule.validateExpressions=false lets unparsable expressions through; they link nothing.
      }
      for (const s of selectors(tree)) {
        if (s.metric === undefined) continue;
        for (const j of recorders.get(s.metric) ?? []) uf.union(i, j);
        if (ALERT_SERIES.has(s.metric)) {
          for (const name of pinnedAlertNames(s.matchers) ?? []) {
            for (const j of alerters.get(name) ?? []) uf.union(i, j);
          }
        }
      }
    }
  });
  const byRoot = new Map<number, GroupRef[]>();
  groups.forEach((g, i) => {
    const root = uf.find(i);
    const refs = byRoot.get(root);
    const ref = { file: g.file, name: g.name };
    if (refs) refs.push(ref);
    else byRoot.set(root, [ref]);
  });
  const units: PlacementUnit[] = [];
  for (const refs of byRoot.values()) {
    // The smallest member key names the unit, so it does not depend on the load order.
    const key = refs.map(groupKey).sort()[0] as string;
    units.push({ key, groups: refs });
  }
  return units;
};
