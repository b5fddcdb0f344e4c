// The shared outbound HTTP client (datasource, notifier, remote write/read). API, kept small and stable:
//
//   const client = createHttpClient(opts: ClientOptions, context?: string)
//     context names the user in errors ("datasource", "notifier http://am:9093").
//   const res = await client.request({ url, method?, headers?, body?, signal?, timeoutMs?, maxBodyBytes?,
//                                      retryOnReset? })
//     -> { status, headers, body: Buffer }. Any HTTP status resolves (callers decide what is an error).
//     Network failures, timeouts, cancellation and oversized bodies reject with HttpRequestError
//     (`kind`: "network" | "timeout" | "aborted" | "too_large"; message names the redacted URL).
//     Header order: auth (basic/bearer/OAuth2), then ClientOptions.headers, then request headers (win).
//   client.authHeaders()  -> the headers the client adds (for callers that build their own requests).
//   client.redact(url)    -> url without credentials unless opts.showURL.
//   client.scrub(text)    -> text (a response body) with every credential and header value tsalert sends
//                            replaced by "<secret>" (src/net/redact.ts owns the rules).
//   await client.close()  -> closes pooled connections.
//
// One undici Agent per client keeps a connection pool per origin: keep-alive with idleConnTimeout,
// at most maxIdleConnections sockets per origin, `connection: close` per request with disableKeepAlive.
import { promises as dnsPromises } from "node:dns";
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { errorMessage, TsalertError } from "../errors.js";
import { type AuthHeaders, createAuth, userinfoAuth } from "./auth.js";
import { type BalancedURL, type Balancer, balancedURL } from "./balance.js";
import { redactURL, registerHeaderSecrets, registerURLSecrets, scrubPeerText, scrubSecrets } from "./redact.js";
import type { ClientOptions, TlsOptions } from "./types.js";

