// -notifier.config (vmalert's docs, "Notifier configuration file"): a Prometheus-style `alerting` section in its own file. Parsing validates
// everything up front (unknown top-level keys, relabel configs, durations) and names file:line.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { LineCounter } from "yaml";
import { parseRuleDuration } from "../config/duration.js";
import { substituteEnv } from "../config/envsubst.js";
import { Locator, type Path } from "../config/locate.js";
import { parseYamlDocument } from "../config/yaml.js";
import { errorMessage, TsalertError } from "../errors.js";
import type { ClientOptions } from "../net/types.js";
import { DEFAULT_SEND_TIMEOUT_MS } from "./alertmanager.js";
import { parseRelabelConfig, type RelabelRule } from "./relabel.js";

export type DnsRecordType = "A" | "AAAA" | "SRV" | "MX";

export interface StaticGroup {
  targets: string[];
  client: ClientOptions;
  alertRelabel: RelabelRule[];
}

export interface DnsGroup {
  names: string[];
  type: DnsRecordType;
  port: number;
  alertRelabel: RelabelRule[];
}

export interface NotifierFileConfig {
  file: string;
  checksum: string;
  scheme: "http" | "https";
  /** Normalized: starts with "/", no trailing "/" unless it is "/". */
  pathPrefix: string;
  timeoutMs: number;
  client: ClientOptions;
  relabel: RelabelRule[];
  alertRelabel: RelabelRule[];
  static: StaticGroup[];
  dns: DnsGroup[];
}

const TOP_KEYS = new Set([
  "scheme",
  "path_prefix",
  "timeout",
  "basic_auth",
  "authorization",
  "bearer_token",
  "bearer_token_file",
  "tls_config",
  "oauth2",
  "headers",
  "static_configs",
  "consul_sd_configs",
  "dns_sd_configs",
  "relabel_configs",
  "alert_relabel_configs",
]);

type Obj = Record<string, unknown>;

class Ctx {
  constructor(
    readonly file: string,
    readonly loc: Locator,
  ) {}
  fail(path: Path, msg: string, which: "value" | "key" = "value"): never {
    const p = this.loc.pos(path, which);
    throw new TsalertError("TSA_CONFIG", `${this.file}:${p.line}: ${msg}`);
  }
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function str(ctx: Ctx, o: Obj, key: string, path: Path): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
    ctx.fail([...path, key], `${key} must be a string`);
  }
  return String(v);
}

function obj(ctx: Ctx, o: Obj, key: string, path: Path): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) ctx.fail([...path, key], `${key} must be a mapping`);
  return v;
}

function list(ctx: Ctx, o: Obj, key: string, path: Path): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) ctx.fail([...path, key], `${key} must be a list`);
  return v;
}

function stringList(ctx: Ctx, o: Obj, key: string, path: Path): string[] {
  return list(ctx, o, key, path).map((v, i) => {
    if (typeof v !== "string") ctx.fail([...path, key, i], `${key}[${i}] must be a string`);
    return v;
  });
}

function relabelList(ctx: Ctx, o: Obj, key: string, path: Path): RelabelRule[] {
  return list(ctx, o, key, path).map((item, i) => {
    try {
      return parseRelabelConfig(item);
    } catch (err) {
      return ctx.fail([...path, key, i], `${key}[${i}]: ${errorMessage(err)}`);
    }
  });
}

/** Client settings of a block (top level or one static config); `inherit` fills what the block leaves out. */
function clientOptions(ctx: Ctx, o: Obj, path: Path, inherit?: ClientOptions): ClientOptions {
  const out: ClientOptions = {};
  const ba = obj(ctx, o, "basic_auth", path);
  if (ba) {
    out.basicAuth = {
      username: str(ctx, ba, "username", [...path, "basic_auth"]),
      password: str(ctx, ba, "password", [...path, "basic_auth"]),
      passwordFile: str(ctx, ba, "password_file", [...path, "basic_auth"]),
    };
  }
  const bearer = str(ctx, o, "bearer_token", path);
  const bearerFile = str(ctx, o, "bearer_token_file", path);
  if (bearer) out.bearerToken = bearer;
  if (bearerFile) out.bearerTokenFile = bearerFile;
  const authz = obj(ctx, o, "authorization", path);
  if (authz) {
    const ap = [...path, "authorization"];
    const type = str(ctx, authz, "type", ap) ?? "Bearer";
    const creds = str(ctx, authz, "credentials", ap);
    const credsFile = str(ctx, authz, "credentials_file", ap);
    if (type.toLowerCase() === "bearer") {
      if (creds) out.bearerToken = creds;
      if (credsFile) out.bearerTokenFile = credsFile;
    } else {
      if (credsFile) ctx.fail([...ap, "credentials_file"], `credentials_file is only supported with type Bearer`);
      out.headers = { ...out.headers, Authorization: `${type} ${creds ?? ""}` };
    }
  }
  const tls = obj(ctx, o, "tls_config", path);
  if (tls) {
    const tp = [...path, "tls_config"];
    out.tls = {
      caFile: str(ctx, tls, "ca_file", tp),
      certFile: str(ctx, tls, "cert_file", tp),
      keyFile: str(ctx, tls, "key_file", tp),
      serverName: str(ctx, tls, "server_name", tp),
      insecureSkipVerify: tls.insecure_skip_verify === true,
    };
  }
  const oa = obj(ctx, o, "oauth2", path);
  if (oa) {
    const op = [...path, "oauth2"];
    const tokenURL = str(ctx, oa, "token_url", op);
    if (!tokenURL) ctx.fail(op, "oauth2 requires token_url");
    const params = obj(ctx, oa, "endpoint_params", op);
    out.oauth2 = {
      clientID: str(ctx, oa, "client_id", op) ?? "",
      clientSecret: str(ctx, oa, "client_secret", op),
      clientSecretFile: str(ctx, oa, "client_secret_file", op),
      tokenURL,
      scopes: stringList(ctx, oa, "scopes", op),
      endpointParams: params ? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) : undefined,
    };
  }
  const headers = stringList(ctx, o, "headers", path);
  if (headers.length > 0) {
    out.headers = { ...out.headers };
    headers.forEach((h, i) => {
      const c = h.indexOf(":");
      if (c <= 0) ctx.fail([...path, "headers", i], `header "${h}" must be "Name: value"`);
      (out.headers as Record<string, string>)[h.slice(0, c).trim()] = h.slice(c + 1).trim();
    });
  }
  const kinds = [
    out.basicAuth ? "basic_auth" : "",
    out.bearerToken || out.bearerTokenFile ? "bearer token" : "",
    out.oauth2 ? "oauth2" : "",
  ].filter(Boolean);
  if (kinds.length > 1) ctx.fail(path, `only one of ${kinds.join(", ")} may be set`);
  if (!inherit) return out;
  const hasAuth = kinds.length > 0 || out.headers?.Authorization !== undefined;
  return {
    ...(hasAuth
      ? {}
      : {
          basicAuth: inherit.basicAuth,
          bearerToken: inherit.bearerToken,
          bearerTokenFile: inherit.bearerTokenFile,
          oauth2: inherit.oauth2,
        }),
    ...out,
    tls: out.tls ?? inherit.tls,
    headers: out.headers ?? inherit.headers,
  };
}

