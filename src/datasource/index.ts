export { type FakeAnswer, FakeQuerier } from "./fake.js";
export { type DatasourceOptions, DEFAULT_QUERY_STEP_MS, DEFAULT_QUERY_TIMEOUT_MS } from "./options.js";
export { type ClosableQuerierFactory, createQuerierFactory, curlOf, DatasourceError } from "./querier.js";
export { buildRangeURL, parseMatrix } from "./range.js";
export { goTruncate, rfc3339Seconds } from "./request.js";
export { parseTenant, type Tenant, tenantLabels, tenantURL } from "./tenant.js";
export type {
  GroupQuerySettings,
  Metric,
  Querier,
  QuerierFactory,
  QueryOptions,
  QueryResult,
  RangeQueryOptions,
  RangeQueryResult,
  RangeSeries,
} from "./types.js";