export interface HttpRequest {
  url: string;
  /** Default GET, or POST when a body is given. */
  method?: "GET" | "POST" | "PUT" | "DELETE";
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Abort after this many ms (0/undefined: no timeout of our own). */
  timeoutMs?: number;
  /** Reject with kind "too_large" when the response body exceeds this (default 256 MiB). */
  maxBodyBytes?: number;
  /** Retry once at once when the connection was closed or reset (stale keep-alive sockets), as vmalert. */
  retryOnReset?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type HttpErrorKind = "network" | "timeout" | "aborted" | "too_large";

export class HttpRequestError extends Error {
  readonly kind: HttpErrorKind;
  constructor(kind: HttpErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HttpRequestError";
    this.kind = kind;
  }
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  authHeaders(): Promise<Record<string, string>>;
  redact(url: string): string;
  scrub(text: string): string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** -*.idleConnTimeout default (newest vmalert). */
export const DEFAULT_IDLE_CONN_TIMEOUT_MS = 50_000;

function readTlsFile(path: string, what: string, context: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TsalertError("TSA_FLAG", `${context}: cannot read TLS ${what} "${path}": ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function tlsConnectOptions(tls: TlsOptions | undefined, context: string): Record<string, unknown> {
  if (!tls) return {};
  const out: Record<string, unknown> = {};
  if (tls.caFile) out.ca = readTlsFile(tls.caFile, "CA file", context);
  if (tls.certFile || tls.keyFile) {
    if (!tls.certFile || !tls.keyFile) {
      throw new TsalertError("TSA_FLAG", `${context}: TLS cert file and key file must be set together`);
    }
    out.cert = readTlsFile(tls.certFile, "cert file", context);
    out.key = readTlsFile(tls.keyFile, "key file", context);
  }
  if (tls.serverName) out.servername = tls.serverName;
  if (tls.insecureSkipVerify) out.rejectUnauthorized = false;
  return out;
}

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

function isReset(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && RESET_CODES.has(code);
}

async function readBody(body: AsyncIterable<Uint8Array> & { destroy(): void }, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** Creates a client; throws TsalertError("TSA_FLAG") for unreadable TLS files or conflicting auth. */
export function createHttpClient(opts: ClientOptions, context = "http client"): HttpClient {
  // Go's 0 means "no idle timeout"; undici needs a number, so 0 becomes a long one.
  const idle =
    opts.idleConnTimeout === undefined
      ? DEFAULT_IDLE_CONN_TIMEOUT_MS
      : opts.idleConnTimeout > 0
        ? opts.idleConnTimeout
        : 3_600_000;
  const agent = new Agent({
    keepAliveTimeout: idle,
    keepAliveMaxTimeout: idle,
    connections: opts.maxIdleConnections && opts.maxIdleConnections > 0 ? opts.maxIdleConnections : null,
    connect: tlsConnectOptions(opts.tls, context),
  });
  const auth: AuthHeaders = createAuth(opts, agent, context);
  const extra = opts.headers ?? {};
  const redact = (url: string) => redactURL(url, opts.showURL);
  registerHeaderSecrets(extra);

  async function once(req: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    // Case-insensitive merge: a later "content-type" replaces an earlier "Content-Type".
    const authHeaders = await auth();
    for (const src of [authHeaders, extra, req.headers]) {
      if (src) for (const [k, v] of Object.entries(src)) headers[k.toLowerCase()] = v;
    }
    // Like Go's client: userinfo in the URL is basic auth unless an Authorization header is set.
    const userinfo = userinfoAuth(req.url).authorization;
    if (userinfo && headers.authorization === undefined) headers.authorization = userinfo;
    // What is sent may be echoed back: known before the answer arrives. Re-registering keeps rotated
    // tokens and per-group headers among the newest (the run-time set is bounded).
    registerHeaderSecrets(headers);
    if (!opts.showURL) registerURLSecrets(req.url);
    const res = await request(req.url, {
      method: req.method ?? (req.body === undefined ? "GET" : "POST"),
      headers,
      body: req.body,
      signal,
      dispatcher: agent,
      reset: opts.disableKeepAlive === true,
    });
    const max = req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const body = await readBody(res.body, max);
    if (body === null) {
      throw new HttpRequestError(
        "too_large",
        `response from ${redact(req.url)} is larger than ${max} bytes; raise the response size limit or narrow the query`,
      );
    }
    return { status: res.statusCode, headers: res.headers, body };
  }

  const balancers = new Map<string, Balancer>();
  const resolver = opts.resolver ?? new dnsPromises.Resolver();

  /** A `dns+` / `srv+` URL: each attempt goes to the least-loaded address; network failures move on. */
  async function sendBalanced(req: HttpRequest, url: URL, lb: BalancedURL): Promise<HttpResponse> {
    let last: HttpRequestError | undefined;
    const attempts = await lb.balancer.attempts();
    for (let i = 0; i < attempts; i++) {
      const b = await lb.balancer.pick().catch((err: Error) => {
        throw new HttpRequestError("network", `request to ${redact(req.url)}: ${err.message}`);
      });
      const target = new URL(url);
      target.host = b.addr;
      try {
        return await sendOne({ ...req, url: target.toString(), headers: { ...req.headers, host: lb.host } });
      } catch (err) {
        if (!(err instanceof HttpRequestError) || err.kind !== "network") throw err;
        lb.balancer.markBroken(b);
        last = err;
      } finally {
        lb.balancer.release(b);
      }
    }
    throw new HttpRequestError(
      "network",
      `all ${attempts} backend(s) of ${redact(req.url)} are unavailable: ${last?.message ?? "no answer"}`,
      { cause: last },
    );
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    if (/^https?:\/\/(dns|srv)\+/i.test(req.url)) {
      const url = new URL(req.url);
      const lb = balancedURL(url, balancers, resolver, opts.enableTCP6 === true);
      if (lb) return sendBalanced(req, url, lb);
    }
    return sendOne(req);
  }

  async function sendOne(req: HttpRequest): Promise<HttpResponse> {
    const outer = req.signal;
    if (outer?.aborted) throw new HttpRequestError("aborted", `request to ${redact(req.url)} cancelled`);
    let signal = outer;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    let unlink: (() => void) | undefined;
    if (req.timeoutMs && req.timeoutMs > 0) {
      const ctl = new AbortController();
      timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, req.timeoutMs);
      if (outer) {
        const onAbort = () => ctl.abort();
        outer.addEventListener("abort", onAbort, { once: true });
        unlink = () => outer.removeEventListener("abort", onAbort);
      }
      signal = ctl.signal;
    }
    try {
      try {
        return await once(req, signal);
      } catch (err) {
        if (req.retryOnReset && !signal?.aborted && isReset(err)) return await once(req, signal);
        throw err;
      }
    } catch (err) {
      if (err instanceof HttpRequestError) throw err;
      if (timedOut) {
        throw new HttpRequestError("timeout", `request to ${redact(req.url)} timed out after ${req.timeoutMs}ms`, {
          cause: err,
        });
      }
      if (outer?.aborted) {
        throw new HttpRequestError("aborted", `request to ${redact(req.url)} cancelled`, { cause: err });
      }
      const msg = errorMessage(err) || String(err);
      throw new HttpRequestError(
        "network",
        `cannot send request to ${redact(req.url)}: ${scrubSecrets(redactText(msg, req.url, redact))}`,
        {
          cause: err,
        },
      );
    } finally {
      if (timer) clearTimeout(timer);
      unlink?.();
    }
  }

  return {
    request: send,
    authHeaders: auth,
    redact,
    scrub: scrubPeerText,
    close: () => agent.close(),
  };
}

/** Network error messages may quote the raw URL; keep credentials out of them too. */
function redactText(msg: string, url: string, redact: (u: string) => string): string {
  const safe = redact(url);
  return safe === url ? msg : msg.split(url).join(safe);
}
