// One request from the wire to a Reply, in order: method check, -http.pathPrefix, authentication from the
// request line and headers (./auth.ts), the engine-started gate, the form body if any (./body.ts), the
// route (./routes.ts). Errors become answers here: a client gone gets none, a bad request its 4xx, the
// unexpected a bare 500 (logged, never a stack trace in the answer).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { counter } from "../metrics.js";
import { type AuthPolicy, authorize, keyOK, MAX_KEY_FORM_BYTES, OPEN_PATHS } from "./auth.js";
import { type BodyBudget, ClientGone, MAX_FORM_BYTES, readForm } from "./body.js";
import { isClientGone } from "./listeners.js";
import { BadRequest } from "./params.js";
import { jsonError, type Reply, redirect, text } from "./reply.js";
import type { Send } from "./respond.js";
import { ENGINE_FREE_PATHS, type Route } from "./routes.js";

const requestsTotal = counter("vmalert_http_requests_total", "HTTP requests served, by route", ["path"]);
const requestErrorsTotal = counter("vmalert_http_request_errors_total", "HTTP requests answered with 5xx", ["path"]);

/** Request targets as logged: the `authKey` argument is a credential. */
export function redactTarget(target: string | undefined): string {
  return (target ?? "").replace(/([?&]authKey=)[^&]*/gi, "$1secret");
}

/** -http.pathPrefix as routes compare it: "" or "/x" (leading slash, no trailing one). */
export function normalizePrefix(p: string | undefined): string {
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

/** The `path` label of the request counters: known routes by name, everything else as "other". */
function metricPath(path: string): string {
  const p = path.startsWith("/vmalert/api/") ? path.slice("/vmalert".length) : path;
  return KNOWN_METRIC_PATHS.has(p) ? p : "other";
}

const unauthorized = (): Reply => text(401, "Unauthorized", { "WWW-Authenticate": 'Basic realm="tsalert"' });

/** An error answer in the route's style: JSON on the API routes, text elsewhere. */
function errorReply(path: string, status: number, message: string): Reply {
  return /\/api\/v1\//.test(path) ? jsonError(status, message) : text(status, message);
}

export interface RequestPipeline {
  /** Normalized -http.pathPrefix (normalizePrefix). */
  prefix: string;
  policy: AuthPolicy;
  /** Form body bytes held at once across connections. */
  budget: BodyBudget;
  route: Route;
  /** False until the engine runs: its routes and /health answer 503 meanwhile. */
  engineRunning(): boolean;
}

export type Handle = (req: IncomingMessage, res: ServerResponse) => Promise<Reply>;

export function createHandle(p: RequestPipeline): Handle {
  return async (req, res) => {
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return { status: 204, headers: {}, body: "" };
    if (method !== "GET" && method !== "HEAD" && method !== "POST") {
      return text(405, `method ${method} not allowed`, { Allow: "GET, HEAD, POST, OPTIONS" });
    }
    const target = splitTarget(req.url ?? "/");
    let path = target.path;
    if (p.prefix) {
      if (path === p.prefix) return redirect(`${p.prefix}/`);
      if (!path.startsWith(`${p.prefix}/`)) {
        return text(
          400,
          `missing -http.pathPrefix=${JSON.stringify(p.prefix)} in the requested path ${JSON.stringify(path)}`,
        );
      }
      path = path.slice(p.prefix.length);
    }
    const q = target.query;
    const decision = authorize(req, path, q, p.policy);
    if (decision === "denied") return unauthorized();
    if (!p.engineRunning() && !ENGINE_FREE_PATHS.has(path) && path !== "/health") {
      return errorReply(path, 503, "tsalert is starting: the rules are not running yet");
    }
    if (decision !== "open") {
      // The client may send its body now (it waited for this with Expect: 100-continue).
      if (req.headers.expect?.toLowerCase() === "100-continue") res.writeContinue();
      const form = await readForm(req, decision === "keyInForm" ? MAX_KEY_FORM_BYTES : MAX_FORM_BYTES, p.budget);
      if (form) for (const [k, v] of form) q.append(k, v);
      if (decision === "keyInForm" && !keyOK(path, q, p.policy)) return unauthorized();
    }
    const reply = await p.route(path, q);
    if (!OPEN_PATHS.has(path)) requestsTotal.inc({ path: metricPath(path) });
    if (reply.status >= 500) requestErrorsTotal.inc({ path: metricPath(path) });
    return reply;
  };
}

/** node's request listener: the answer of `handle`, or of its error, written by `send`. */
export function serveRequests(
  handle: Handle,
  send: Send,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
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
}
