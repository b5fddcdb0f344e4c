// tsalert's HTTP server: JSON API, web UI, /metrics, /flags, /-/reload and health routes on
// node:http. The request path, in order: method and path checks, authentication from the request line
// and headers (./auth.ts), the engine-started gate, the form body if any (./body.ts), the route
// (./routes.ts), the answer (./respond.ts). Sockets, limits and shutdown are ./listeners.ts. No answer
// carries a stack trace: unexpected errors are logged and answered with a bare 500.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { collectDefaultMetrics, type Registry } from "prom-client";
import { counter, registry as defaultRegistry } from "../metrics.js";
import type { EngineView } from "../rule/api.js";
import { type AuthPolicy, authorize, keyOK, MAX_KEY_FORM_BYTES, OPEN_PATHS } from "./auth.js";
import { BodyBudget, ClientGone, MAX_BODY_BYTES_IN_FLIGHT, MAX_FORM_BYTES, readForm } from "./body.js";
import { type ListenAddr, parseListenAddr } from "./listen.js";
import {
  DEFAULT_MAX_CONNECTIONS,
  HEADERS_TIMEOUT_MS,
  isClientGone,
  REQUEST_TIMEOUT_MS,
  startListeners,
  type TlsListenOptions,
} from "./listeners.js";
import { BadRequest } from "./params.js";
import { jsonError, type Reply, redirect, text } from "./reply.js";
import { createResponder } from "./respond.js";
import { createRouter, ENGINE_FREE_PATHS, type RouteHooks } from "./routes.js";

export type { TlsListenOptions } from "./listeners.js";

export interface HttpServerOptions {
  /** `-httpListenAddr` values; default `[":8880"]`. Port 0 picks a free port (tests). */
  listenAddrs?: string[];
  /** `-http.pathPrefix` */
  pathPrefix?: string;
  /** `-httpAuth.username` / `-httpAuth.password` */
  username?: string;
  password?: string;
  metricsAuthKey?: string;
  flagsAuthKey?: string;
  reloadAuthKey?: string;
  /** `-http.shutdownDelay` in ms: /health answers 503 for this long before the listeners close. */
  shutdownDelayMs?: number;
  /** `-http.maxGracefulShutdownDuration` in ms (default 7000): then open connections are cut. */
  maxGracefulShutdownMs?: number;
  /** `-http.idleConnTimeout` in ms (default 60000). */
  idleConnTimeoutMs?: number;
  /** `-http.connTimeout` in ms (default 120000; 0 = off): a connection older than this is closed after its
   * current response, so clients behind a load balancer spread over all instances again. */
  connTimeoutMs?: number;
  /** `-http.maxConcurrentConnections` per listen address (default 1000): more are closed at once. */
  maxConcurrentConnections?: number;
  /** Time to send the request line and headers (default 5 s), and the whole request (default 30 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Form body bytes held at once across connections (default 16 MiB). */
  maxBodyBytesInFlight?: number;
  disableResponseCompression?: boolean;
  disableCORS?: boolean;
  /** `-http.disableKeepAlive`: close each connection after its response. */
  disableKeepAlive?: boolean;
  /** `-http.header.csp`, `.hsts`, `.frameOptions`: added to every response when set; `X-Server-Hostname`
   * goes out unless `disableServerHostname` (`-http.header.disableServerHostname`). */
  headers?: { csp?: string; hsts?: string; frameOptions?: string; disableServerHostname?: boolean };
  /** `-tls`, `-tlsCertFile`, `-tlsKeyFile`, `-tlsMinVersion` per listen address (same index; a single item
   * applies to all; undefined = plain HTTP). */
  tls?: (TlsListenOptions | undefined)[];
  /** -httpListenAddr.useProxyProtocol per listen address (same index; one item applies to all). */
  proxyProtocol?: boolean[];
  enableTCP6?: boolean;
  /** Link to the rule's query in vmui (from -external.url or the datasource URL); undefined = no link. */
  vmuiURL?: (expr: string) => string | undefined;
  /** Defaults to the registry of src/metrics.ts. */
  registry?: Registry;
  /** -metrics.exposeMetadata: /metrics keeps `# HELP` / `# TYPE` lines (vmalert leaves them out). */
  exposeMetadata?: boolean;
  /** Adds prom-client's process_* and nodejs_* metrics to the registry once (default true). */
  processMetrics?: boolean;
  /**
   * Listen before the engine runs: until `engineStarted()`, /health and every route that reads the engine
   * answer 503 (default false: served at once).
   */
  waitForEngine?: boolean;
}

