// The querier fake, beside the querier it stands in for (as vmalert keeps datasource/faker.go): answers from
// a table by expression, records what it was asked. Every test of code that needs a datasource uses it.
import type { GroupQuerySettings, Metric, Querier, QuerierFactory, QueryOptions, QueryResult } from "./types.js";

export type FakeAnswer =
  | Metric[]
  | QueryResult
  | Error
  | ((expr: string, opts: QueryOptions) => Promise<QueryResult | Metric[]> | QueryResult | Metric[]);

export class FakeQuerier implements Querier, QuerierFactory {
  private readonly table = new Map<string, FakeAnswer>();
  /** Every query received, in order. */
  readonly calls: { expr: string; time: number }[] = [];
  /** Every group the factory was asked for. */
  readonly groups: GroupQuerySettings[] = [];
  /** When set, gets `query <expr>` per query: shared with the writer fake, it shows the order of events. */
  log?: string[];

  constructor(answers: Record<string, FakeAnswer> = {}) {
    for (const [k, v] of Object.entries(answers)) this.table.set(k, v);
  }

  /** What `expr` returns from now on; unknown expressions return no series. */
  set(expr: string, answer: FakeAnswer): this {
    this.table.set(expr, answer);
    return this;
  }

  forGroup(settings: GroupQuerySettings): Querier {
    this.groups.push(settings);
    return this;
  }

  async query(expr: string, opts: QueryOptions): Promise<QueryResult> {
    this.calls.push({ expr, time: opts.time });
    this.log?.push(`query ${expr}`);
    if (opts.signal?.aborted) throw opts.signal.reason;
    const a = this.table.get(expr) ?? [];
    if (a instanceof Error) throw a;
    if (typeof a === "function") {
      const r = await a(expr, opts);
      return Array.isArray(r) ? { data: r, seriesFetched: null } : r;
    }
    if (Array.isArray(a)) {
      return { data: a.map((m) => ({ ...m, labels: { ...m.labels } })), seriesFetched: a.length };
    }
    return { ...a, data: a.data.map((m) => ({ ...m, labels: { ...m.labels } })) };
  }
}

/** A series for an answer. */
export function fakeSeries(labels: Record<string, string>, value = 1, timestamp = 0): Metric {
  return { labels, value, timestamp };
}
