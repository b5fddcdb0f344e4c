// The suite's "sample receiver" and "sample querier" on a real VictoriaMetrics. The specification wants
// a sample to be queryable as soon as its remote write returns (a later rule of the same group
// evaluation must see the ALERTS an earlier one wrote), as Prometheus' own storage does. A single-node
// VictoriaMetrics buffers fresh rows for about a second and moves queries for "now" back by about a
// second, so a small proxy in front of it makes every write searchable before answering
// (/internal/force_flush) and adds `nocache=1` to instant queries. Both engines, and the suite's own
// writes and ALERTS queries, go through it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";

export interface Storage {
  /** Base URL engines use as -datasource.url and -remoteWrite.url. */
  url: string;
  /** Remote-write endpoint for the input samples. */
  writeURL: string;
  /** Remote writes answered so far (input and engines). */
  writes(): number;
  stop(): Promise<void>;
}

const PASSED_HEADERS = ["content-type", "content-encoding", "x-prometheus-remote-write-version", "user-agent"];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function forward(vm: string, req: IncomingMessage, res: ServerResponse, counter: { n: number }): Promise<void> {
  const body = await readBody(req);
  const u = new URL(req.url ?? "/", vm);
  const isWrite = req.method === "POST" && u.pathname.endsWith("/api/v1/write");
  if (u.pathname.endsWith("/api/v1/query") && !u.searchParams.has("nocache")) u.searchParams.set("nocache", "1");
  const headers: Record<string, string> = {};
  for (const h of PASSED_HEADERS) {
    const v = req.headers[h];
    if (typeof v === "string") headers[h] = v;
  }
  const up = await fetch(u, {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    signal: AbortSignal.timeout(10_000),
  });
  const answer = Buffer.from(await up.arrayBuffer());
  if (isWrite && up.ok) {
    counter.n++;
    await (await fetch(new URL("/internal/force_flush", vm), { signal: AbortSignal.timeout(10_000) })).arrayBuffer();
  }
  res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "text/plain" });
  res.end(answer);
}

export async function startStorage(): Promise<Storage> {
  const vm: RunningServer = await startVictoriaMetrics();
  const counter = { n: 0 };
  const server: Server = createServer((req, res) => {
    forward(vm.url, req, res, counter).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`storage proxy: ${err.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    writeURL: `${url}/api/v1/write`,
    writes: () => counter.n,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await vm.stop();
    },
  };
}
