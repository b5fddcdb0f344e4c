import { errorMessage } from "../errors.js";

// The one owner of "credentials never leave the process": which strings are secret, and how text that
// may hold them (a peer's answer, a URL, a log line, a crash message) becomes text that does not.
//
//   registerSecret(value, {kind, pinned})  a credential ("credential", scrubbed everywhere) or a header
//                                           value sent to a peer ("header", scrubbed from peers' answers)
//   registerAuthorization(value)            an Authorization header value: the whole value, the part after
//                                           the scheme and, for Basic, the password inside the base64
//   registerHeaderSecrets(headers)          values of configured headers (kind by the header name)
//   registerURLSecrets(url)                 userinfo and credential-like query values of a URL
//   scrubSecrets(text)                      every registered credential, in every encoding, -> "<secret>"
//   scrubPeerText(text)                     the same plus registered header values: for peers' answers
//   peerSnippet(text, max)                  scrubPeerText, then cut to `max` characters
//   jsonErrorText(err)                      JSON.parse's message without the piece of input V8 quotes
//   redactURL(url, showURL)                 the URL without userinfo and credential-like query values,
//                                           also for strings the WHATWG URL parser rejects
//
// Every encoding a peer may echo a secret in is scrubbed: as is, URL-decoded, URL-encoded (component,
// form and URI encoding), JSON-escaped and HTML-escaped; basic auth also as the base64 of `user:pass`
// (registered from the Authorization header the client sent).

/** Query parameter and header names whose values are credentials: vmalert's `auth|pass|key|secret|token`. */
const SECRET_NAME = /auth|pass|key|secret|token/i;
/** What a scrubbed secret becomes. */
export const SECRET_REPLACEMENT = "<secret>";
/**
 * Shorter values are not scrubbed: replacing every "info" or "true" would mangle ordinary text (and the
 * JSON of log lines). Such values are still hidden where tsalert shows them by name (/flags, curl, API).
 */
export const MIN_SECRET_LENGTH = 6;
/** Secrets registered at run time (files re-read, OAuth2 tokens, config files): the newest are kept. */
const MAX_RUNTIME_SECRETS = 1024;
/** Headers tsalert sets itself for the protocol; their values are not secrets. */
const PROTOCOL_HEADERS = new Set([
  "accept",
  "accept-encoding",
  "content-encoding",
  "content-length",
  "content-type",
  "user-agent",
  "x-prometheus-remote-write-version",
]);

export type SecretKind = "credential" | "header";

export interface RegisterOptions {
  /** "header": a configured header value under an ordinary name, scrubbed from peers' answers only. */
  kind?: SecretKind;
  /** From the command line: kept for the life of the process (run-time ones are bounded, oldest go). */
  pinned?: boolean;
}

interface Entry {
  kind: SecretKind;
  forms: string[];
  /** Value of `added` when the entry last moved to the newest end of `runtime`. */
  at: number;
}

const pinned = new Map<string, Entry>();
/** Insertion order is recency: a re-registered value moves to the end. */
const runtime = new Map<string, Entry>();
/** Run-time entries added so far: an entry older than half the bound is moved to the newest end when seen. */
let added = 0;
/** Replaces every form in a text, leftmost and longest first (a form containing another goes whole). */
type Matcher = (text: string) => string;
let credentialMatcher: Matcher | undefined;
let allMatcher: Matcher | undefined;
let longestForm = 0;

function decodeQueryValue(v: string): string {
  try {
    return decodeURIComponent(v.replaceAll("+", " "));
  } catch {
    return v;
  }
}

