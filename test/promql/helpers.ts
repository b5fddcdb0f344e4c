// Builds a store from promtool-style input lines (`series values`, samples `interval` apart from 0) and
// evaluates instant queries on it, for the evaluator's unit tests.
import { PromqlEngine, SeriesStore } from "../../src/promql/index.js";
import { expandValues, parseSeries } from "../../src/unittest/notation.js";

export interface Loaded {
  store: SeriesStore;
  engine: PromqlEngine;
  /** `expr` at `at` (e.g. "5m", "90s" or ms) as `labels value` lines, sorted. */
  q(expr: string, at: string | number): string[];
}

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function ms(at: string | number): number {
  if (typeof at === "number") return at;
  let total = 0;
  for (const m of at.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT[m[2]];
  return total;
}

export function fmtLabels(l: Record<string, string>): string {
  const name = l.__name__ ?? "";
  const rest = Object.keys(l)
    .filter((k) => k !== "__name__")
    .sort()
    .map((k) => `${k}="${l[k]}"`)
    .join(",");
  return rest ? `${name}{${rest}}` : name || "{}";
}

export function load(
  lines: string,
  interval: string | number = "1m",
  opts: { subqueryStep?: number; sortedMatchers?: boolean } = {},
): Loaded {
  const store = new SeriesStore();
  const step = ms(interval);
  for (const raw of lines.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const sp = line.search(/\s(?=[^}]*$)/);
    const labels = parseSeries(line.slice(0, sp));
    const points = expandValues(line.slice(sp + 1));
    points.forEach((p, i) => {
      if (p === null) return;
      if (p === "stale") store.add(labels, i * step, Number.NaN, true);
      else store.add(labels, i * step, p);
    });
  }
  const engine = new PromqlEngine(store, {
    subqueryStep: opts.subqueryStep ?? 60_000,
    sortedMatchers: opts.sortedMatchers,
  });
  return {
    store,
    engine,
    q: (expr, at) =>
      engine
        .query(expr, ms(at))
        .map((r) => `${fmtLabels(r.labels)} ${r.value}`)
        .sort(),
  };
}
