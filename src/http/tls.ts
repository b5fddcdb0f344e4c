// HTTPS for -httpListenAddr as VictoriaMetrics' servers do it: -tlsCertFile/-tlsKeyFile (read again when
// they change, checked every second, so renewed certificates need no restart), -tlsMinVersion,
// -tlsCipherSuites (Go's suite names) and -mtls/-mtlsCAFile (client certificates required).
import { readFileSync, statSync } from "node:fs";
import type { SecureContextOptions, SecureVersion, TlsOptions } from "node:tls";
import { errorMessage, TsalertError } from "../errors.js";

export interface TlsListenOptions {
  certFile: string;
  keyFile: string;
  /** Go names: TLS10, TLS11, TLS12 (default), TLS13. */
  minVersion?: string;
  /** Go's names of TLS 1.0-1.2 cipher suites (-tlsCipherSuites); empty = node's defaults. */
  cipherSuites?: string[];
  /** -mtls: clients must present a certificate that -mtlsCAFile (else the system CAs) vouches for. */
  mtls?: boolean;
  mtlsCAFile?: string;
}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: "TLSv1",
  TLS11: "TLSv1.1",
  TLS12: "TLSv1.2",
  TLS13: "TLSv1.3",
};

/**
 * Go's crypto/tls suite names and their OpenSSL names. TLS 1.3 suites are not configurable in Go (its
 * names are accepted and change nothing, as there).
 */
const CIPHER_SUITES: Record<string, string> = {
  TLS_RSA_WITH_RC4_128_SHA: "RC4-SHA",
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: "DES-CBC3-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA: "AES128-SHA",
  TLS_RSA_WITH_AES_256_CBC_SHA: "AES256-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA256: "AES128-SHA256",
  TLS_RSA_WITH_AES_128_GCM_SHA256: "AES128-GCM-SHA256",
  TLS_RSA_WITH_AES_256_GCM_SHA384: "AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: "ECDHE-ECDSA-RC4-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "ECDHE-ECDSA-AES128-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "ECDHE-ECDSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: "ECDHE-RSA-RC4-SHA",
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: "ECDHE-RSA-DES-CBC3-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "ECDHE-RSA-AES128-SHA",
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "ECDHE-RSA-AES256-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: "ECDHE-ECDSA-AES128-SHA256",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: "ECDHE-RSA-AES128-SHA256",
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
  TLS_AES_128_GCM_SHA256: "",
  TLS_AES_256_GCM_SHA384: "",
  TLS_CHACHA20_POLY1305_SHA256: "",
};
// Go's aliases of the CHACHA20 suites.
CIPHER_SUITES.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305 =
  CIPHER_SUITES.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 as string;
CIPHER_SUITES.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305 =
  CIPHER_SUITES.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 as string;

function readFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TsalertError("TSA_FLAG", `${flag}=${JSON.stringify(file)}: ${errorMessage(err)}`);
  }
}

/** OpenSSL's cipher list for -tlsCipherSuites; throws a flag error naming an unknown suite. */
export function cipherList(names: readonly string[]): string | undefined {
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === "") continue;
    const openssl = CIPHER_SUITES[name.toUpperCase()];
    if (openssl === undefined) {
      throw new TsalertError(
        "TSA_FLAG",
        `-tlsCipherSuites: unknown cipher suite ${JSON.stringify(name)}; want Go's names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`,
      );
    }
    if (openssl !== "") out.push(openssl);
  }
  return out.length > 0 ? out.join(":") : undefined;
}

function certificate(t: TlsListenOptions): Pick<SecureContextOptions, "cert" | "key"> {
  return { cert: readFlagFile("-tlsCertFile", t.certFile), key: readFlagFile("-tlsKeyFile", t.keyFile) };
}

/** Options for https.createServer; flag errors (unreadable files, unknown names) are thrown here. */
export function tlsServerOptions(t: TlsListenOptions): TlsOptions {
  const minVersion = TLS_VERSIONS[(t.minVersion || "TLS12").toUpperCase()];
  if (!minVersion) {
    throw new TsalertError(
      "TSA_FLAG",
      `-tlsMinVersion=${JSON.stringify(t.minVersion)}: want TLS10, TLS11, TLS12 or TLS13`,
    );
  }
  const out: TlsOptions = { ...certificate(t), minVersion };
  const ciphers = cipherList(t.cipherSuites ?? []);
  if (ciphers) out.ciphers = ciphers;
  if (t.mtls) {
    out.requestCert = true;
    out.rejectUnauthorized = true;
    if (t.mtlsCAFile) out.ca = readFlagFile("-mtlsCAFile", t.mtlsCAFile);
  }
  return out;
}

/**
 * Checks the certificate and key files every second and hands a changed pair to `apply`
 * (server.setSecureContext). A pair that cannot be read or used is reported once and the old one stays.
 */
export function watchCertificate(
  t: TlsListenOptions,
  apply: (ctx: TlsOptions) => void,
  report: (msg: string) => void,
  everyMs = 1000,
): () => void {
  const stamp = () => {
    try {
      const a = statSync(t.certFile);
      const b = statSync(t.keyFile);
      return `${a.mtimeMs}/${a.size}/${b.mtimeMs}/${b.size}`;
    } catch {
      return "";
    }
  };
  let last = stamp();
  let failed = "";
  const timer = setInterval(() => {
    const now = stamp();
    if (now === "" || now === last) return;
    try {
      apply(tlsServerOptions(t));
      last = now;
      failed = "";
    } catch (err) {
      const msg = `cannot use the changed -tlsCertFile/-tlsKeyFile; keeping the previous ones: ${errorMessage(err)}`;
      if (msg !== failed) report(msg);
      failed = msg;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
