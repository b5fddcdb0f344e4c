import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FlagSet } from "../../src/cli/flagset.js";
import { httpOptionsFromFlags, readPasswordFlag } from "../../src/http/flags.js";

function flags(args: Record<string, string>): FlagSet {
  const fs = new FlagSet();
  for (const [k, v] of Object.entries(args)) fs.set(k, v);
  return fs;
}

describe("httpOptionsFromFlags", () => {
  it("uses vmalert's defaults", () => {
    const o = httpOptionsFromFlags(new FlagSet());
    expect(o).toMatchObject({
      listenAddrs: [":8880"],
      pathPrefix: undefined,
      username: undefined,
      password: undefined,
      shutdownDelayMs: 0,
      maxGracefulShutdownMs: 7000,
      idleConnTimeoutMs: 60_000,
      maxConcurrentConnections: 1000,
      disableResponseCompression: false,
      tls: undefined,
    });
  });

  it("-http.maxConcurrentConnections: 0 means no limit, negative is a flag error", () => {
    expect(httpOptionsFromFlags(flags({ "http.maxConcurrentConnections": "0" })).maxConcurrentConnections).toBe(0);
    expect(() => httpOptionsFromFlags(flags({ "http.maxConcurrentConnections": "-1" }))).toThrow(
      /-http\.maxConcurrentConnections/,
    );
  });

  it("maps the HTTP flags, reading file:// passwords", async () => {
    const dir = await mkdtemp(join(tmpdir(), "http-flags-"));
    try {
      await writeFile(join(dir, "pw"), "from-file\n");
      const o = httpOptionsFromFlags(
        flags({
          httpListenAddr: "127.0.0.1:1,[::1]:2",
          "http.pathPrefix": "/alerting",
          "httpAuth.username": "u",
          "httpAuth.password": `file://${join(dir, "pw")}`,
          metricsAuthKey: "mk",
          "http.shutdownDelay": "1.5s",
          tls: "true",
          tlsCertFile: "/c.pem",
          tlsKeyFile: "/k.pem",
          tlsMinVersion: "TLS13",
          tlsCipherSuites: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          mtls: "false,true",
          mtlsCAFile: ",/ca.pem",
          "httpListenAddr.useProxyProtocol": "true",
          "http.header.frameOptions": "DENY",
        }),
      );
      expect(o).toMatchObject({
        listenAddrs: ["127.0.0.1:1", "[::1]:2"],
        pathPrefix: "/alerting",
        username: "u",
        password: "from-file",
        metricsAuthKey: "mk",
        shutdownDelayMs: 1500,
        headers: { frameOptions: "DENY" },
      });
      const suites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"];
      expect(o.tls).toEqual([
        { certFile: "/c.pem", keyFile: "/k.pem", minVersion: "TLS13", cipherSuites: suites, mtls: false },
        {
          certFile: "/c.pem",
          keyFile: "/k.pem",
          minVersion: "TLS13",
          cipherSuites: suites,
          mtls: true,
          mtlsCAFile: "/ca.pem",
        },
      ]);
      expect(o.proxyProtocol).toEqual([true]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("errors name the flag, never the secret", () => {
    expect(() => httpOptionsFromFlags(flags({ tls: "true" }))).toThrow(/-tlsCertFile and -tlsKeyFile are required/);
    expect(() => readPasswordFlag("reloadAuthKey", "file:///no/such/file")).toThrow(
      "-reloadAuthKey: cannot read /no/such/file: ENOENT",
    );
    expect(readPasswordFlag("x", "plain")).toBe("plain");
  });
});
