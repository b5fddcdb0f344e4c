// Fixture mode (tsalert only): expressions answer from a test's query_results table, no database.
import { FakeQuerier } from "../datasource/fake.js";
import type { Metric, QueryOptions, QueryResult } from "../datasource/types.js";
import type { FixtureResult } from "./testfile.js";

/** Each expression answers with its latest entry at or before the query time. */
export function fixtureQuerier(results: FixtureResult[], start: number): FakeQuerier {
  const byExpr = new Map<string, FixtureResult[]>();
  for (const r of results) {
    const list = byExpr.get(r.expr.trim()) ?? [];
    list.push(r);
    byExpr.set(r.expr.trim(), list);
  }
  const fake = new FakeQuerier();
  for (const [expr, list] of byExpr) {
    const sorted = [...list].sort((a, b) => a.evalTime - b.evalTime);
    fake.set(expr, async (_e: string, q: QueryOptions): Promise<QueryResult> => {
      let hit: FixtureResult | undefined;
      for (const r of sorted) if (start + r.evalTime <= q.time) hit = r;
      const data: Metric[] = (hit?.result ?? []).map((s) => ({
        labels: { ...s.labels },
        timestamp: q.time / 1000,
        value: s.value,
      }));
      return { data, seriesFetched: data.length };
    });
  }
  return fake;
}
