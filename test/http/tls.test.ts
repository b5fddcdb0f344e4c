// HTTPS details of -httpListenAddr: -mtls/-mtlsCAFile, -tlsCipherSuites, certificates read again when
// their files change, and -httpListenAddr.useProxyProtocol (plain and TLS).
import { copyFileSync, readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/flagset.js";
import { httpOptionsFromFlags } from "../../src/http/flags.js";
import { makeCerts, makeClientCert, type SelfSignedCert } from "../helpers/faults.js";
import { type Started, start } from "./start.js";

let certs: SelfSignedCert;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs?.cleanup());

function port(s: Started): number {
  return Number(new URL(s.url).port);
}

/** One GET /health over a raw TLS connection; resolves with the status line or rejects on a TLS error. */
function tlsGet(
  p: number,
  opts: ConnectionOptions = {},
  prefix?: Buffer,
): Promise<{ status: string; sock: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const raw = netConnect(p, "127.0.0.1", () => {
      if (prefix) raw.write(prefix);
      const sock = tlsConnect({ socket: raw, ca: readFileSync(certs.caFile), servername: "tsalert.test", ...opts });
      sock.on("error", reject);
      sock.on("secureConnect", () => sock.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      let out = "";
      sock.on("data", (d) => {
        out += d;
      });
      sock.on("end", () => resolve({ status: out.split("\r\n")[0] as string, sock }));
      sock.on("close", () => resolve({ status: out.split("\r\n")[0] as string, sock }));
    });
    raw.on("error", reject);
  });
}

/** True when the server did not answer the request: a TLS error or a connection closed before a status. */
async function refused(p: Promise<{ status: string }>): Promise<boolean> {
  try {
    return (await p).status === "";
  } catch {
    return true;
  }
}

function plainGet(p: number, prefix: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = netConnect(p, "127.0.0.1", () => {
      sock.write(prefix);
      sock.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    });
    let out = "";
    sock.on("data", (d) => {
      out += d;
    });
    sock.on("close", () => resolve(out.split("\r\n")[0] as string));
    sock.on("error", reject);
  });
}

describe("-mtls", () => {
  it("requires a client certificate the -mtlsCAFile vouches for", async () => {
    const s = await start({
      tls: [{ certFile: certs.certFile, keyFile: certs.keyFile, mtls: true, mtlsCAFile: certs.caFile }],
    });
    try {
      const client = makeClientCert(certs, "grafana");
      const ok = await tlsGet(port(s), { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) });
      expect(ok.status).toBe("HTTP/1.1 200 OK");
      // Under TLS 1.3 the client learns only after the handshake: an error or a close without an answer.
      expect(await refused(tlsGet(port(s)))).toBe(true);
      const stranger = makeCerts();
      try {
        const other = makeClientCert(stranger, "stranger");
        expect(
          await refused(tlsGet(port(s), { cert: readFileSync(other.certFile), key: readFileSync(other.keyFile) })),
        ).toBe(true);
      } finally {
        stranger.cleanup();
      }
    } finally {
      await s.server.close();
    }
  });

  it("is a flag error without -tls", () => {
    const { flags } = parseFlags(["-httpListenAddr=127.0.0.1:0", "-mtls"], {});
    expect(() => httpOptionsFromFlags(flags)).toThrow("-mtls is set for -httpListenAddr #1 without -tls");
  });
});

describe("-tlsCipherSuites", () => {
  it("limits TLS 1.2 to the given suites, by Go's names", async () => {
    const s = await start({
      tls: [
        { certFile: certs.certFile, keyFile: certs.keyFile, cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] },
      ],
    });
    try {
      const ok = await tlsGet(port(s), { maxVersion: "TLSv1.2" });
      expect(ok.status).toBe("HTTP/1.1 200 OK");
      expect(ok.sock.getCipher().name).toBe("ECDHE-RSA-AES128-GCM-SHA256");
      await expect(tlsGet(port(s), { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384" })).rejects.toThrow(
        /handshake|alert|cipher|ECONNRESET/i,
      );
    } finally {
      await s.server.close();
    }
  });

  it("names an unknown suite", async () => {
    await expect(
      start({ tls: [{ certFile: certs.certFile, keyFile: certs.keyFile, cipherSuites: ["TLS_RSA_WITH_NOPE"] }] }),
    ).rejects.toThrow('-tlsCipherSuites: unknown cipher suite "TLS_RSA_WITH_NOPE"');
  });
});

describe("certificate files", () => {
  it("are read again when they change: new connections get the new certificate", async () => {
    const work = makeCerts();
    const next = makeCerts();
    try {
      const s = await start({ tls: [{ certFile: work.certFile, keyFile: work.keyFile }] });
      try {
        const first = await tlsGet(port(s), { ca: readFileSync(work.caFile) });
        expect(first.status).toBe("HTTP/1.1 200 OK");
        copyFileSync(next.certFile, work.certFile);
        copyFileSync(next.keyFile, work.keyFile);
        const deadline = Date.now() + 5000;
        let seen = "";
        while (Date.now() < deadline) {
          try {
            const r = await tlsGet(port(s), { ca: readFileSync(next.caFile) });
            seen = r.status;
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        expect(seen).toBe("HTTP/1.1 200 OK");
      } finally {
        await s.server.close();
      }
    } finally {
      work.cleanup();
      next.cleanup();
    }
  });
});

describe("-httpListenAddr.useProxyProtocol", () => {
  const v1 = Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 51234 8880\r\n");
  const v2 = Buffer.concat([
    Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c]),
    Buffer.from([203, 0, 113, 7, 10, 0, 0, 1, 0xc8, 0x22, 0x22, 0xb8]),
  ]);

  it("reads v1 and v2 headers on plain HTTP and closes connections without one", async () => {
    const s = await start({ proxyProtocol: [true] });
    try {
      expect(await plainGet(port(s), v1)).toBe("HTTP/1.1 200 OK");
      expect(await plainGet(port(s), v2)).toBe("HTTP/1.1 200 OK");
      expect(await plainGet(port(s), "")).toBe("");
      expect(await plainGet(port(s), "PROXY TCP4 nonsense\r\n")).toBe("");
    } finally {
      await s.server.close();
    }
  });

  it("reads the header before the TLS handshake", async () => {
    const s = await start({ proxyProtocol: [true], tls: [{ certFile: certs.certFile, keyFile: certs.keyFile }] });
    try {
      expect((await tlsGet(port(s), {}, v1)).status).toBe("HTTP/1.1 200 OK");
      expect((await tlsGet(port(s), {}, v2)).status).toBe("HTTP/1.1 200 OK");
    } finally {
      await s.server.close();
    }
  });
});
