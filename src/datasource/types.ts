// The querier seam: rules ask for instant query results, nothing else about HTTP leaks out.

export interface Metric {
  labels: Record<string, string>;
  /** Unix seconds as returned by the datasource. */
  timestamp: number;
  value: number;
}

export interface QueryResult {
  data: Metric[];
  /** VictoriaMetrics' isPartial. */
  isPartial?: boolean;
  /** VictoriaMetrics' stats.seriesFetched, null when the datasource does not report it. */
  seriesFetched: number | null;
}

export interface QueryOptions {
  /** Evaluation timestamp, ms. */
  time: number;
  signal?: AbortSignal;
}

export interface RangeQueryOptions {
  /** ms, inclusive */
  start: number;
  /** ms, inclusive */
  end: number;
  /** ms between points */
  step: number;
  signal?: AbortSignal;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** Ascending by timestamp (ms). */
  points: { timestamp: number; value: number }[];
}

export interface RangeQueryResult {
  data: RangeSeries[];
  /** The request as a curl command, credentials redacted unless -datasource.showURL. */
  curl?: string;
}

export interface Querier {
  query(expr: string, opts: QueryOptions): Promise<QueryResult>;
  /**
   * The instant query of `expr` at `timeMs` as a curl command, credentials redacted unless
   * -datasource.showURL (rule history). Made when shown: rules keep only the query time.
   */
  curl?(expr: string, timeMs: number): string;
  /**
   * `/api/v1/query_range` (replay). Optional so other queriers (fakes, tests) need not implement it;
   * the HTTP querier of createQuerierFactory does, for prometheus-type groups.
   */
  queryRange?(expr: string, opts: RangeQueryOptions): Promise<RangeQueryResult>;
}

/** Per-group settings a querier is built for. */
export interface GroupQuerySettings {
  type: "prometheus" | "graphite" | "vlogs";
  /** Group interval ms: default `step` when -datasource.queryStep is 0. */
  evaluationInterval: number;
  params: Record<string, string[]>;
  /** "Name: value" strings. */
  headers: string[];
  /** -clusterMode tenant, "accountID[:projectID]". */
  tenant?: string;
}

export interface QuerierFactory {
  forGroup(settings: GroupQuerySettings): Querier;
}
