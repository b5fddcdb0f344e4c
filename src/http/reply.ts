// What a route handler returns; the server turns it into bytes (compression, CORS, HEAD).
import { randomUUID } from "node:crypto";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Text or bytes, or pieces of text the server writes one at a time (`jsonList`). */
  body: string | Buffer | Iterable<string>;
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers }, body };
}

export function json(status: number, value: unknown): Reply {
  return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}

/** Characters per piece of a `jsonList` body. */
const PIECE_CHARS = 64 * 1024;

// Stands in for the list while the rest of the answer is stringified. Random per process, so no label
// or peer's text can spell it; `jsonList` still falls back to one string if it appears more than once.
const MARK = `\u0000list ${randomUUID()}`;
const LIST_MARK = JSON.stringify(MARK);

/**
 * The JSON of `value`, in which the array `list` (by identity) is written item by item: the same text as
 * `json(status, value)`, in pieces of about 64 KiB, so an answer of many alerts or rules is never one
 * string (nor one buffer, nor one gzip input) and the server can yield to evaluations between pieces.
 */
export function jsonList(status: number, value: unknown, list: readonly unknown[]): Reply {
  const text = JSON.stringify(value, (_k, v: unknown) => (v === list ? MARK : v));
  const at = text.indexOf(LIST_MARK);
  if (at < 0 || text.lastIndexOf(LIST_MARK) !== at) return json(status, value);
  return {
    status,
    headers: { "Content-Type": "application/json" },
    body: listPieces(text.slice(0, at), list, text.slice(at + LIST_MARK.length)),
  };
}

function* listPieces(head: string, list: readonly unknown[], tail: string): Generator<string> {
  let piece = `${head}[`;
  for (let i = 0; i < list.length; i++) {
    // What JSON.stringify writes for an array item that has no JSON form.
    piece += (i === 0 ? "" : ",") + (JSON.stringify(list[i]) ?? "null");
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = "";
    }
  }
  yield `${piece}]${tail}`;
}

/** vmalert's JSON error body for the API routes. */
export function jsonError(status: number, message: string): Reply {
  return json(status, { error: message, errorType: status });
}

export function redirect(location: string, status = 302): Reply {
  return { status, headers: { Location: location, "Content-Type": "text/plain; charset=utf-8" }, body: "" };
}

export function htmlPage(status: number, body: string): Reply {
  return {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      // Defence in depth behind escaping: the UI needs no script at all.
      "Content-Security-Policy":
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'",
    },
    body,
  };
}
