// Maps the `-<prefix>.*` auth, TLS, header and connection flags onto the ClientOptions every outbound
// client takes. One function per flag family, so -datasource, -remoteRead, each -remoteWrite.url and
// each -notifier.url read their flags the same way.
import { errorMessage, TsalertError } from "../errors.js";
import { parseHeaders } from "../net/headers.js";
import type { AuthOptions, ClientOptions, OAuth2Options, TlsOptions } from "../net/types.js";
import type { NotifierURLOptions } from "../notifier/set.js";
import { FLAGS, FLAGS_BY_NAME } from "./flags.js";
import type { FlagSet } from "./flagset.js";

/** Reads flag `name` as a plain value, or item `i` of a per-URL array flag. */
type Reader = (name: string) => string;
type BoolReader = (name: string) => boolean;

function oauth2(prefix: string, str: Reader): OAuth2Options | undefined {
  const clientID = str(`${prefix}.oauth2.clientID`);
  const tokenURL = str(`${prefix}.oauth2.tokenUrl`);
  if (clientID === "" && tokenURL === "") return undefined;
  if (clientID === "" || tokenURL === "") {
    throw new TsalertError(
      "TSA_FLAG",
      `-${prefix}.oauth2.clientID and -${prefix}.oauth2.tokenUrl must be set together`,
    );
  }
  let endpointParams: Record<string, string> | undefined;
  const params = str(`${prefix}.oauth2.endpointParams`);
  if (params !== "") {
    try {
      const parsed: unknown = JSON.parse(params);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      endpointParams = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch (err) {
      throw new TsalertError(
        "TSA_FLAG",
        `-${prefix}.oauth2.endpointParams: want a JSON object of strings: ${errorMessage(err)}`,
      );
    }
  }
  const scopes = str(`${prefix}.oauth2.scopes`)
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    clientID,
    tokenURL,
    clientSecret: str(`${prefix}.oauth2.clientSecret`) || undefined,
    clientSecretFile: str(`${prefix}.oauth2.clientSecretFile`) || undefined,
    scopes: scopes.length > 0 ? scopes : undefined,
    endpointParams,
  };
}

function authOptions(prefix: string, str: Reader, bool: BoolReader): AuthOptions {
  const opt = (name: string) => str(`${prefix}.${name}`) || undefined;
  const basic = {
    username: opt("basicAuth.username"),
    usernameFile: opt("basicAuth.usernameFile"),
    password: opt("basicAuth.password"),
    passwordFile: opt("basicAuth.passwordFile"),
  };
  const tls: TlsOptions = {
    caFile: opt("tlsCAFile"),
    certFile: opt("tlsCertFile"),
    keyFile: opt("tlsKeyFile"),
    serverName: opt("tlsServerName"),
    insecureSkipVerify: bool(`${prefix}.tlsInsecureSkipVerify`) || undefined,
  };
  const defined = (o: object) => Object.values(o).some((v) => v !== undefined);
  return {
    basicAuth: defined(basic) ? basic : undefined,
    bearerToken: opt("bearerToken"),
    bearerTokenFile: opt("bearerTokenFile"),
    oauth2: oauth2(prefix, str),
    tls: defined(tls) ? tls : undefined,
  };
}

/** ClientOptions of a single-target prefix: datasource or remoteRead. */
export function clientOptionsFromFlags(flags: FlagSet, prefix: "datasource" | "remoteRead"): ClientOptions {
  // -remoteRead has no keep-alive flags of its own.
  const has = (name: string) => FLAGS_BY_NAME.has(name);
  return {
    ...authOptions(
      prefix,
      (n) => flags.string(n),
      (n) => flags.bool(n),
    ),
    headers: parseHeaders(flags.string(`${prefix}.headers`), `${prefix}.headers`),
    idleConnTimeout: flags.duration(`${prefix}.idleConnTimeout`),
    maxIdleConnections: has(`${prefix}.maxIdleConnections`) ? flags.int(`${prefix}.maxIdleConnections`) : undefined,
    disableKeepAlive: has(`${prefix}.disableKeepAlive`) ? flags.bool(`${prefix}.disableKeepAlive`) : undefined,
    showURL: flags.bool(`${prefix}.showURL`),
    enableTCP6: flags.bool("enableTCP6"),
  };
}

/** The per-URL flags of -remoteWrite.url (vmagent's array flags): auth, TLS, headers, disk bound. */
export const REMOTE_WRITE_PER_URL_FLAGS: readonly string[] = FLAGS.filter(
  (d) => d.name.startsWith("remoteWrite.") && d.name !== "remoteWrite.url" && d.type.startsWith("array"),
).map((d) => d.name);

/**
 * Reads item `i` of a -remoteWrite.url per-URL flag: vmagent's rule (one item per URL, a single item
 * applies to all). With a single -remoteWrite.url, a flag given once is taken whole, commas and all,
 * as vmalert reads these flags (it has one URL and plain string flags).
 */
export function remoteWriteItem(
  flags: FlagSet,
  name: string,
  i: number,
  urls: number,
): string | number | boolean | undefined {
  const texts = flags.texts(name);
  if (urls === 1 && texts.length === 1 && FLAGS_BY_NAME.get(name)?.type === "array") return texts[0];
  return flags.itemAt(name, i);
}

/** Refuses per-URL flags with more values than there are -remoteWrite.url (a comma in a value is the usual cause). */
export function checkRemoteWriteItems(flags: FlagSet, urls: number): void {
  for (const name of REMOTE_WRITE_PER_URL_FLAGS) {
    const texts = flags.texts(name);
    // One URL, a text given once: read whole (see remoteWriteItem), for the string flags.
    if (texts.length === 0 || (urls === 1 && texts.length === 1 && FLAGS_BY_NAME.get(name)?.type === "array")) continue;
    const items = flags.itemCount(name);
    if (items > Math.max(1, urls)) {
      throw new TsalertError(
        "TSA_FLAG",
        `-${name} has ${items} values for ${urls} -remoteWrite.url: give one value per URL, or one for all (quote a value that contains a comma)`,
      );
    }
  }
}

/** ClientOptions of -remoteWrite.url number i of `urls`. */
export function remoteWriteClientOptions(flags: FlagSet, i: number, urls: number): ClientOptions {
  const str = (n: string) => String(remoteWriteItem(flags, n, i, urls) ?? "");
  const bool = (n: string) => remoteWriteItem(flags, n, i, urls) === true;
  return {
    ...authOptions("remoteWrite", str, bool),
    headers: parseHeaders(str("remoteWrite.headers"), "remoteWrite.headers"),
    idleConnTimeout: flags.duration("remoteWrite.idleConnTimeout"),
    maxIdleConnections: flags.int("remoteWrite.maxIdleConnections"),
    showURL: flags.bool("remoteWrite.showURL"),
    enableTCP6: flags.bool("enableTCP6"),
  };
}

/** One NotifierURLOptions per -notifier.url, with item i of every per-URL flag (vmalert's rule: one item applies to all). */
export function notifierURLsFromFlags(flags: FlagSet): NotifierURLOptions[] {
  return flags.list("notifier.url").map((url, i) => {
    const str = (n: string) => String(flags.itemAt(n, i) ?? "");
    const bool = (n: string) => flags.itemAt(n, i) === true;
    const timeout = flags.itemAt("notifier.sendTimeout", i);
    return {
      url,
      ...authOptions("notifier", str, bool),
      headers: parseHeaders(str("notifier.headers"), "notifier.headers"),
      sendTimeout: typeof timeout === "number" ? timeout : undefined,
      showURL: flags.bool("notifier.showURL"),
    };
  });
}
