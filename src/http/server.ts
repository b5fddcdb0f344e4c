// tsalert's HTTP server: JSON API, web UI, /metrics, /flags, /-/reload and health routes on
// node:http. This module only wires the parts, each with its own job: the request pipeline and its
// error answers (./request.ts: method, -http.pathPrefix, auth (./auth.ts), engine gate, form body
// (./body.ts)), the routes (./routes.ts), the answer on the wire (./respond.ts: CORS, security headers,
// gzip, keep-alive), the sockets and their limits (./listeners.ts, TLS ./tls.ts), and the engine-started
// and shutdown states (./lifecycle.ts).
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { collectDefaultMetrics, type Registry } from "prom-client";
import { registry as defaultRegistry } from "../metrics.js";
import type { EngineView } from "../rule/api.js";
import { BodyBudget, MAX_BODY_BYTES_IN_FLIGHT } from "./body.js";
import { createLifecycle } from "./lifecycle.js";
import { type ListenAddr, parseListenAddr } from "./listen.js";
import {
  DEFAULT_MAX_CONNECTIONS,
  HEADERS_TIMEOUT_MS,
  type Listeners,
  REQUEST_TIMEOUT_MS,
  startListeners,
  type TlsListenOptions,
} from "./listeners.js";
import { createHandle, normalizePrefix, serveRequests } from "./request.js";
import { createResponder } from "./respond.js";
import { createRouter, type RouteHooks } from "./routes.js";

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
  const reg = opts.registry ?? defaultRegistry;
  if ((opts.processMetrics ?? true) && !reg.getSingleMetric("process_cpu_user_seconds_total")) {
    collectDefaultMetrics({ register: reg });
  }
  const life = createLifecycle({
    waitForEngine: opts.waitForEngine ?? false,
    shutdownDelayMs: opts.shutdownDelayMs ?? 0,
    logger,
  });
  const handle = createHandle({
    prefix,
    policy: {
      username: opts.username,
      password: opts.password,
      keys: { "/metrics": opts.metricsAuthKey, "/flags": opts.flagsAuthKey, "/-/reload": opts.reloadAuthKey },
    },
    budget: new BodyBudget(opts.maxBodyBytesInFlight ?? MAX_BODY_BYTES_IN_FLIGHT),
    route: createRouter({
      view,
      hooks,
      registry: reg,
      exposeMetadata: opts.exposeMetadata ?? false,
      logger,
      prefix,
      vmuiURL: opts.vmuiURL,
      healthy: life.healthy,
    }),
    engineRunning: life.engineRunning,
  });

  const answering = new WeakSet<Socket>();
  let listeners: Listeners | undefined;
  const send = createResponder(opts, {
    shuttingDown: life.shuttingDown,
    expired: (s) => listeners?.expired(s) ?? false,
    answering,
  });
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
    serveRequests(handle, send, logger),
    answering,
    logger,
  );
  const started = listeners;
  return {
    urls: started.urls,
    addresses: started.bound,
    engineStarted: life.engineStarted,
    close: () => life.close(started.close),
  };
}
