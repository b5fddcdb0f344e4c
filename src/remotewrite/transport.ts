// The one thing the writer needs from HTTP: POST a body, get the status and the server's message.
// Built on src/net's shared client (auth, TLS, -remoteWrite.headers, keep-alive, reset retry).
import { createHttpClient, peerSnippet } from "../net/index.js";
import type { ClientOptions } from "../net/types.js";

export interface PostResult {
  status: number;
  /** Response body as text (used in error messages). */
  body: string;
}

/**
 * A replacement transport (for tests): resolves for every HTTP status, rejects on network errors. The
 * signal aborts on shutdown and after -remoteWrite.sendTimeout.
 */
export type Post = (
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<PostResult>;

export interface Transport {
  /** `signal` aborts on shutdown; `timeoutMs` is -remoteWrite.sendTimeout. */
  post(
    url: string,
    body: Uint8Array,
    headers: Record<string, string>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<PostResult>;
  close(): Promise<void>;
}

/** Error bodies are only quoted in logs: no need to read more. */
const MAX_RESPONSE_BYTES = 1 << 20;
/** How much of an error body is quoted. */
const MAX_QUOTED_BYTES = 512;

export function createTransport(client: ClientOptions): Transport {
  const http = createHttpClient(client, "remote write");
  return {
    async post(url, body, headers, signal, timeoutMs) {
      const res = await http.request({
        url,
        method: "POST",
        headers,
        body,
        signal,
        timeoutMs,
        maxBodyBytes: MAX_RESPONSE_BYTES,
        retryOnReset: true,
      });
      // Scrubbed: a peer may echo the credentials it got, and this text goes into logs.
      return { status: res.status, body: res.status >= 300 ? peerSnippet(res.body, MAX_QUOTED_BYTES) : "" };
    },
    close: () => http.close(),
  };
}

export function customTransport(post: Post): Transport {
  return {
    post: (url, body, headers, signal, timeoutMs) =>
      post(url, body, headers, AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])),
    close: async () => {},
  };
}
