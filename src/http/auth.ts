// Who may use which route: `-httpAuth.*` basic auth and the per-route `-*AuthKey` flags, decided from the
// request line and headers alone, before any body byte is read. Credentials are compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface AuthConfig {
  username?: string;
  password?: string;
}

/** The auth of the whole server: basic auth and the key of each key route (unset = basic auth applies). */
export interface AuthPolicy extends AuthConfig {
  keys: Partial<Record<KeyRoute, string>>;
}

export type KeyRoute = "/metrics" | "/flags" | "/-/reload";

const KEY_ROUTES = new Set<string>(["/metrics", "/flags", "/-/reload"]);

/** Served to anyone: health checks and static files (vmalert's list). */
export const OPEN_PATHS = new Set(["/health", "/ping", "/-/healthy", "/-/ready", "/robots.txt", "/favicon.ico"]);

/**
 * vmalert reads `authKey` from a form body too. Such a body is read before the key is known, so only a
 * declared-length form this small may carry it; anything else without the key in the query is refused
 * unread.
 */
export const MAX_KEY_FORM_BYTES = 4096;

/**
 * - `open`: no credentials needed (and no body is read);
 * - `allowed`: the credentials in the request line or headers are right;
 * - `denied`: 401 at once, the body stays unread;
 * - `keyInForm`: a key route whose key may be in the small form body; read it, then `keyOK`.
 */
export type AuthDecision = "open" | "allowed" | "denied" | "keyInForm";

function same(a: string, b: string): boolean {
  // Equal-length digests, so the comparison time reveals neither length nor the first difference.
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function basicAuthOK(req: IncomingMessage, cfg: AuthConfig): boolean {
  if (!cfg.username && !cfg.password) return true;
  const h = req.headers.authorization ?? "";
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) return false;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return false;
  const userOK = same(decoded.slice(0, i), cfg.username ?? "");
  const passOK = same(decoded.slice(i + 1), cfg.password ?? "");
  return userOK && passOK;
}

/** The key of `path` is in `q` (query, or query and form once the form is read). */
export function keyOK(path: string, q: URLSearchParams, policy: AuthPolicy): boolean {
  const key = policy.keys[path as KeyRoute];
  return key !== undefined && same(q.get("authKey") ?? "", key);
}

function smallForm(req: IncomingMessage): boolean {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  const len = Number(req.headers["content-length"]);
  return (
    req.method === "POST" &&
    type.startsWith("application/x-www-form-urlencoded") &&
    Number.isInteger(len) &&
    len <= MAX_KEY_FORM_BYTES
  );
}

/**
 * vmalert's rules: a route whose key flag is set needs `authKey=<key>` (basic auth does not replace it);
 * without the key flag, and on every other route but the open ones, basic auth applies.
 */
export function authorize(
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  policy: AuthPolicy,
): AuthDecision {
  if (OPEN_PATHS.has(path)) return "open";
  if (KEY_ROUTES.has(path) && policy.keys[path as KeyRoute]) {
    if (keyOK(path, query, policy)) return "allowed";
    return smallForm(req) ? "keyInForm" : "denied";
  }
  return basicAuthOK(req, policy) ? "allowed" : "denied";
}
