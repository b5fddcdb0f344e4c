// What a route handler returns; the server turns it into bytes (compression, CORS, HEAD).
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers }, body };
}

export function json(status: number, value: unknown): Reply {
  return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
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
