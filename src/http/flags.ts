// Maps vmalert's HTTP server flags onto HttpServerOptions. Takes any reader with FlagSet's accessors
// (structural, so src/http does not depend on src/cli).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TsalertError } from "../errors.js";
import { registerSecret } from "../net/redact.js";
import type { HttpServerOptions, TlsListenOptions } from "./server.js";

export interface HttpFlagReader {
  string(name: string): string;
  bool(name: string): boolean;
  /** Milliseconds. */
  duration(name: string): number;
  int(name: string): number;
  list(name: string): string[];
  boolList(name: string): boolean[];
}

/**
 * vmalert's password flags (`-httpAuth.password`, `-*AuthKey`) take the secret itself or `file:///abs` /
 * `file://./rel`, whose content (without trailing newlines) is the secret.
 */
export function readPasswordFlag(name: string, value: string): string {
  if (!value.startsWith("file://")) return value;
  const path = value.slice("file://".length);
  try {
    const secret = readFileSync(resolve(path), "utf8").replace(/[\r\n]+$/, "");
    registerSecret(secret, { pinned: true });
    return secret;
  } catch (err) {
    // The path is not secret; the error says which flag and file.
    throw new TsalertError(
      "TSA_FLAG",
      `-${name}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
}

function tlsOptions(f: HttpFlagReader, addrs: number): (TlsListenOptions | undefined)[] | undefined {
  const on = f.boolList("tls");
  const mtlsOn = f.boolList("mtls");
  for (let i = 0; i < addrs; i++) {
    const isOn = (xs: boolean[]) => (xs.length === 1 ? xs[0] : xs[i]) === true;
    if (isOn(mtlsOn) && !isOn(on)) {
      throw new TsalertError(
        "TSA_FLAG",
        `-mtls is set for -httpListenAddr #${i + 1} without -tls: client certificates need HTTPS`,
      );
    }
  }
  if (!on.some(Boolean)) return undefined;
  const certs = f.list("tlsCertFile");
  const keys = f.list("tlsKeyFile");
  const mins = f.list("tlsMinVersion");
  const mtls = mtlsOn;
  const cas = f.list("mtlsCAFile");
  const cipherSuites = f.list("tlsCipherSuites");
  const at = (xs: string[], i: number) => (xs.length === 1 ? xs[0] : xs[i]) ?? "";
  const out: (TlsListenOptions | undefined)[] = [];
  for (let i = 0; i < addrs; i++) {
    if (!(on.length === 1 ? on[0] : on[i])) {
      out.push(undefined);
      continue;
    }
    const certFile = at(certs, i);
    const keyFile = at(keys, i);
    if (!certFile || !keyFile)
      throw new TsalertError(
        "TSA_FLAG",
        `-tls is set for -httpListenAddr #${i + 1}: -tlsCertFile and -tlsKeyFile are required`,
      );
    out.push({
      certFile,
      keyFile,
      minVersion: at(mins, i) || undefined,
      cipherSuites,
      mtls: (mtls.length === 1 ? mtls[0] : mtls[i]) === true,
      mtlsCAFile: at(cas, i) || undefined,
    });
  }
  return out;
}

function nonNegative(f: HttpFlagReader, name: string): number {
  const v = f.int(name);
  if (v < 0) throw new TsalertError("TSA_FLAG", `invalid value "${v}" for flag -${name}: want 0 (no limit) or more`);
  return v;
}

export function httpOptionsFromFlags(f: HttpFlagReader): HttpServerOptions {
  const listenAddrs = f.list("httpListenAddr");
  const addrs = listenAddrs.length > 0 ? listenAddrs : [":8880"];
  const opt = (s: string) => (s === "" ? undefined : s);
  return {
    listenAddrs: addrs,
    pathPrefix: opt(f.string("http.pathPrefix")),
    username: opt(f.string("httpAuth.username")),
    password: opt(readPasswordFlag("httpAuth.password", f.string("httpAuth.password"))),
    metricsAuthKey: opt(readPasswordFlag("metricsAuthKey", f.string("metricsAuthKey"))),
    flagsAuthKey: opt(readPasswordFlag("flagsAuthKey", f.string("flagsAuthKey"))),
    reloadAuthKey: opt(readPasswordFlag("reloadAuthKey", f.string("reloadAuthKey"))),
    shutdownDelayMs: f.duration("http.shutdownDelay"),
    maxGracefulShutdownMs: f.duration("http.maxGracefulShutdownDuration"),
    idleConnTimeoutMs: f.duration("http.idleConnTimeout"),
    connTimeoutMs: f.duration("http.connTimeout"),
    maxConcurrentConnections: nonNegative(f, "http.maxConcurrentConnections"),
    disableResponseCompression: f.bool("http.disableResponseCompression"),
    disableCORS: f.bool("http.disableCORS"),
    disableKeepAlive: f.bool("http.disableKeepAlive"),
    enableTCP6: f.bool("enableTCP6"),
    exposeMetadata: f.bool("metrics.exposeMetadata"),
    headers: {
      csp: opt(f.string("http.header.csp")),
      hsts: opt(f.string("http.header.hsts")),
      frameOptions: opt(f.string("http.header.frameOptions")),
      disableServerHostname: f.bool("http.header.disableServerHostname"),
    },
    tls: tlsOptions(f, addrs.length),
    proxyProtocol: f.boolList("httpListenAddr.useProxyProtocol"),
  };
}
