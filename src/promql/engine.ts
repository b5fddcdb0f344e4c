// The evaluator behind the rule engine's seams: a Querier that answers instant queries from a
// SeriesStore, a RemoteWriter that appends to it, and the loader's expression validator for PromQL.

import type {
  GroupQuerySettings,
  Metric,
  Querier,
  QuerierFactory,
  QueryOptions,
  QueryResult,
} from "../datasource/types.js";
import { memo } from "../memo.js";
import type { Expr } from "../metricsql/ast.js";
import { MetricsqlSyntaxError, type ParseStats, parse } from "../metricsql/index.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import { Evaluator, type EvaluatorOptions } from "./eval.js";
import type { SeriesStore } from "./store.js";
import { checkPromql } from "./typecheck.js";
import { type Labels, PromqlError, type ValueType } from "./types.js";

export interface CompiledQuery {
  tree: Expr;
  type: ValueType;
}

/** Parses and checks `expr` as PromQL; throws PromqlError (with the offset) or MetricsqlSyntaxError. */
export function compilePromql(expr: string): CompiledQuery {
  const stats: ParseStats = { steps: 0 };
  const tree = parse(expr, stats);
  if (stats.usedTemplates) {
    // MetricsQL's built-in templates read as functions; name them as Prometheus would.
    const builtin = /\b(ru|ttf|range_median|alias)\s*\(/.exec(expr);
    if (builtin && !/\bwith\s*\(/i.test(expr)) {
      throw new PromqlError(`unknown function with name "${builtin[1]}"`, builtin.index);
    }
    throw new PromqlError("WITH templates are MetricsQL, not PromQL (promtool would reject them)", 0);
  }
  return { tree, type: checkPromql(tree, expr) };
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return { line, col };
}

/** The loader's hook (Validators.expr) for PromQL: null when valid, else the message and position. */
export function validatePromql(expr: string): { message: string; line: number; col: number } | null {
  if (expr.trim() === "") return { message: "expression is empty", line: 1, col: 1 };
  try {
    compilePromql(expr);
    return null;
  } catch (err) {
    if (err instanceof MetricsqlSyntaxError) return { message: err.reason, line: err.line, col: err.col };
    if (err instanceof PromqlError) return { message: err.message, ...lineCol(expr, err.pos ?? 0) };
    throw err;
  }
}

/** Bound on cached compiled expressions (rule files and tests hold a few hundred at most). */
const MAX_CACHED = 10_000;

/** Instant queries against the store, answered as a Prometheus query API would (scalars as one sample). */
export class PromqlEngine {
  private readonly evaluator: Evaluator;
  private readonly cache = new Map<string, CompiledQuery>();

  constructor(store: SeriesStore, opts: EvaluatorOptions) {
    this.evaluator = new Evaluator(store, opts);
  }

  compile(expr: string): CompiledQuery {
    return memo(this.cache, expr, MAX_CACHED, () => compilePromql(expr));
  }

  /** The result at `time` (ms) as labelled samples; throws PromqlError for a range or string result. */
  query(expr: string, time: number): { labels: Labels; value: number }[] {
    const c = this.compile(expr);
    const v = this.evaluator.instant(c.tree, time);
    if (v.type === "vector") return v.samples.map((s) => ({ labels: s.labels, value: s.value }));
    if (v.type === "scalar") return [{ labels: {}, value: v.value }];
    throw new PromqlError(
      `rule result is not a vector or scalar (got a ${v.type === "matrix" ? "range vector" : "string"})`,
    );
  }
}

/** A QuerierFactory over one engine: every group queries the same store. */
export function engineQuerier(engine: PromqlEngine): QuerierFactory & Querier {
  const q: QuerierFactory & Querier = {
    forGroup: (_settings: GroupQuerySettings) => q,
    async query(expr: string, opts: QueryOptions): Promise<QueryResult> {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const rows = engine.query(expr, opts.time);
      const data: Metric[] = rows.map((r) => ({
        labels: { ...r.labels },
        timestamp: opts.time / 1000,
        value: r.value,
      }));
      return { data, seriesFetched: data.length };
    },
  };
  return q;
}

/** A RemoteWriter that appends what the rules write (recording results, ALERTS) to the store at once. */
export function storeWriter(store: SeriesStore): RemoteWriter {
  return {
    push(series) {
      for (const s of series) {
        const labels: Labels = {};
        for (const l of s.labels) labels[l.name] = l.value;
        for (const p of s.samples) store.add(labels, p.timestamp, p.value, p.stale === true);
      }
    },
    async flush() {},
    async close() {},
  };
}
