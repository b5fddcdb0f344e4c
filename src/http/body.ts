// Request bodies: the only ones read are `application/x-www-form-urlencoded` POSTs (Grafana sends filters
// that way), each capped, and all of them together capped, so slow clients cannot make the process hold
// more than MAX_BODY_BYTES_IN_FLIGHT of request bodies at once.
import type { IncomingMessage } from "node:http";
import { BadRequest } from "./params.js";

/** The largest form body read (vmalert's parameters are short; Go's ParseForm allows 10 MB). */
export const MAX_FORM_BYTES = 1 << 20;
/** Form bytes held at once across every connection; beyond it a request gets 503. */
export const MAX_BODY_BYTES_IN_FLIGHT = 16 << 20;

/** Bytes of request bodies held right now, across connections. */
export class BodyBudget {
  private used = 0;
  constructor(readonly max: number) {}

  take(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  get inUse(): number {
    return this.used;
  }
}

export function isForm(req: IncomingMessage): boolean {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  return req.method === "POST" && type.startsWith("application/x-www-form-urlencoded");
}

/** Thrown when the client went away while its body was read: nobody is left to answer. */
export class ClientGone extends Error {
  constructor() {
    super("client closed the connection");
    this.name = "ClientGone";
  }
}

/**
 * The form fields of a form POST; undefined for anything else (its body stays unread, and the answer
 * closes the connection). Rejects with 413 past `maxBytes` (declared or received), with 503 when the
 * budget is spent, and with ClientGone when the client aborts; the bytes go back to the budget when it
 * settles. On a rejection the rest of the body is left unread (the stream is paused, not destroyed, so
 * the answer can still be written).
 */
export function readForm(
  req: IncomingMessage,
  maxBytes: number,
  budget: BodyBudget,
): Promise<URLSearchParams | undefined> {
  if (!isForm(req)) return Promise.resolve(undefined);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new BadRequest(`request body exceeds ${maxBytes} bytes`, 413));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let held = 0;
    const settle = (err?: Error) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
      budget.give(held);
      if (err) {
        req.pause();
        reject(err);
      } else {
        resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      }
    };
    const onData = (chunk: Buffer) => {
      if (held + chunk.length > maxBytes) return settle(new BadRequest(`request body exceeds ${maxBytes} bytes`, 413));
      if (!budget.take(chunk.length)) {
        return settle(new BadRequest("too many request bodies in flight; try again later", 503));
      }
      held += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onGone = () => settle(new ClientGone());
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
  });
}
