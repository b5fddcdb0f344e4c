// Everything a datasource querier is built from; the CLI maps `-datasource.*` flags onto this.
import type { ClientOptions } from "../net/types.js";

export interface DatasourceOptions extends ClientOptions {
  /** -datasource.url (or -remoteRead.url for the state restorer). */
  url: string;
  /** -datasource.appendTypePrefix: add `/prometheus`, `/graphite` to the URL by group type. */
  appendTypePrefix?: boolean;
  /** -remoteRead.disablePathAppend: do not append `/api/v1/query` (vmalert applies it to the datasource too). */
  disablePathAppend?: boolean;
  /** -datasource.queryStep, ms (default 5m); 0 uses the group interval. */
  queryStep?: number;
  /** -datasource.disableStepParam: send no `step`. */
  disableStepParam?: boolean;
  /** -datasource.roundDigits: >0 adds `round_digits`. */
  roundDigits?: number;
  /** Adds `nocache=1` (VictoriaMetrics skips its rollup cache), as vmalert's replay does. */
  nocache?: boolean;
  /** [1.79.5] -datasource.lookback, ms: subtracted from the query time. */
  lookback?: number;
  /** [1.79.5] -datasource.queryTimeAlignment: truncate the query time to the group interval. */
  queryTimeAlignment?: boolean;
  /** tsalert -datasource.queryTimeout, ms (default 30s, capped at the group interval); 0 = none. */
  queryTimeout?: number;
  /** tsalert -datasource.maxResponseSize, bytes (default 256 MiB). */
  maxResponseBytes?: number;
  /** -rule.semantics=prometheus: send `time` to the millisecond, as Prometheus evaluates (vmalert: whole seconds). */
  millisecondTime?: boolean;
}

export const DEFAULT_QUERY_STEP_MS = 5 * 60_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
