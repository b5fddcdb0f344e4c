// A loopback HTTP peer for what real servers cannot do on demand: hang, fail with 5xx, send garbage or
// huge bodies, reset connections, and echo request headers for auth checks. Stopped by the test.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** Client port of the connection: equal for requests on one kept-alive connection. */
  remotePort: number;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => unknown;

export interface FaultServer {
  url: string;
  seen: SeenRequest[];
  /** Replace the handler for following requests. */
  handle(h: Handler): void;
  stop(): Promise<void>;
}

async function listen(server: Server, tls: boolean, initial: Handler): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let handler = initial;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        remotePort: req.socket.remotePort ?? 0,
      };
      seen.push(r);
      Promise.resolve(handler(r, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    seen,
    handle(h) {
      handler = h;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function startFaultServer(handler: Handler = (_r, res) => res.end()): Promise<FaultServer> {
  return listen(createHttp(), false, handler);
}

export interface SelfSignedCert {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  cleanup(): void;
}

/** A CA and a server certificate for "tsalert.test" and 127.0.0.1, made by the openssl CLI. */
export function makeCerts(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), "tsalert-tls-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tsalert test CA"].concat([
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ]),
  );
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=tsalert.test",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  ]);
  const ext = join(dir, "ext.cnf");
  execFileSync("sh", ["-c", `printf 'subjectAltName=DNS:tsalert.test,IP:127.0.0.1\\n' > ${ext}`]);
  run(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2"].concat([
      "-out",
      "server.pem",
      "-extfile",
      ext,
    ]),
  );
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "server.pem"),
    keyFile: join(dir, "server.key"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function startTlsFaultServer(cert: SelfSignedCert, handler: Handler): Promise<FaultServer> {
  const server = createHttps({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) });
  return listen(server, true, handler);
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

/** A client certificate for `cn`, signed by the CA of `certs` (for mTLS), written beside it. */
export function makeClientCert(certs: SelfSignedCert, cn: string): { certFile: string; keyFile: string } {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: certs.dir, stdio: "pipe" });
  const name = cn.replace(/[^a-z0-9]/gi, "_");
  run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${cn}`, "-keyout", `${name}.key`, "-out", `${name}.csr`]);
  run(
    ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2"].concat(
      ["-out", `${name}.pem`],
    ),
  );
  return { certFile: join(certs.dir, `${name}.pem`), keyFile: join(certs.dir, `${name}.key`) };
}
