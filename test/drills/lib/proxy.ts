// A TCP fault proxy between tsalert and one peer (datasource, Alertmanager, remote write). The peer stays
// real; the proxy cuts, stalls, slows or rewrites the traffic on command. Every mode change drops the
// connections already open, so kept-alive clients meet the new mode on their next request.
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";

export type ProxyMode = "pass" | "refuse" | "reset" | "hang" | "delay" | "http";

/** An upstream answer as the peer gave it (body fully read). */
export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProxiedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/**
 * Answers one HTTP request in "http" mode. `forward()` sends the request to the real peer and returns its
 * answer, so a handler can pass it on changed (corrupt) or not call it at all (replace).
 */
export type HttpFault = (req: ProxiedRequest, res: ServerResponse, forward: () => Promise<UpstreamAnswer>) => unknown;

export interface ProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Client connections open right now. */
  open: number;
  /** Most client connections open at once in the current mode (reset by every mode change). */
  maxOpen: number;
  /** HTTP requests seen in "http" mode. */
  httpRequests: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>: give this to tsalert instead of the peer's URL. */
  url: string;
  port: number;
  /** The peer: host:port. */
  target: string;
  mode(): ProxyMode;
  stats(): ProxyStats;
  /** Forward bytes unchanged (the normal state). */
  pass(): Promise<void>;
  /** Close the listener: new connections are refused (ECONNREFUSED), open ones are reset. */
  refuse(): Promise<void>;
  /** Keep listening but reset every connection at once (ECONNRESET). */
  reset(): Promise<void>;
  /** Accept and read, never answer. */
  hang(): Promise<void>;
  /** Forward, each chunk in both directions held back `ms` milliseconds. */
  delay(ms: number): Promise<void>;
  /** Speak HTTP to the client and let `fault` answer each request (see HttpFault). */
  http(fault: HttpFault): Promise<void>;
  stop(): Promise<void>;
}

function hostPort(target: string): { host: string; port: number } {
  const u = new URL(target.includes("://") ? target : `http://${target}`);
  return { host: u.hostname, port: Number(u.port || 80) };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** Sends `req` to the peer over a fresh connection and reads the whole answer. */
async function forwardHTTP(host: string, port: number, req: ProxiedRequest): Promise<UpstreamAnswer> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === "connection" || k === "keep-alive" || k === "transfer-encoding") continue;
    headers[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  headers["content-length"] = String(req.body.length);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host, port, method: req.method, path: req.url, headers, agent: false }, (res) => {
      readAll(res).then((body) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined && k !== "transfer-encoding" && k !== "connection" && k !== "content-length") {
            out[k] = Array.isArray(v) ? v.join(", ") : v;
          }
        }
        resolve({ status: res.statusCode ?? 502, headers: out, body });
      }, reject);
    });
    r.on("error", reject);
    r.end(req.body);
  });
}

/** Starts a proxy on a free loopback port in "pass" mode. `target` is a URL or host:port. */
/** `listenPort`: a fixed port for the proxy (0, the default, picks a free one). */
export async function startFaultProxy(target: string, listenPort = 0): Promise<FaultProxy> {
  const up = hostPort(target);
  let mode: ProxyMode = "pass";
  let delayMs = 0;
  let fault: HttpFault = (_req, _res, forward) => forward();
  /** Every socket of the proxy (clients and their peer connections), for dropping them at once. */
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  const stats: ProxyStats = { accepted: 0, open: 0, maxOpen: 0, httpRequests: 0 };

  const httpSide = createHttpServer({ keepAlive: true }, (req, res) => {
    stats.httpRequests++;
    readAll(req)
      .then((body) => {
        const pr: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body };
        return fault(pr, res, () => forwardHTTP(up.host, up.port, pr));
      })
      .catch(() => res.destroy());
  });

  const pipeDelayed = (from: Socket, to: Socket, ms: number) => {
    from.on("data", (chunk: Buffer) => {
      if (ms <= 0) {
        to.write(chunk);
        return;
      }
      // Equal delays fire in scheduling order, so the byte order is kept.
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, ms);
    });
    from.on("end", () => setTimeout(() => to.end(), ms));
  };

  const onConnection = (client: Socket) => {
    stats.accepted++;
    sockets.add(client);
    clients.add(client);
    stats.open = clients.size;
    stats.maxOpen = Math.max(stats.maxOpen, clients.size);
    client.on("error", () => {});
    client.on("close", () => {
      sockets.delete(client);
      clients.delete(client);
      stats.open = clients.size;
    });
    switch (mode) {
      case "reset":
      case "refuse":
        client.resetAndDestroy();
        return;
      case "hang":
        client.resume();
        return;
      case "http":
        httpSide.emit("connection", client);
        return;
      default: {
        const peer = connect(up.port, up.host);
        sockets.add(peer);
        peer.on("error", () => client.destroy());
        client.on("close", () => peer.destroy());
        peer.on("close", () => {
          sockets.delete(peer);
          client.destroy();
        });
        pipeDelayed(client, peer, mode === "delay" ? delayMs : 0);
        pipeDelayed(peer, client, mode === "delay" ? delayMs : 0);
      }
    }
  };

  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        server = s;
        const addr = s.address();
        resolve(typeof addr === "object" && addr ? addr.port : port);
      });
    });
  const closeListener = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) resolve();
      else s.close(() => resolve());
    });
  const dropAll = () => {
    for (const s of sockets) s.resetAndDestroy();
    sockets.clear();
    clients.clear();
    stats.open = 0;
    stats.maxOpen = 0;
  };

  const port = await listen(listenPort);
  const setMode = async (m: ProxyMode) => {
    mode = m;
    dropAll();
    if (m === "refuse") {
      await closeListener();
    } else if (!server) {
      // The port was free while refusing; on a busy machine another process may have taken it.
      await listen(port);
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    target: `${up.host}:${up.port}`,
    mode: () => mode,
    stats: () => ({ ...stats }),
    pass: () => setMode("pass"),
    refuse: () => setMode("refuse"),
    reset: () => setMode("reset"),
    hang: () => setMode("hang"),
    delay: (ms) => {
      delayMs = ms;
      return setMode("delay");
    },
    http: (f) => {
      fault = f;
      return setMode("http");
    },
    async stop() {
      dropAll();
      await closeListener();
      httpSide.close();
    },
  };
}
