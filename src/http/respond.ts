// Turns a Reply into bytes on the wire: CORS and security headers, gzip, and whether the connection
// stays open (keep-alive off, -http.connTimeout passed, shutting down, or a request body left unread).

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { hostname as osHostname } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import { promisify } from "node:util";
import { createGzip, gzip } from "node:zlib";
import { closeAfterAnswer } from "./listeners.js";
import type { Reply } from "./reply.js";

const COMPRESS_MIN_BYTES = 1024;
// Async so that compressing a large /api/v1/rules answer does not stall evaluations on the event loop.
const gzipAsync = promisify(gzip);

export interface ResponderOptions {
  disableResponseCompression?: boolean;
  disableCORS?: boolean;
  disableKeepAlive?: boolean;
  /** -http.header.csp, .hsts, .frameOptions; disableServerHostname drops X-Server-Hostname. */
  headers?: { csp?: string; hsts?: string; frameOptions?: string; disableServerHostname?: boolean };
}

export interface ResponderState {
  shuttingDown(): boolean;
  /** Past -http.connTimeout. */
  expired(socket: Socket): boolean;
  /** Sockets whose answer has started (see startListeners). */
  answering: WeakSet<Socket>;
}

export type Send = (req: IncomingMessage, res: ServerResponse, reply: Reply) => Promise<void>;

export function createResponder(opts: ResponderOptions, state: ResponderState): Send {
  const cors: Record<string, string> = opts.disableCORS
    ? {}
    : {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
      };
  // VictoriaMetrics' servers name the answering host, so a reply behind a load balancer can be traced.
  const hostname = opts.headers?.disableServerHostname ? undefined : osHostname();
  return async (req, res, reply) => {
    const headers: Record<string, string> = { ...cors, "X-Content-Type-Options": "nosniff", ...reply.headers };
    if (opts.headers?.csp) headers["Content-Security-Policy"] = opts.headers.csp;
    if (opts.headers?.hsts) headers["Strict-Transport-Security"] = opts.headers.hsts;
    if (opts.headers?.frameOptions) headers["X-Frame-Options"] = opts.headers.frameOptions;
    if (hostname !== undefined) headers["X-Server-Hostname"] = hostname;
    const gzipOK = !opts.disableResponseCompression && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const compressed = () => {
      headers["Content-Encoding"] = "gzip";
      headers.Vary = "Accept-Encoding";
    };
    let body: Buffer | Iterable<string>;
    if (typeof reply.body === "string" || Buffer.isBuffer(reply.body)) {
      body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
      if (gzipOK && body.length >= COMPRESS_MIN_BYTES) {
        body = await gzipAsync(body);
        compressed();
      }
      headers["Content-Length"] = String(body.length);
    } else {
      body = reply.body;
      if (gzipOK) compressed();
    }
    const socket = req.socket;
    // A request body nobody read (refused, unauthenticated, not a form) is never waited for: the answer
    // goes out now and the connection closes after it.
    const unread = !req.complete;
    if (unread) closeAfterAnswer(socket);
    if (unread || state.shuttingDown() || opts.disableKeepAlive || state.expired(socket)) headers.Connection = "close";
    if (socket.destroyed) return;
    state.answering.add(socket);
    res.once("finish", () => state.answering.delete(socket));
    res.writeHead(reply.status, headers);
    if (req.method === "HEAD") res.end();
    else if (Buffer.isBuffer(body)) res.end(body);
    else await writePieces(res, body, headers["Content-Encoding"] === "gzip");
  };
}

/**
 * Writes a body of pieces (chunked), through gzip when asked, waiting for the client to take each piece
 * and giving the event loop a turn between pieces: a slow reader holds one piece, not the whole answer,
 * and a large answer does not hold up evaluations. Stops when the client goes away.
 */
async function writePieces(res: ServerResponse, pieces: Iterable<string>, gzipped: boolean): Promise<void> {
  const zip = gzipped ? createGzip() : undefined;
  zip?.pipe(res);
  const out: NodeJS.WritableStream = zip ?? res;
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        res.off("close", done);
        resolve();
      };
      out.on("drain", done);
      res.on("close", done);
    });
  for (const piece of pieces) {
    if (res.destroyed) break;
    if (out.write(piece)) await nextTurn();
    else await drained();
  }
  if (res.destroyed) zip?.destroy();
  else out.end();
}
