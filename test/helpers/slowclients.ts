// Slow and idle HTTP clients on raw sockets, for tests and drills of the server's limits: bodies and
// headers trickled in, connections that never send anything. Each client reconnects when the server
// closes its connection, so the pressure stays until stop().
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";

export type SlowKind = "body" | "chunked" | "headers" | "idle";

export interface SlowClientsOptions {
  port: number;
  clients: number;
  /** Kinds, assigned round robin (default all four). */
  kinds?: SlowKind[];
  /** Between two trickled pieces (default 500 ms). */
  everyMs?: number;
  /** Sent as `Authorization` when set (default: none, unauthenticated). */
  authorization?: string;
  /** Pause before a client reconnects after the server closed its connection (default 1 s). */
  reconnectMs?: number;
}

export interface SlowClientStats {
  /** Connections made so far (first ones and reconnects). */
  connects: number;
  /** Connections open right now. */
  open: number;
  /** Status lines received, by status ("closed" when the server closed without one). */
  answers: Record<string, number>;
}

export interface SlowClients {
  stats(): SlowClientStats;
  stop(): Promise<void>;
}

const PIECE = Buffer.alloc(64 * 1024, "a");
const DECLARED_BODY = 1 << 20;

export function startSlowClients(o: SlowClientsOptions): SlowClients {
  const kinds = o.kinds ?? ["body", "chunked", "headers", "idle"];
  const every = o.everyMs ?? 500;
  const auth = o.authorization ? `Authorization: ${o.authorization}\r\n` : "";
  const stats: SlowClientStats = { connects: 0, open: 0, answers: {} };
  const sockets = new Set<Socket>();
  let stopped = false;

  const run = (kind: SlowKind): void => {
    if (stopped) return;
    stats.connects++;
    const sock = connect(o.port, "127.0.0.1");
    sockets.add(sock);
    let answered = false;
    let connected = false;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    sock.on("connect", () => {
      connected = true;
      stats.open++;
      if (kind === "body") {
        sock.write(
          `POST /api/v1/rules HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${DECLARED_BODY}\r\n\r\na=`,
        );
      } else if (kind === "chunked") {
        sock.write(
          `POST /api/v1/rules HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
      } else if (kind === "headers") {
        sock.write(`GET /api/v1/rules HTTP/1.1\r\nHost: x\r\n${auth}`);
      }
      if (kind === "idle") return;
      timer = setInterval(() => {
        if (sock.destroyed || !sock.writable) return;
        if (kind === "body" && sent + PIECE.length < DECLARED_BODY - 16) {
          sock.write(PIECE);
          sent += PIECE.length;
        } else if (kind === "chunked") {
          sock.write(`${PIECE.length.toString(16)}\r\n`);
          sock.write(PIECE);
          sock.write("\r\n");
        } else if (kind === "headers") {
          sock.write(`X-Slow-${sent++}: ${"h".repeat(100)}\r\n`);
        }
      }, every);
    });
    sock.on("data", (d: Buffer) => {
      if (answered) return;
      answered = true;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(d.toString("latin1"))?.[1] ?? "garbage";
      stats.answers[status] = (stats.answers[status] ?? 0) + 1;
    });
    sock.on("error", () => {});
    sock.on("close", () => {
      if (timer) clearInterval(timer);
      sockets.delete(sock);
      if (connected) stats.open--;
      if (!answered) stats.answers.closed = (stats.answers.closed ?? 0) + 1;
      if (!stopped) setTimeout(() => run(kind), o.reconnectMs ?? 1000);
    });
  };

  for (let i = 0; i < o.clients; i++) run(kinds[i % kinds.length] as SlowKind);
  return {
    stats: () => ({ ...stats, answers: { ...stats.answers } }),
    async stop() {
      stopped = true;
      const closing = [...sockets].map((s) => new Promise((r) => s.once("close", r)));
      for (const s of sockets) s.destroy();
      await Promise.all(closing);
    },
  };
}

export interface HealthProbe {
  /** Stops probing; resolves with every probe's latency (ms) and status (0 = no answer within 5 s). */
  stop(): Promise<{ ms: number; status: number }[]>;
}

// Runs in its own process, so the latency measured is tsalert's, not that of the test process busy
// driving the load.
const PROBE_SCRIPT = `
const [url, every] = process.argv.slice(1);
let stop = false;
process.on("SIGTERM", () => { stop = true; });
(async () => {
  // Not measured: the first fetch of a fresh process loads and sets up the HTTP client.
  await fetch(url).then((r) => r.arrayBuffer()).catch(() => {});
  while (!stop) {
    const t0 = performance.now();
    let status = 0;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      status = res.status;
    } catch {}
    process.stdout.write((performance.now() - t0).toFixed(1) + " " + status + "\\n");
    await new Promise((r) => setTimeout(r, Number(every)));
  }
})();
`;

/** Probes `url` (e.g. tsalert's /health) every `everyMs` from a child process. */
export function startHealthProbe(url: string, everyMs = 200): HealthProbe {
  const child = spawn(process.execPath, ["-e", PROBE_SCRIPT, url, String(everyMs)], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    async stop() {
      child.kill("SIGTERM");
      await exited;
      return out
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [ms, status] = l.split(" ");
          return { ms: Number(ms), status: Number(status) };
        });
    },
  };
}
