// Authorization headers for one client: basic, bearer or OAuth2 client credentials. Secret files are
// re-read so rotated credentials are picked up (vmalert reads them per request); a 1 s cache keeps the
// hot path (thousands of queries per evaluation) off the disk.
import { readFile } from "node:fs/promises";
import type { Dispatcher } from "undici";
import { request } from "undici";
import { errorMessage, TsalertError } from "../errors.js";
import {
  jsonErrorText,
  peerSnippet,
  redactURL,
  registerAuthorization,
  registerSecret,
  registerURLSecrets,
} from "./redact.js";
import type { AuthOptions, OAuth2Options } from "./types.js";

const FILE_TTL_MS = 1000;
/** Go's oauth2 refreshes a token this long before it expires. */
const TOKEN_EXPIRY_DELTA_MS = 10_000;

export type AuthHeaders = () => Promise<Record<string, string>>;

/** A file re-read at most every FILE_TTL_MS; `secret` contents are registered with the scrubber. */
function cachedFile(path: string, what: string, secret = true): () => Promise<string> {
  let value = "";
  let readAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<string> | undefined;
  return async () => {
    if (Date.now() - readAt < FILE_TTL_MS) return value;
    pending ??= readFile(path, "utf8")
      .then((text) => {
        value = text.trim();
        // A rotated file brings a new secret: known before it is first sent.
        if (secret) registerSecret(value);
        readAt = Date.now();
        return value;
      })
      .catch((err: unknown) => {
        throw new Error(`cannot read ${what} file "${path}": ${errorMessage(err)}`, { cause: err });
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/** A value given as such (flag, notifier config); a `secret` one is registered with the scrubber at once. */
function constant(v: string, secret = true): () => Promise<string> {
  if (secret) registerSecret(v);
  return async () => v;
}

function basicHeader(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
}

/**
 * Userinfo of a URL as Go's HTTP client uses it: `http://user:pass@host` is basic auth. Returns the URL
 * without userinfo and the `Basic …` header value (undefined without userinfo or for an unparseable URL).
 */
export function userinfoAuth(url: string): { url: string; authorization?: string } {
  if (!url.includes("@")) return { url };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  if (u.username === "" && u.password === "") return { url };
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const authorization = basicHeader(dec(u.username), dec(u.password));
  u.username = "";
  u.password = "";
  return { url: u.toString(), authorization };
}

export function checkAuthOptions(opts: AuthOptions, context: string): void {
  const kinds = [
    opts.basicAuth &&
    (opts.basicAuth.username || opts.basicAuth.usernameFile || opts.basicAuth.password || opts.basicAuth.passwordFile)
      ? "basic auth"
      : "",
    opts.bearerToken || opts.bearerTokenFile ? "bearer token" : "",
    opts.oauth2 ? "oauth2" : "",
  ].filter(Boolean);
  if (kinds.length > 1) {
    throw new TsalertError("TSA_FLAG", `${context}: only one of ${kinds.join(", ")} may be set`);
  }
  if (opts.basicAuth?.password && opts.basicAuth.passwordFile) {
    throw new TsalertError("TSA_FLAG", `${context}: both basic auth password and passwordFile are set`);
  }
  if (opts.basicAuth?.username && opts.basicAuth.usernameFile) {
    throw new TsalertError("TSA_FLAG", `${context}: both basic auth username and usernameFile are set`);
  }
  if (opts.bearerToken && opts.bearerTokenFile) {
    throw new TsalertError("TSA_FLAG", `${context}: both bearer token and bearer token file are set`);
  }
  if (opts.oauth2) {
    if (!opts.oauth2.tokenURL) throw new TsalertError("TSA_FLAG", `${context}: oauth2 token URL is missing`);
    if (opts.oauth2.clientSecret && opts.oauth2.clientSecretFile) {
      throw new TsalertError("TSA_FLAG", `${context}: both oauth2 clientSecret and clientSecretFile are set`);
    }
  }
}

/** Builds the Authorization header source for a client; `dispatcher` fetches OAuth2 tokens. */
export function createAuth(opts: AuthOptions, dispatcher: Dispatcher, context: string): AuthHeaders {
  checkAuthOptions(opts, context);
  const b = opts.basicAuth;
  if (b && (b.username || b.usernameFile || b.password || b.passwordFile)) {
    const user = b.usernameFile
      ? cachedFile(b.usernameFile, `${context} basic auth username`, false)
      : constant(b.username ?? "", false);
    const pass = b.passwordFile
      ? cachedFile(b.passwordFile, `${context} basic auth password`)
      : constant(b.password ?? "");
    return async () => ({ authorization: basicHeader(await user(), await pass()) });
  }
  if (opts.bearerToken || opts.bearerTokenFile) {
    const token = opts.bearerTokenFile
      ? cachedFile(opts.bearerTokenFile, `${context} bearer token`)
      : constant(opts.bearerToken ?? "");
    return async () => ({ authorization: `Bearer ${await token()}` });
  }
  if (opts.oauth2) {
    const source = oauth2TokenSource(opts.oauth2, dispatcher, context);
    return async () => {
      const t = await source();
      return { authorization: `${t.type} ${t.token}` };
    };
  }
  return async () => ({});
}

interface Token {
  token: string;
  type: string;
  /** ms since epoch; Infinity when the server gives no expiry. */
  expiresAt: number;
}

/** OAuth2 client-credentials flow; the token is cached until shortly before it expires. */
function oauth2TokenSource(o: OAuth2Options, dispatcher: Dispatcher, context: string): () => Promise<Token> {
  registerURLSecrets(o.tokenURL);
  const secret = o.clientSecretFile
    ? cachedFile(o.clientSecretFile, `${context} oauth2 client secret`)
    : constant(o.clientSecret ?? "");
  let current: Token | undefined;
  let pending: Promise<Token> | undefined;
  // Go's oauth2 auto-detects how the server wants client credentials: header first, then form fields.
  let credsInBody = false;

  async function fetchToken(inBody: boolean): Promise<{ status: number; text: string }> {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (o.scopes && o.scopes.length > 0) form.set("scope", o.scopes.join(" "));
    for (const [k, v] of Object.entries(o.endpointParams ?? {})) form.set(k, v);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    const s = await secret();
    if (inBody) {
      form.set("client_id", o.clientID);
      form.set("client_secret", s);
    } else {
      headers.authorization = basicHeader(encodeURIComponent(o.clientID), encodeURIComponent(s));
      registerAuthorization(headers.authorization);
    }
    const res = await request(o.tokenURL, {
      method: "POST",
      headers,
      body: form.toString(),
      dispatcher,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  async function refresh(): Promise<Token> {
    try {
      let res = await fetchToken(credsInBody);
      if (!credsInBody && (res.status === 400 || res.status === 401)) {
        const again = await fetchToken(true);
        if (again.status >= 200 && again.status < 300) credsInBody = true;
        res = again;
      }
      if (res.status < 200 || res.status >= 300) {
        // The endpoint may quote the request, client secret included.
        throw new Error(`token endpoint answered ${res.status}: ${peerSnippet(res.text, 512)}`);
      }
      let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
      try {
        body = JSON.parse(res.text) as typeof body;
      } catch (err) {
        throw new Error(`token endpoint answer is not JSON: ${jsonErrorText(err)}`);
      }
      if (typeof body.access_token !== "string" || body.access_token === "") {
        throw new Error("token endpoint response has no access_token");
      }
      registerSecret(body.access_token);
      const expiresIn = Number(body.expires_in);
      const type = typeof body.token_type === "string" && body.token_type !== "" ? body.token_type : "Bearer";
      return {
        token: body.access_token,
        // RFC 6749 token types are case-insensitive; servers commonly send "bearer".
        type: type.toLowerCase() === "bearer" ? "Bearer" : type,
        expiresAt:
          Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY,
      };
    } catch (err) {
      throw new Error(`cannot get oauth2 token from ${redactURL(o.tokenURL)}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }

  return async () => {
    if (current && Date.now() < current.expiresAt - TOKEN_EXPIRY_DELTA_MS) return current;
    pending ??= refresh()
      .then((t) => {
        current = t;
        return t;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
