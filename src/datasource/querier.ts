// The datasource client: one pooled HTTP client per datasource URL, one Querier per group.
import { errorMessage, TsalertError } from "../errors.js";
import { fmtDuration } from "../gotime.js";
import { createHttpClient, type HttpClient, HttpRequestError } from "../net/client.js";
import { parseHeaderList } from "../net/headers.js";
import { peerSnippet, redactURL, SECRET_REPLACEMENT } from "../net/redact.js";
import { toCurl } from "./curl.js";
import { type DatasourceOptions, DEFAULT_QUERY_TIMEOUT_MS } from "./options.js";
import { parseGraphite, parsePrometheus, parseVlogs } from "./parse.js";
import { buildRangeURL, parseMatrix } from "./range.js";
import { buildURL, type GroupRequestPlan, planGroup, queryTime } from "./request.js";
import type {
  GroupQuerySettings,
  Querier,
  QuerierFactory,
  QueryOptions,
  QueryResult,
  RangeQueryOptions,
  RangeQueryResult,
} from "./types.js";

export interface ClosableQuerierFactory extends QuerierFactory {
  /** Closes pooled connections; queriers must not be used afterwards. */
  close(): Promise<void>;
}

const MAX_ERROR_BODY = 4096;

/** A failed query; `curl` is the request, so a failed evaluation's history entry can show it too. */
export class DatasourceError extends TsalertError {
  readonly curl: string;
  /** HTTP status of a non-200 answer (replay does not retry 400/422). */
  readonly status?: number;
  constructor(message: string, curl: string, options?: { cause?: unknown; status?: number }) {
    super("TSA_DATASOURCE", message, options);
    this.curl = curl;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** The curl command of a failed query, "" when the error did not come from a datasource request. */
export function curlOf(err: unknown): string {
  return err instanceof DatasourceError ? err.curl : "";
}

/** Configured header values are shown as "<secret>", whatever the header's name (they may be credentials). */
function masked(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(headers ?? {})) out[k] = SECRET_REPLACEMENT;
  return out;
}

/** An error about a peer's answer: its text may quote the request (credentials) and is peer-sized. */
function answerError(err: unknown): string {
  return peerSnippet(errorMessage(err), MAX_ERROR_BODY);
}

function hasAuth(o: DatasourceOptions): boolean {
  const b = o.basicAuth;
  return Boolean(
    (b && (b.username || b.usernameFile || b.password || b.passwordFile)) ||
      o.bearerToken ||
      o.bearerTokenFile ||
      o.oauth2,
  );
}

function effectiveTimeout(opts: DatasourceOptions, intervalMs: number): number {
  const t = opts.queryTimeout ?? DEFAULT_QUERY_TIMEOUT_MS;
  if (t <= 0) return 0;
  return intervalMs > 0 ? Math.min(t, intervalMs) : t;
}

class GroupQuerier implements Querier {
  private readonly headers: Record<string, string>;
  private readonly curlHeaders: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: HttpClient,
    private readonly opts: DatasourceOptions,
    private readonly plan: GroupRequestPlan,
    settings: GroupQuerySettings,
  ) {
    // Group headers win over -datasource.headers, which the client sends first.
    this.headers = { "Content-Type": "application/json", ...parseHeaderList(settings.headers, "group header") };
    this.curlHeaders = {
      "Content-Type": "application/json",
      ...(hasAuth(opts) ? { Authorization: SECRET_REPLACEMENT } : {}),
      ...masked(opts.headers),
      ...masked(parseHeaderList(settings.headers, "group header")),
    };
    this.timeoutMs = effectiveTimeout(opts, settings.evaluationInterval);
  }

  async query(expr: string, q: QueryOptions): Promise<QueryResult> {
    const url = buildURL(this.plan, expr, queryTime(this.opts, this.plan, q.time));
    const text = await this.fetch(url, q.signal);
    let result: QueryResult;
    try {
      result =
        this.plan.type === "graphite"
          ? parseGraphite(text)
          : this.plan.type === "vlogs"
            ? parseVlogs(text)
            : parsePrometheus(text);
    } catch (err) {
      throw new DatasourceError(
        `error parsing response from ${this.client.redact(url)}: ${answerError(err)}`,
        this.curlOf(url),
        { cause: err },
      );
    }
    return result;
  }

  curl(expr: string, at: number): string {
    return this.curlOf(buildURL(this.plan, expr, queryTime(this.opts, this.plan, at)));
  }

  /** Made only when shown (history, errors): not for every request. */
  private curlOf(url: string): string {
    return toCurl("POST", this.client.redact(url), this.curlHeaders);
  }

  async queryRange(expr: string, r: RangeQueryOptions): Promise<RangeQueryResult> {
    const url = buildRangeURL(this.plan, expr, r);
    // A range query covers many points: -datasource.queryTimeout applies, not the group interval cap.
    const text = await this.fetch(url, r.signal, effectiveTimeout(this.opts, 0));
    try {
      const result = parseMatrix(text);
      result.curl = this.curlOf(url);
      return result;
    } catch (err) {
      throw new DatasourceError(
        `error parsing response from ${this.client.redact(url)}: ${answerError(err)}`,
        this.curlOf(url),
        { cause: err },
      );
    }
  }

  private async fetch(url: string, signal?: AbortSignal, timeoutMs = this.timeoutMs): Promise<string> {
    let res: Awaited<ReturnType<HttpClient["request"]>>;
    try {
      res = await this.client.request({
        url,
        method: "POST",
        headers: this.headers,
        signal,
        timeoutMs,
        maxBodyBytes: this.opts.maxResponseBytes,
        retryOnReset: true,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof HttpRequestError && err.kind === "timeout") {
        throw new DatasourceError(
          `query to ${this.client.redact(url)} timed out after ${fmtDuration(timeoutMs)} (-datasource.queryTimeout)`,
          this.curlOf(url),
          { cause: err },
        );
      }
      throw new DatasourceError(errorMessage(err), this.curlOf(url), { cause: err });
    }
    if (res.status !== 200) {
      throw new DatasourceError(
        `unexpected response code ${res.status} for ${this.client.redact(url)}. Response body ${peerSnippet(res.body, MAX_ERROR_BODY)}`,
        this.curlOf(url),
        { status: res.status },
      );
    }
    return res.body.toString("utf8");
  }
}

/** Builds queriers for a datasource; throws TsalertError for a bad URL, unreadable TLS files or bad auth. */
export function createQuerierFactory(opts: DatasourceOptions, context = "datasource"): ClosableQuerierFactory {
  try {
    new URL(opts.url);
  } catch {
    throw new TsalertError("TSA_FLAG", `${context}: invalid URL ${JSON.stringify(redactURL(opts.url, opts.showURL))}`);
  }
  const client = createHttpClient(opts, context);
  return {
    forGroup(settings) {
      return new GroupQuerier(client, opts, planGroup(opts, settings), settings);
    },
    close: () => client.close(),
  };
}
