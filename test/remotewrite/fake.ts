// A fake remote-write endpoint, only for faults a real server cannot produce on demand (5xx, 4xx,
// hangs). It decodes every request so tests can count exactly what arrived.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { registry } from "../../src/metrics.js";
import { type DecodedSeries, decodeBody } from "./decode.js";

export interface FakeRequest {
  path: string;
  headers: IncomingMessage["headers"];
  series: DecodedSeries[];
}

export type Reply = (req: FakeRequest, n: number) => Promise<{ status: number; body?: string }>;

export interface FakeEndpoint {
  url: string;
  /** Every request received, in arrival order (also those answered with errors). */
  requests: FakeRequest[];
  /** Series of requests answered with 2xx. */
  accepted: DecodedSeries[];
  inFlight: number;
  maxInFlight: number;
  setReply(r: Reply): void;
  close(): Promise<void>;
}

export async function startFakeEndpoint(reply: Reply): Promise<FakeEndpoint> {
  let current = reply;
  const open = new Set<ServerResponse>();
  const ep: FakeEndpoint = {
    url: "",
    requests: [],
    accepted: [],
    inFlight: 0,
    maxInFlight: 0,
    setReply(r) {
      current = r;
    },
    close: async () => {
      for (const res of open) res.destroy();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
  const server = createServer(async (req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fr: FakeRequest = { path: req.url ?? "", headers: req.headers, series: decodeBody(Buffer.concat(chunks)) };
    ep.requests.push(fr);
    ep.inFlight++;
    ep.maxInFlight = Math.max(ep.maxInFlight, ep.inFlight);
    try {
      const r = await current(fr, ep.requests.length);
      if (r.status >= 200 && r.status < 300) ep.accepted.push(...fr.series);
      if (!res.destroyed) res.writeHead(r.status, { "content-type": "text/plain" }).end(r.body ?? "");
    } finally {
      ep.inFlight--;
    }
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  ep.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return ep;
}

/** Current value of a self-metric, summed over its label sets (of those that have every label in `labels`). */
export async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const v = await m.get();
  let sum = 0;
  for (const x of v.values) {
    if ("metricName" in x && x.metricName !== undefined && x.metricName !== name) continue;
    const l = x.labels as Record<string, unknown>;
    if (Object.entries(labels).every(([k, want]) => l[k] === want)) sum += x.value;
  }
  return sum;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
