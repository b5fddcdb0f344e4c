// The one thing the writer needs from HTTP: POST a body, get the status and the server's message.
// Built on src/net's shared client (auth, TLS, headers); tests may inject their own.
import type { ClientOptions } from "../net/types.js";

export interface PostResult {
  status: number;
  /** Response body as text (used in error messages; may be truncated). */
  body: string;
}

export type Post = (
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<PostResult>;

export function createPost(_client: ClientOptions): Post {
  return async () => {
    throw new Error("remote write: HTTP client not available yet");
  };
}
