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

/** Current value of an unlabelled self-metric. */
export async function metric(name: string): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const v = await m.get();
  return v.values.find((x) => !("metricName" in x) || x.metricName === name || x.metricName === undefined)?.value ?? 0;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