export type HttpHooks = RouteHooks;

export interface HttpServer {
  /** Local URLs of the listeners, in `-httpListenAddr` order (`http://127.0.0.1:8880`). */
  urls: string[];
  addresses: ListenAddr[];
  /** With `waitForEngine`: the engine runs, serve every route. */
  engineStarted(): void;
  /** Graceful shutdown: /health 503 for the shutdown delay, then stop accepting and drain. Idempotent. */
  close(): Promise<void>;
}

const requestsTotal = counter("vmalert_http_requests_total", "HTTP requests served, by route", ["path"]);
const requestErrorsTotal = counter("vmalert_http_request_errors_total", "HTTP requests answered with 5xx", ["path"]);

/** Request targets as logged: the `authKey` argument is a credential. */
export function redactTarget(target: string | undefined): string {
  return (target ?? "").replace(/([?&]authKey=)[^&]*/gi, "$1secret");
}

function normalizePrefix(p: string | undefined): string {
  if (!p) return "";
  let out = p.startsWith("/") ? p : `/${p}`;
  while (out.endsWith("/")) out = out.slice(0, -1);
  return out;
}

/** Splits the raw request target without URL-parsing it as a host (`//x` stays a path). */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const i = target.indexOf("?");
  const rawPath = i < 0 ? target : target.slice(0, i);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new BadRequest(`cannot decode path ${JSON.stringify(rawPath)}`);
  }
  return { path, query: new URLSearchParams(i < 0 ? "" : target.slice(i + 1)) };
}

const KNOWN_METRIC_PATHS = new Set([
  "/api/v1/rules",
  "/api/v1/alerts",
  "/api/v1/notifiers",
  "/api/v1/alert",
  "/api/v1/rule",
  "/api/v1/group",
  "/vmalert/groups",
  "/vmalert/rules",
  "/vmalert/alerts",
  "/vmalert/notifiers",
  "/vmalert/rule",
  "/vmalert/alert",
  "/metrics",
  "/-/reload",
]);

function metricPath(path: string): string {
  const p = path.startsWith("/vmalert/api/") ? path.slice("/vmalert".length) : path;
  return KNOWN_METRIC_PATHS.has(p) ? p : "other";
}

const unauthorized = (): Reply => text(401, "Unauthorized", { "WWW-Authenticate": 'Basic realm="tsalert"' });

/** An error answer in the route's style: JSON on the API routes, text elsewhere. */
function errorReply(path: string, status: number, message: string): Reply {
  return /\/api\/v1\//.test(path) ? jsonError(status, message) : text(status, message);
}

