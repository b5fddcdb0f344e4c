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
  /** The request as a curl command, credentials redacted unless -datasource.showURL. */
  curl?: string;
}

export interface QueryOptions {
  /** Evaluation timestamp, ms. */
  time: number;
  signal?: AbortSignal;
}

export interface Querier {
  query(expr: string, opts: QueryOptions): Promise<QueryResult>;
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
