// `-httpAuth.*` basic auth and the per-route `-*AuthKey` flags, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface AuthConfig {
  username?: string;
  password?: string;
}

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

/** vmalert: with the key flag set the route needs `?authKey=<key>`; without it, basic auth applies. */
export function authKeyOK(req: IncomingMessage, q: URLSearchParams, key: string | undefined, cfg: AuthConfig): boolean {
  if (!key) return basicAuthOK(req, cfg);
  return same(q.get("authKey") ?? "", key);
}