export async function createHttpServer(
  opts: HttpServerOptions,
  view: EngineView,
  hooks: HttpHooks,
  logger: Logger,
): Promise<HttpServer> {
  const addrs = (opts.listenAddrs && opts.listenAddrs.length > 0 ? opts.listenAddrs : [":8880"]).map((a) =>
    parseListenAddr(a, opts.enableTCP6),
  );
  const prefix = normalizePrefix(opts.pathPrefix);
  const policy: AuthPolicy = {
    username: opts.username,
    password: opts.password,
    keys: { "/metrics": opts.metricsAuthKey, "/flags": opts.flagsAuthKey, "/-/reload": opts.reloadAuthKey },
  };
  const reg = opts.registry ?? defaultRegistry;
  if ((opts.processMetrics ?? true) && !reg.getSingleMetric("process_cpu_user_seconds_total")) {
    collectDefaultMetrics({ register: reg });
  }
  const budget = new BodyBudget(opts.maxBodyBytesInFlight ?? MAX_BODY_BYTES_IN_FLIGHT);
  let shuttingDown = false;
  let engineRunning = !opts.waitForEngine;
  const answering = new WeakSet<Socket>();

  const route = createRouter({
    view,
    hooks,
    registry: reg,
    exposeMetadata: opts.exposeMetadata ?? false,
    logger,
    prefix,
    vmuiURL: opts.vmuiURL,
    healthy: () => engineRunning && !shuttingDown,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<Reply> {
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return { status: 204, headers: {}, body: "" };
    if (method !== "GET" && method !== "HEAD" && method !== "POST") {
      return text(405, `method ${method} not allowed`, { Allow: "GET, HEAD, POST, OPTIONS" });
    }
    const target = splitTarget(req.url ?? "/");
    let path = target.path;
    if (prefix) {
      if (path === prefix) return redirect(`${prefix}/`);
      if (!path.startsWith(`${prefix}/`)) {
        return text(
          400,
          `missing -http.pathPrefix=${JSON.stringify(prefix)} in the requested path ${JSON.stringify(path)}`,
        );
      }
      path = path.slice(prefix.length);
    }
    const q = target.query;
    const decision = authorize(req, path, q, policy);
    if (decision === "denied") return unauthorized();
    if (!engineRunning && !ENGINE_FREE_PATHS.has(path) && path !== "/health") {
      return errorReply(path, 503, "tsalert is starting: the rules are not running yet");
    }
    if (decision !== "open") {
      // The client may send its body now (it waited for this with Expect: 100-continue).
      if (req.headers.expect?.toLowerCase() === "100-continue") res.writeContinue();
      const form = await readForm(req, decision === "keyInForm" ? MAX_KEY_FORM_BYTES : MAX_FORM_BYTES, budget);
      if (form) for (const [k, v] of form) q.append(k, v);
      if (decision === "keyInForm" && !keyOK(path, q, policy)) return unauthorized();
    }
    const reply = await route(path, q);
    if (!OPEN_PATHS.has(path)) requestsTotal.inc({ path: metricPath(path) });
    if (reply.status >= 500) requestErrorsTotal.inc({ path: metricPath(path) });
    return reply;
  }

  let listeners: Awaited<ReturnType<typeof startListeners>> | undefined;
  const send = createResponder(opts, {
    shuttingDown: () => shuttingDown,
    expired: (s) => listeners?.expired(s) ?? false,
    answering,
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // A client gone mid-answer is the client's business: no 'error' left unhandled, nothing logged.
    res.on("error", () => {});
    handle(req, res)
      .catch((err: unknown): Reply | undefined => {
        if (err instanceof ClientGone || isClientGone(err) || req.socket.destroyed) return undefined;
        if (err instanceof BadRequest) return errorReply((req.url ?? "").split("?")[0], err.status, err.message);
        logger.error({ err, method: req.method, url: redactTarget(req.url) }, "HTTP handler failed");
        return text(500, "internal error");
      })
      .then((reply) => (reply ? send(req, res, reply) : undefined))
      .catch((err: unknown) => {
        if (!isClientGone(err)) logger.error({ err, url: redactTarget(req.url) }, "cannot write HTTP response");
        res.destroy();
      });
  };

  listeners = await startListeners(
    {
      addrs,
      tls: opts.tls,
      proxyProtocol: opts.proxyProtocol,
      maxConnections: opts.maxConcurrentConnections ?? DEFAULT_MAX_CONNECTIONS,
      headersTimeoutMs: opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      requestTimeoutMs: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      idleConnTimeoutMs: opts.idleConnTimeoutMs ?? 60_000,
      connTimeoutMs: opts.connTimeoutMs ?? 120_000,
      maxGracefulShutdownMs: opts.maxGracefulShutdownMs ?? 7000,
      pathPrefix: prefix,
    },
    onRequest,
    answering,
    logger,
  );
  const started = listeners;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      const delay = opts.shutdownDelayMs ?? 0;
      if (delay > 0) {
        logger.info({ delayMs: delay }, "HTTP server: /health answers 503 before the listeners close");
        await new Promise((r) => setTimeout(r, delay));
      }
      await started.close();
    })();
    return closing;
  };

  return {
    urls: started.urls,
    addresses: started.bound,
    engineStarted: () => {
      engineRunning = true;
    },
    close,
  };
}
