// A querier that answers from a table, for tests of code that needs a datasource (no HTTP).
import type { GroupQuerySettings, Metric, Querier, QuerierFactory, QueryOptions, QueryResult } from "./types.js";

export type FakeAnswer = Metric[] | QueryResult | Error | ((expr: string, opts: QueryOptions) => Promise<QueryResult>);

export class FakeQuerier implements Querier, QuerierFactory {
  private readonly table = new Map<string, FakeAnswer>();
  /** Every query received, in order. */
  readonly calls: { expr: string; time: number }[] = [];
  /** Every group the factory was asked for. */
  readonly groups: GroupQuerySettings[] = [];

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
    if (opts.signal?.aborted) throw opts.signal.reason;
    const a = this.table.get(expr) ?? [];
    if (a instanceof Error) throw a;
    if (typeof a === "function") return a(expr, opts);
    if (Array.isArray(a)) {
      return { data: a.map((m) => ({ ...m, labels: { ...m.labels } })), seriesFetched: a.length };
    }
    return { ...a, data: a.data.map((m) => ({ ...m, labels: { ...m.labels } })) };
  }
}
