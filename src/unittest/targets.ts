// The query engine one test runs on, behind the rule engine's seams (QuerierFactory, RemoteWriter): the
// in-process PromQL evaluator (promtool dialect), a real VictoriaMetrics (vmalert-tool dialect) or the
// fixture table (query_results). Times here are the test's own (ms since the epoch, or start_timestamp).
import { createQuerierFactory } from "../datasource/querier.js";
import type { Metric, Querier, QuerierFactory, QueryOptions } from "../datasource/types.js";
import { engineQuerier, PromqlEngine, SeriesStore, storeWriter } from "../promql/index.js";
import { createMemoryWriter } from "../remotewrite/memory.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import type { Backend } from "./backend.js";
import { inputToSeries } from "./backend.js";
import { fixtureQuerier } from "./fixture.js";
import type { TestGroup } from "./testfile.js";
import { shiftExpr } from "./timeshift.js";

export interface TestTarget {
  querierFactory: QuerierFactory;
  writer: RemoteWriter;
  /** Instant query for an expression test; null when the target has no database (fixture mode). */
  query: ((expr: string, time: number) => Promise<Metric[]>) | null;
  /** Problems with the input the expectations should be read with (e.g. samples the database drops). */
  notes: string[];
  close(): Promise<void>;
}

/** promtool dialect: Prometheus semantics, in process; input and rule results share one store. */
export function promqlTarget(test: TestGroup, evaluationInterval: number): TestTarget {
  const store = new SeriesStore();
  for (const s of test.inputSeries) {
    s.points.forEach((p, i) => {
      if (p === null) return;
      const ts = test.startTime + i * test.interval;
      if (p === "stale") store.add(s.labels, ts, Number.NaN, true);
      else store.add(s.labels, ts, p);
    });
  }
  const opts = { subqueryStep: evaluationInterval };
  // Prometheus evaluates a rule from its expression's printed form (matchers sorted); a test's
  // expression is evaluated as written.
  const rules = new PromqlEngine(store, { ...opts, sortedMatchers: true });
  const exprs = new PromqlEngine(store, opts);
  return {
    querierFactory: engineQuerier(rules),
    writer: storeWriter(store),
    query: async (expr, time) =>
      exprs.query(expr, time).map((r) => ({ labels: { ...r.labels }, timestamp: time / 1000, value: r.value })),
    notes: [],
    close: async () => {},
  };
}

/**
 * Where tests live in VictoriaMetrics: 1970-01-03T00:00:00Z, the first midnight whose previous day
 * VictoriaMetrics 1.79 can index (its day 0 is not searchable). Queries are translated by timeshift.ts.
 */
export const VM_STORAGE_SHIFT_MS = 2 * 86_400_000;

/** VictoriaMetrics refuses samples further ahead of its clock than this. */
const MAX_FUTURE_MS = 2 * 86_400_000;

function shiftedQuerier(inner: Querier, shift: number): Querier {
  return {
    async query(expr: string, opts: QueryOptions) {
      const res = await inner.query(shiftExpr(expr, shift), { ...opts, time: opts.time + shift });
      for (const m of res.data) m.timestamp -= shift / 1000;
      return res;
    },
  };
}

function shiftedWriter(inner: RemoteWriter, shift: number): RemoteWriter {
  return {
    push: (series) =>
      inner.push(
        series.map((s) => ({
          labels: s.labels,
          samples: s.samples.map((p) => ({ ...p, timestamp: p.timestamp + shift })),
        })),
      ),
    flush: (signal) => inner.flush(signal),
    close: (d) => inner.close(d),
  };
}

/** vmalert-tool dialect: MetricsQL on a real VictoriaMetrics, emptied for this test. */
export async function vmTarget(
  test: TestGroup,
  backend: Backend,
  where: (line: number) => string,
): Promise<TestTarget> {
  const shift = VM_STORAGE_SHIFT_MS;
  const zero = test.startTime + shift;
  await backend.reset(zero);
  const notes: string[] = [];
  const lastAt = (points: unknown[]) => zero + (points.length - 1) * test.interval;
  const late = test.inputSeries.find((s) => lastAt(s.points) > Date.now() + MAX_FUTURE_MS);
  if (late) {
    // Those samples are dropped silently; say why the expectations on them fail.
    notes.push(
      `input series at ${where(late.line)} reaches ${new Date(lastAt(late.points) - shift).toISOString()} (test time): VictoriaMetrics drops samples more than 2 days ahead of now`,
    );
  }
  const series = test.inputSeries.map((s) => inputToSeries(s.labels, s.points, zero, test.interval));
  if (series.length > 0) await backend.write(series);
  const qf = createQuerierFactory({ url: backend.url, nocache: true, queryTimeout: 0 }, "unittest datasource");
  return {
    querierFactory: { forGroup: (settings) => shiftedQuerier(qf.forGroup(settings), shift) },
    writer: shiftedWriter(backend.writer, shift),
    query: async (expr, time) => {
      const data = await backend.query(shiftExpr(expr, shift), time + shift);
      for (const m of data) m.timestamp -= shift / 1000;
      return data;
    },
    notes,
    close: () => qf.close(),
  };
}

/** Fixture mode: expressions answer from the test's query_results table, nothing is stored. */
export function fixtureTarget(test: TestGroup): TestTarget {
  return {
    querierFactory: fixtureQuerier(test.queryResults ?? [], test.startTime),
    writer: createMemoryWriter(),
    query: null,
    notes: [],
    close: async () => {},
  };
}
