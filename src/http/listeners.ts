// The sockets side of the HTTP server: node servers per -httpListenAddr (TLS or not) with their limits
// (connections, header and request timeouts), the -http.connTimeout bookkeeping, quiet handling of
// malformed requests and client resets, and the graceful close.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { Logger } from "pino";
import { counter } from "../metrics.js";
import { type ListenAddr, localURL } from "./listen.js";
import { acceptProxied } from "./proxyproto.js";
import { type TlsListenOptions, tlsServerOptions, watchCertificate } from "./tls.js";

export type { TlsListenOptions } from "./tls.js";

/** Default of -http.maxConcurrentConnections (per listen address). */
export const DEFAULT_MAX_CONNECTIONS = 1000;
/** Time a client has to send the request line and headers (VictoriaMetrics' servers allow 5 s). */
export const HEADERS_TIMEOUT_MS = 5_000;
/** Time a client has to send the whole request, body included. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Time a TLS client has to finish its handshake. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * How long a connection whose request body was left unread stays half-closed after the answer. Closing
 * at once makes the kernel answer the client's next bytes with a reset, which can destroy the answer
 * before the client has read it; Go's net/http server waits likewise (closeWriteAndWait).
 */
export const LINGER_MS = 500;

const refusedTotal = counter(
  "tsalert_http_connections_refused_total",
  "Incoming connections closed at once because -http.maxConcurrentConnections were open",
);

export interface ListenerOptions {
  addrs: ListenAddr[];
  /** Per address (same index); a single item applies to all; undefined = plain HTTP. */
  tls?: (TlsListenOptions | undefined)[];
  /** -httpListenAddr.useProxyProtocol, per address like `tls`. */
  proxyProtocol?: boolean[];
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleConnTimeoutMs: number;
  /** -http.connTimeout (0 = off). */
  connTimeoutMs: number;
  maxGracefulShutdownMs: number;
  pathPrefix?: string;
}

export interface Listeners {
  bound: ListenAddr[];
  urls: string[];
  /** Past -http.connTimeout: close after the current response. */
  expired(socket: Socket): boolean;
  /** Stop accepting, let requests in flight finish (maxGracefulShutdownMs), then cut what is left. */
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

type SocketWithDestroySoon = Socket & { destroySoon?: () => void };

const lingering = new WeakSet<Socket>();

/**
 * The connection is closed after the answer now being written, without reading what is left of the
 * request: node would destroy the socket as soon as the answer is flushed (`destroySoon`), and first read
 * and drop the unread body at wire speed. Instead the socket is half-closed, reading stops (the client's
 * unsent bytes stay in its kernel buffers), and it is destroyed LINGER_MS later or when the client closes.
 */
export function closeAfterAnswer(socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  const s = socket as SocketWithDestroySoon;
  s.destroySoon = () => {
    s.end();
    // node resumes the socket once more to drop the unread body; the listener pauses it right back.
    const stopReading = () => s.pause();
    s.on("resume", stopReading);
    stopReading();
    const t = setTimeout(() => s.destroy(), LINGER_MS);
    t.unref();
    s.once("close", () => clearTimeout(t));
  };
}

/** Errors of a client that went away (reset, closed mid-request): nothing to answer, nothing to log. */
export function isClientGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED" || code === "ERR_STREAM_PREMATURE_CLOSE";
}

/** The raw answer to a request node could not parse or that ran out of time; undefined = just close. */
function clientErrorAnswer(err: NodeJS.ErrnoException): string | undefined {
  if (isClientGone(err)) return undefined;
  const [status, text] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout"]
        : [400, "Bad Request"];
  return `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
}

export async function startListeners(
  o: ListenerOptions,
  onRequest: RequestHandler,
  /** Sockets whose answer has started: a late client error must not write a second status line. */
  answering: WeakSet<Socket>,
  logger: Logger,
): Promise<Listeners> {
  const expiredSockets = new WeakSet<Socket>();
  const track = (socket: Socket): void => {
    if (o.connTimeoutMs <= 0) return;
    // Jitter, so connections opened together do not all reconnect together.
    const t = setTimeout(() => expiredSockets.add(socket), o.connTimeoutMs * (0.9 + Math.random() * 0.2));
    t.unref();
    socket.once("close", () => clearTimeout(t));
  };

  const servers: Server[] = [];
  const listeners: NetServer[] = [];
  const stopWatching: (() => void)[] = [];
  const bound: ListenAddr[] = [];
  try {
    for (const [i, a] of o.addrs.entries()) {
      const tls = o.tls?.length === 1 ? o.tls[0] : o.tls?.[i];
      const proxied = (o.proxyProtocol?.length === 1 ? o.proxyProtocol[0] : o.proxyProtocol?.[i]) === true;
      const common = {
        keepAliveTimeout: o.idleConnTimeoutMs,
        headersTimeout: Math.min(o.headersTimeoutMs, o.requestTimeoutMs),
        requestTimeout: o.requestTimeoutMs,
        // node checks the two timeouts above this often (default 30 s, which would let them overrun).
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(o.headersTimeoutMs / 2))),
      };
      const srv: Server = tls
        ? createHttpsServer(
            { ...common, ...tlsServerOptions(tls), handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS },
            onRequest,
          )
        : createServer(common, onRequest);
      if (tls) {
        stopWatching.push(
          watchCertificate(
            tls,
            (ctx) => (srv as HttpsServer).setSecureContext(ctx),
            (msg) => logger.error(msg),
          ),
        );
      }
      // Expect: 100-continue: the handler decides (auth first) whether the client may send its body.
      srv.on("checkContinue", onRequest);
      // With the PROXY protocol a plain TCP server accepts, reads the header and passes the rest on.
      const listener: NetServer = proxied
        ? createNetServer((socket) =>
            acceptProxied(socket, o.headersTimeoutMs, tls !== undefined, (conn) => srv.emit("connection", conn)),
          )
        : srv;
      listener.maxConnections = o.maxConnections > 0 ? o.maxConnections : Number.POSITIVE_INFINITY;
      listener.on("drop", () => refusedTotal.inc());
      srv.on(tls ? "secureConnection" : "connection", (socket: Socket) => track(socket));
      srv.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
        const answer = clientErrorAnswer(err);
        if (answer && socket.writable && !answering.has(socket)) socket.end(answer);
        else socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(a.port, a.host, () => {
          listener.off("error", reject);
          resolve();
        });
      });
      servers.push(srv);
      listeners.push(listener);
      const info = listener.address() as AddressInfo;
      bound.push({ host: a.host, port: info.port, tls: tls !== undefined });
      logger.info({ addr: `${a.host}:${info.port}`, pathPrefix: o.pathPrefix || undefined }, "HTTP server listening");
    }
  } catch (err) {
    for (const stop of stopWatching) stop();
    await Promise.all(listeners.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  const close = async (): Promise<void> => {
    for (const stop of stopWatching) stop();
    await Promise.all(
      servers.map(
        (srv, i) =>
          new Promise<void>((resolve) => {
            const cut = setTimeout(() => srv.closeAllConnections(), o.maxGracefulShutdownMs);
            // The accepting server (srv itself, or the PROXY protocol reader) closes once every
            // connection it accepted has ended.
            (listeners[i] as NetServer).close(() => {
              clearTimeout(cut);
              resolve();
            });
            srv.closeIdleConnections();
          }),
      ),
    );
  };
  return { bound, urls: bound.map(localURL), expired: (s) => expiredSockets.has(s), close };
}