function normalizePrefix(p: string): string {
  const trimmed = p.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "/" : `/${trimmed}`;
}

/** Parses the text of a notifier config file; `file` is used in messages. */
export function parseNotifierConfig(text: string, file: string): NotifierFileConfig {
  const lines = new LineCounter();
  const doc = parseYamlDocument(substituteEnv(text), { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    throw new TsalertError(
      "TSA_CONFIG",
      `${file}:${pos?.line ?? 1}: cannot parse notifier config: ${e?.message.split("\n")[0]}`,
    );
  }
  const ctx: Ctx = new Ctx(file, new Locator(doc, lines));
  const data: unknown = doc.toJS() ?? {};
  if (!isObj(data)) ctx.fail([], "notifier config must be a mapping");
  const unknown = Object.keys(data).filter((k) => !TOP_KEYS.has(k));
  if (unknown.length > 0) ctx.fail([unknown[0] as string], `unknown fields in ${file}: ${unknown.join(", ")}`, "key");

  const schemeText = (str(ctx, data, "scheme", []) ?? "http").toLowerCase();
  if (schemeText !== "http" && schemeText !== "https")
    ctx.fail(["scheme"], `scheme must be http or https, got "${schemeText}"`);
  let timeoutMs = DEFAULT_SEND_TIMEOUT_MS;
  if (data.timeout !== undefined && data.timeout !== null) {
    const t = parseRuleDuration(data.timeout);
    if (t === null || t <= 0) ctx.fail(["timeout"], `invalid timeout ${JSON.stringify(data.timeout)}`);
    timeoutMs = t;
  }
  if (list(ctx, data, "consul_sd_configs", []).length > 0) {
    ctx.fail(
      ["consul_sd_configs"],
      "consul_sd_configs are not supported by tsalert yet; use static_configs or dns_sd_configs",
      "key",
    );
  }
  const client = clientOptions(ctx, data, []);
  const statics = list(ctx, data, "static_configs", []).map((item, i): StaticGroup => {
    const path = ["static_configs", i];
    if (!isObj(item)) ctx.fail(path, "static_configs entry must be a mapping");
    return {
      targets: stringList(ctx, item, "targets", path),
      client: clientOptions(ctx, item, path, client),
      alertRelabel: relabelList(ctx, item, "alert_relabel_configs", path),
    };
  });
  const dns = list(ctx, data, "dns_sd_configs", []).map((item, i): DnsGroup => {
    const path = ["dns_sd_configs", i];
    if (!isObj(item)) ctx.fail(path, "dns_sd_configs entry must be a mapping");
    const names = stringList(ctx, item, "names", path);
    if (names.length === 0) ctx.fail(path, "dns_sd_configs entry needs at least one name");
    const type = (str(ctx, item, "type", path) ?? "SRV").toUpperCase();
    if (!["A", "AAAA", "SRV", "MX"].includes(type))
      ctx.fail([...path, "type"], `unsupported DNS record type "${type}"`);
    const port = item.port === undefined ? 0 : Number(item.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      ctx.fail([...path, "port"], `invalid port ${String(item.port)}`);
    if (type !== "SRV" && port === 0) ctx.fail(path, `dns_sd_configs with type ${type} need a port`);
    return {
      names,
      type: type as DnsRecordType,
      port,
      alertRelabel: relabelList(ctx, item, "alert_relabel_configs", path),
    };
  });
  return {
    file,
    checksum: createHash("sha256").update(text).digest("hex"),
    scheme: schemeText as "http" | "https",
    pathPrefix: normalizePrefix(str(ctx, data, "path_prefix", []) ?? "/"),
    timeoutMs,
    client,
    relabel: relabelList(ctx, data, "relabel_configs", []),
    alertRelabel: relabelList(ctx, data, "alert_relabel_configs", []),
    static: statics,
    dns,
  };
}

export async function loadNotifierConfig(file: string): Promise<NotifierFileConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new TsalertError("TSA_CONFIG", `cannot read -notifier.config "${file}": ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return parseNotifierConfig(text, file);
}