function decodeComponent(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function htmlEscape(v: string): string {
  return v
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** encodeURI* throw on a lone surrogate (a hostile header value can hold one): that form then does not exist. */
function encoded(encode: (v: string) => string, v: string): string {
  try {
    return encode(v);
  } catch {
    return v;
  }
}

/** Every spelling of `value` a peer or an output format may produce. */
function formsOf(value: string): string[] {
  const out = new Set<string>();
  for (const v of new Set([value, decodeComponent(value), decodeQueryValue(value)])) {
    out.add(v);
    out.add(encoded(encodeURIComponent, v));
    out.add(new URLSearchParams([["", v]]).toString().slice(1));
    out.add(encoded(encodeURI, v));
    out.add(JSON.stringify(v).slice(1, -1));
    out.add(htmlEscape(v));
  }
  return [...out].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function changed(): void {
  credentialMatcher = undefined;
  allMatcher = undefined;
}

export function registerSecret(value: string, opts: RegisterOptions = {}): void {
  const kind = opts.kind ?? "credential";
  const known = runtime.get(value) ?? pinned.get(value);
  if (known) {
    // A header value also given as a credential is a credential.
    if (known.kind === "header" && kind === "credential") {
      known.kind = "credential";
      changed();
    }
    if (opts.pinned && !pinned.has(value)) {
      runtime.delete(value);
      pinned.set(value, known);
    } else if (added - known.at > MAX_RUNTIME_SECRETS / 2 && runtime.delete(value)) {
      // Still in use (sent again): keep it away from the eviction end, cheaply (rarely moves).
      known.at = added;
      runtime.set(value, known);
    }
    return;
  }
  if (value.trim().length < MIN_SECRET_LENGTH) return;
  const entry: Entry = { kind, forms: formsOf(value), at: added };
  if (opts.pinned) pinned.set(value, entry);
  else {
    added++;
    runtime.set(value, entry);
    if (runtime.size > MAX_RUNTIME_SECRETS) runtime.delete(runtime.keys().next().value as string);
  }
  changed();
}

/** `Basic <b64>`, `Bearer <token>` or any `<scheme> <credentials>` header value. */
export function registerAuthorization(value: string, opts: Omit<RegisterOptions, "kind"> = {}): void {
  const v = value.trim();
  // The hot path (every request): a value seen before was split and decoded then.
  const seen = runtime.has(v) || pinned.has(v);
  registerSecret(v, opts);
  if (seen && !opts.pinned) return;
  const space = v.indexOf(" ");
  if (space < 0) return;
  const creds = v.slice(space + 1).trim();
  registerSecret(creds, opts);
  if (v.slice(0, space).toLowerCase() !== "basic") return;
  const pair = Buffer.from(creds, "base64").toString("utf8");
  const colon = pair.indexOf(":");
  if (colon >= 0) registerSecret(pair.slice(colon + 1), opts);
}

/** Configured header values: credentials when the name says so, plain header values otherwise. */
export function registerHeaderSecrets(headers: Record<string, string>, opts: Omit<RegisterOptions, "kind"> = {}): void {
  for (const name in headers) {
    const value = headers[name] as string;
    const lower = name.toLowerCase();
    if (PROTOCOL_HEADERS.has(lower)) continue;
    if (lower === "authorization" || lower === "proxy-authorization") registerAuthorization(value, opts);
    else registerSecret(value, { pinned: opts.pinned, kind: SECRET_NAME.test(name) ? "credential" : "header" });
  }
}

/** Cheap test before parsing: most URLs (every datasource query) carry no credentials. */
const MAY_HOLD_SECRETS = /@|[?&;#][^=&#;]*(?:auth|pass|key|secret|token)/i;

export function registerURLSecrets(url: string, opts: Omit<RegisterOptions, "kind"> = {}): void {
  if (!MAY_HOLD_SECRETS.test(url)) return;
  for (const s of urlSecrets(url)) registerSecret(s, opts);
}

/**
 * Up to this many forms, one regular expression (an alternation, one pass: about a microsecond per log
 * line). Larger alternations fall off V8's fast path (hundreds of microseconds per line, half a second to
 * compile at 8,000 forms), so bigger sets use an index by the first two characters instead, whose cost
 * does not grow with the number of secrets.
 */
const MAX_PATTERN_FORMS = 400;

const isDigits = (f: string) => /^\d+$/.test(f);
const isDigit = (c: number) => c >= 48 && c <= 57;

function patternMatcher(sorted: readonly string[]): Matcher {
  // An all-digit secret must not match inside a longer number (a timestamp in a JSON log line).
  const source = sorted.map((f) => (isDigits(f) ? `(?<!\\d)${f}(?!\\d)` : f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const re = new RegExp(source.join("|"), "g");
  return (text) => text.replace(re, SECRET_REPLACEMENT);
}

function indexMatcher(sorted: readonly string[]): Matcher {
  // Forms are at least MIN_SECRET_LENGTH long, so their first two characters always exist.
  const buckets = new Map<number, string[]>();
  for (const f of sorted) {
    const key = f.charCodeAt(0) * 65536 + f.charCodeAt(1);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(f);
    else buckets.set(key, [f]);
  }
  const at = (text: string, i: number) => (f: string) =>
    text.startsWith(f, i) &&
    (!isDigits(f) || ((i === 0 || !isDigit(text.charCodeAt(i - 1))) && !isDigit(text.charCodeAt(i + f.length))));
  return (text) => {
    let out = "";
    let last = 0;
    let i = 0;
    while (i + MIN_SECRET_LENGTH <= text.length) {
      const hit = buckets.get(text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1))?.find(at(text, i));
      if (hit === undefined) {
        i++;
        continue;
      }
      out += `${text.slice(last, i)}${SECRET_REPLACEMENT}`;
      i += hit.length;
      last = i;
    }
    return last === 0 ? text : out + text.slice(last);
  };
}

function matcher(kinds: readonly SecretKind[]): Matcher {
  const forms = new Set<string>();
  for (const map of [pinned, runtime]) {
    for (const e of map.values()) if (kinds.includes(e.kind)) for (const f of e.forms) forms.add(f);
  }
  if (forms.size === 0) return (text) => text;
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  longestForm = Math.max(longestForm, sorted[0]?.length ?? 0);
  return sorted.length <= MAX_PATTERN_FORMS ? patternMatcher(sorted) : indexMatcher(sorted);
}

/** Every registered credential replaced by "<secret>": for logs, errors, crash output. */
export function scrubSecrets(text: string): string {
  credentialMatcher ??= matcher(["credential"]);
  return credentialMatcher(text);
}

/** scrubSecrets plus the header values tsalert sends: for anything a peer answered. */
export function scrubPeerText(text: string): string {
  allMatcher ??= matcher(["credential", "header"]);
  return allMatcher(text);
}

/**
 * A peer's answer for an error message: scrubbed, then cut to `max` characters (bytes of a Buffer).
 * Scrubbing first, on a window a little longer than `max`, means the cut never leaves the first half of
 * a secret behind.
 */
export function peerSnippet(body: string | Uint8Array, max: number): string {
  allMatcher ??= matcher(["credential", "header"]);
  const window = max + longestForm;
  const size = body.length;
  const text =
    typeof body === "string"
      ? body.slice(0, window)
      : Buffer.from(body.buffer, body.byteOffset, Math.min(size, window)).toString("utf8");
  const safe = scrubPeerText(text);
  return safe.length > max || size > window ? `${safe.slice(0, max)}... (${size} bytes)` : safe;
}

/**
 * JSON.parse's message without the part of the input V8 quotes (`Unexpected token 'x', "…" is not valid
 * JSON`): that window is cut at arbitrary places, so it may hold half a secret no scrubber recognises.
 */
export function jsonErrorText(err: unknown): string {
  const msg = errorMessage(err);
  return msg.replace(/,\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?\s*is not valid JSON$/, " is not valid JSON");
}

/** `//` followed by userinfo: everything up to the last `@` before whitespace (a mangled scheme too). */
const USERINFO_TEXT = /(\/\/)(\S*)@/;
const PARAM_TEXT = /([?&;])([^=&#;\s]*)=([^&#;\s]*)/g;

/** Textual redaction for strings the WHATWG parser rejects (bad port, stray spaces, broken brackets). */
function redactURLText(text: string): string {
  return text
    .replace(USERINFO_TEXT, "$1")
    .replace(PARAM_TEXT, (m, sep: string, name: string, value: string) =>
      value !== "" && SECRET_NAME.test(name) ? `${sep}${name}=secret` : m,
    );
}

/**
 * The URL as it may appear in logs, errors, metrics and the UI: without userinfo, and with the values of
 * query parameters that look like credentials replaced by "secret". showURL returns the URL unchanged.
 */
export function redactURL(url: string, showURL = false): string {
  if (showURL) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactURLText(url);
  }
  let changedURL = false;
  if (u.username !== "" || u.password !== "") {
    u.username = "";
    u.password = "";
    changedURL = true;
  }
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_NAME.test(name)) {
      u.searchParams.set(name, "secret");
      changedURL = true;
    }
  }
  return changedURL ? u.toString() : url;
}

/**
 * The credentials a URL carries: the userinfo password (the username when there is no password, as in
 * `https://TOKEN@host`) and the values of credential-like parameters, as written in the URL.
 */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  if (u) {
    if (u.password !== "") out.push(u.password);
    else if (u.username !== "") out.push(u.username);
  } else {
    const info = USERINFO_TEXT.exec(url)?.[2];
    if (info !== undefined) {
      const colon = info.indexOf(":");
      out.push(colon >= 0 ? info.slice(colon + 1) : info);
    }
  }
  for (const m of url.matchAll(PARAM_TEXT)) {
    const [, , name, value] = m;
    if (value !== "" && SECRET_NAME.test(name)) out.push(value);
  }
  return out.filter((s) => s !== "");
}

/** Whether a name (query parameter, header) is one whose value is a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
