// tsalert's HTTP server (reference §9): JSON API, web UI, /metrics, /flags, /-/reload and health routes on
// node:http. Every response is built by a handler that cannot leak a stack trace: unexpected errors are
// logged and answered with a bare 500.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { SecureVersion } from "node:tls";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Logger } from "pino";
import { collectDefaultMetrics, type Registry } from "prom-client";
import { TsalertError } from "../errors.js";
import { counter, registry as defaultRegistry, metricsText } from "../metrics.js";
import type { EngineView } from "../rule/api.js";
import { apiRoute } from "./api.js";
import { type AuthConfig, authKeyOK, basicAuthOK } from "./auth.js";
import { type ListenAddr, localURL, parseListenAddr } from "./listen.js";
import { BadRequest } from "./params.js";
import { htmlPage, jsonError, type Reply, redirect, text } from "./reply.js";
import { alertPage } from "./ui/alert.js";
import { alertsPage } from "./ui/alerts.js";
import { groupsPage } from "./ui/groups.js";
import { indexPage, type PageContext } from "./ui/layout.js";
import { notifiersPage } from "./ui/notifiers.js";
import { rulePage } from "./ui/rule.js";
import { STYLE_CSS } from "./ui/style.js";

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
  disableResponseCompression?: boolean;
  disableCORS?: boolean;
  /** `-http.disableKeepAlive`: close each connection after its response. */
  disableKeepAlive?: boolean;
  /** `-http.header.csp`, `.hsts`, `.frameOptions`: added to every response when set. */
  headers?: { csp?: string; hsts?: string; frameOptions?: string };
  /** `-tls`, `-tlsCertFile`, `-tlsKeyFile`, `-tlsMinVersion` per listen address (same index; a single item
   * applies to all; undefined = plain HTTP). */
  tls?: (TlsListenOptions | undefined)[];
  enableTCP6?: boolean;
  /** Link to the rule's query in vmui (from -external.url or the datasource URL); undefined = no link. */
  vmuiURL?: (expr: string) => string | undefined;
  /** Defaults to the registry of src/metrics.ts. */
  registry?: Registry;
  /** -metrics.exposeMetadata: /metrics keeps `# HELP` / `# TYPE` lines (vmalert leaves them out). */
  exposeMetadata?: boolean;
  /** Adds prom-client's process_* and nodejs_* metrics to the registry once (default true). */
  processMetrics?: boolean;
}

export interface TlsListenOptions {
  certFile: string;
  keyFile: string;
  /** Go names: TLS10, TLS11, TLS12 (default), TLS13. */
  minVersion?: string;
}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: "TLSv1",
  TLS11: "TLSv1.1",
  TLS12: "TLSv1.2",
  TLS13: "TLSv1.3",
};

function tlsServerOptions(t: TlsListenOptions) {
  const minVersion = TLS_VERSIONS[(t.minVersion || "TLS12").toUpperCase()];
  if (!minVersion)
    throw new TsalertError(
      "TSA_FLAG",
      `-tlsMinVersion=${JSON.stringify(t.minVersion)}: want TLS10, TLS11, TLS12 or TLS13`,
    );
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new TsalertError("TSA_FLAG", `${flag}=${JSON.stringify(file)}: ${(err as Error).message}`);
    }
  };
  return { cert: read("-tlsCertFile", t.certFile), key: read("-tlsKeyFile", t.keyFile), minVersion };
}

export interface HttpHooks {
  reload(): Promise<void> | void;
  /** Flag values for /flags, already redacted. */
  flags(): Record<string, string>;
}

export interface HttpServer {
  /** Local URLs of the listeners, in `-httpListenAddr` order (`http://127.0.0.1:8880`). */
  urls: string[];
  addresses: ListenAddr[];
  /** Graceful shutdown: /health 503 for the shutdown delay, then stop accepting and drain. Idempotent. */
  close(): Promise<void>;
}

const OPEN_PATHS = new Set(["/health", "/ping", "/-/healthy", "/-/ready", "/robots.txt", "/favicon.ico"]);
const MAX_FORM_BYTES = 1 << 20;
/** How long an answer waits for the rest of a request body nobody reads before the connection closes. */
const BODY_DRAIN_MS = 2000;
const COMPRESS_MIN_BYTES = 1024;
// Async so that compressing a large /api/v1/rules answer does not stall evaluations on the event loop.
const gzipAsync = promisify(gzip);

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

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = req.headers["content-type"] ?? "";
  if (req.method !== "POST" || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest(`request body exceeds ${MAX_FORM_BYTES} bytes`, 413);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Reads and drops what is left of the request body, for at most `ms`. */
function discardBody(req: IncomingMessage, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off("end", done);
      req.off("close", done);
      req.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    req.on("end", done);
    req.on("close", done);
    req.on("error", done);
    req.resume();
  });
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
  const auth: AuthConfig = { username: opts.username, password: opts.password };
  const reg = opts.registry ?? defaultRegistry;
  if ((opts.processMetrics ?? true) && !reg.getSingleMetric("process_cpu_user_seconds_total")) {
    collectDefaultMetrics({ register: reg });
  }
  let shuttingDown = false;

  const unauthorized = (): Reply => text(401, "Unauthorized", { "WWW-Authenticate": 'Basic realm="tsalert"' });

  const pageCtx = (base: string): PageContext => ({
    base,
    reloadError: view.lastReloadError(),
    now: Date.now(),
    vmuiURL: opts.vmuiURL,
  });

  const uiOrNotFound = (body: string | undefined, what: string): Reply =>
    body === undefined ? text(404, `${what} not found`) : htmlPage(200, body);

  async function route(req: IncomingMessage, path: string, q: URLSearchParams): Promise<Reply> {
    switch (path) {
      case "/health":
        return shuttingDown ? text(503, "Service Unavailable: shutting down") : text(200, "OK");
      case "/ping":
        return { status: 204, headers: {}, body: "" };
      case "/-/healthy":
        return text(200, "VictoriaMetrics is Healthy.\n");
      case "/-/ready":
        return text(200, "VictoriaMetrics is Ready.\n");
      case "/robots.txt":
        return text(200, "User-agent: *\nDisallow: /\n");
      case "/favicon.ico":
        return { status: 204, headers: {}, body: "" };
      case "/metrics":
        if (!authKeyOK(req, q, opts.metricsAuthKey, auth)) return unauthorized();
        return {
          status: 200,
          headers: { "Content-Type": reg.contentType },
          body: await metricsText(reg, opts.exposeMetadata ?? false),
        };
      case "/flags": {
        if (!authKeyOK(req, q, opts.flagsAuthKey, auth)) return unauthorized();
        const flags = hooks.flags();
        const lines = Object.keys(flags)
          .sort()
          .map((k) => `-${k}=${JSON.stringify(flags[k])}\n`);
        return text(200, lines.join(""));
      }
      case "/-/reload":
        if (!authKeyOK(req, q, opts.reloadAuthKey, auth)) return unauthorized();
        try {
          await hooks.reload();
        } catch (err) {
          // A config error was already logged by the reload itself (file:line, no stack); log only the unexpected.
          if (!(err instanceof TsalertError)) logger.error({ err }, "reload requested via /-/reload failed");
          return text(500, `reload failed: ${(err as Error).message ?? String(err)}`);
        }
        return text(200, "");
    }

    if (!basicAuthOK(req, auth)) return unauthorized();

    const api = apiRoute(path, view, q);
    if (api) return api;

    switch (path) {
      case "/":
        return htmlPage(200, indexPage(pageCtx("vmalert/")));
      case "/vmalert":
        // Relative, as VictoriaMetrics does, so it also works behind a proxy that adds a path.
        return redirect("vmalert/");
      case "/vmalert/":
        return htmlPage(200, indexPage(pageCtx("")));
      case "/vmalert/groups":
      case "/vmalert/rules":
        return htmlPage(200, groupsPage(pageCtx(""), view, q));
      case "/vmalert/alerts":
        return htmlPage(200, alertsPage(pageCtx(""), view, q));
      case "/vmalert/notifiers":
        return htmlPage(200, notifiersPage(pageCtx(""), view));
      case "/vmalert/rule":
        return uiOrNotFound(rulePage(pageCtx(""), view, q), "rule");
      case "/vmalert/alert":
        return uiOrNotFound(alertPage(pageCtx(""), view, q), "alert");
      case "/vmalert/static/style.css":
        return {
          status: 200,
          headers: { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=3600" },
          body: STYLE_CSS,
        };
    }

    // vmalert 1.79.5 links: /api/v1/<groupID>/<alertID>/status and /<groupID>/<alertID>/status.
    const legacy = /^(\/api\/v1)?\/(\d{1,20})\/(\d{1,20})\/status$/.exec(path);
    if (legacy) {
      const [, api1, gid, aid] = legacy;
      if (!view.alert(gid, aid)) {
        return api1 ? jsonError(404, `alert ${aid} in group ${gid} not found`) : text(404, "alert not found");
      }
      const qs = `group_id=${gid}&alert_id=${aid}`;
      return redirect(api1 ? `${prefix}/vmalert/api/v1/alert?${qs}` : `${prefix}/vmalert/alert?${qs}`);
    }
    // vmalert answers 400 here; 404 is what clients and proxies expect for a path that does not exist.
    return text(404, `unsupported path requested: ${JSON.stringify(prefix + path)}`);
  }

  function corsHeaders(): Record<string, string> {
    return opts.disableCORS
      ? {}
      : {
          "Access-Control-Allow-Origin": "*",
          "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
          "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
        };
  }

  async function handle(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return { status: 204, headers: {}, body: "" };
    if (method !== "GET" && method !== "HEAD" && method !== "POST") {
      req.resume();
      return text(405, `method ${method} not allowed`, { Allow: "GET, HEAD, POST, OPTIONS" });
    }
    const target = splitTarget(req.url ?? "/");
    let path = target.path;
    if (prefix) {
      if (path === prefix) return redirect(`${prefix}/`);
      if (!path.startsWith(`${prefix}/`)) {
        req.resume();
        return text(
          400,
          `missing -http.pathPrefix=${JSON.stringify(prefix)} in the requested path ${JSON.stringify(path)}`,
        );
      }
      path = path.slice(prefix.length);
    }
    const form = await readForm(req);
    const q = target.query;
    if (form) for (const [k, v] of form) q.append(k, v);
    const reply = await route(req, path, q);
    if (!OPEN_PATHS.has(path)) requestsTotal.inc({ path: metricPath(path) });
    if (reply.status >= 500) requestErrorsTotal.inc({ path: metricPath(path) });
    return reply;
  }

  async function send(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
    // Closing a socket with unread request bytes makes the kernel reset it, and the reset can destroy the
    // answer before the client reads it: let the rest of the body arrive (discarded) first (found by drill 11).
    if (!req.complete) await discardBody(req, BODY_DRAIN_MS);
    let body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
    const headers: Record<string, string> = { ...corsHeaders(), "X-Content-Type-Options": "nosniff", ...reply.headers };
    if (opts.headers?.csp) headers["Content-Security-Policy"] = opts.headers.csp;
    if (opts.headers?.hsts) headers["Strict-Transport-Security"] = opts.headers.hsts;
    if (opts.headers?.frameOptions) headers["X-Frame-Options"] = opts.headers.frameOptions;
    const accepts = String(req.headers["accept-encoding"] ?? "");
    if (!opts.disableResponseCompression && body.length >= COMPRESS_MIN_BYTES && /\bgzip\b/.test(accepts)) {
      body = await gzipAsync(body);
      headers["Content-Encoding"] = "gzip";
      headers.Vary = "Accept-Encoding";
    }
    headers["Content-Length"] = String(body.length);
    // An unread request body (e.g. a rejected oversized form) would keep the connection busy forever.
    if (shuttingDown || opts.disableKeepAlive || !req.complete || expired.has(req.socket)) headers.Connection = "close";
    res.writeHead(reply.status, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req)
      .catch((err: unknown): Reply => {
        if (err instanceof BadRequest) {
          const path = (req.url ?? "").split("?")[0];
          return /\/api\/v1\//.test(path) ? jsonError(err.status, err.message) : text(err.status, err.message);
        }
        logger.error({ err, method: req.method, url: redactTarget(req.url) }, "HTTP handler failed");
        return text(500, "internal error");
      })
      .then((reply) => send(req, res, reply))
      .catch((err: unknown) => {
        logger.error({ err, url: redactTarget(req.url) }, "cannot write HTTP response");
        res.destroy();
      });
  };

  // Connections past -http.connTimeout: closed after their next response.
  const expired = new WeakSet<Socket>();
  const connTimeout = opts.connTimeoutMs ?? 120_000;
  const trackConnection = (socket: Socket): void => {
    if (connTimeout <= 0) return;
    // Jitter, so connections opened together do not all reconnect together.
    const t = setTimeout(() => expired.add(socket), connTimeout * (0.9 + Math.random() * 0.2));
    t.unref();
    socket.once("close", () => clearTimeout(t));
  };

  const servers: Server[] = [];
  const bound: ListenAddr[] = [];
  try {
    for (const [i, a] of addrs.entries()) {
      const tls = opts.tls?.length === 1 ? opts.tls[0] : opts.tls?.[i];
      const common = { keepAliveTimeout: opts.idleConnTimeoutMs ?? 60_000 };
      const srv: Server = tls
        ? createHttpsServer({ ...common, ...tlsServerOptions(tls) }, onRequest)
        : createServer(common, onRequest);
      srv.on("connection", (socket: Socket) => trackConnection(socket));
      srv.on("secureConnection", (socket: Socket) => trackConnection(socket));
      srv.on("clientError", (err, socket) => {
        // Malformed requests (huge headers, bad syntax): answer 400/431 without involving handlers.
        const code = (err as NodeJS.ErrnoException).code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
        if (socket.writable)
          socket.end(`HTTP/1.1 ${code} Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        else socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(a.port, a.host, () => {
          srv.off("error", reject);
          resolve();
        });
      });
      servers.push(srv);
      const info = srv.address() as AddressInfo;
      bound.push({ host: a.host, port: info.port, tls: tls !== undefined });
      logger.info({ addr: `${a.host}:${info.port}`, pathPrefix: prefix || undefined }, "HTTP server listening");
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      const delay = opts.shutdownDelayMs ?? 0;
      if (delay > 0) {
        logger.info({ delayMs: delay }, "HTTP server: /health answers 503 before the listeners close");
        await new Promise((r) => setTimeout(r, delay));
      }
      const grace = opts.maxGracefulShutdownMs ?? 7000;
      await Promise.all(
        servers.map(
          (srv) =>
            new Promise<void>((resolve) => {
              const cut = setTimeout(() => srv.closeAllConnections(), grace);
              srv.close(() => {
                clearTimeout(cut);
                resolve();
              });
              srv.closeIdleConnections();
            }),
        ),
      );
    })();
    return closing;
  };

  return { urls: bound.map(localURL), addresses: bound, close };
}
