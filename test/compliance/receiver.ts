// The Alertmanager-compatible endpoint an engine notifies: every POST (any path) is parsed as an
// Alertmanager v2 alert list, judged by a Reception and logged, one JSON line per request.
import { appendFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { ExpectedNotification } from "./cases.js";
import { parseNotification, Reception } from "./reception.js";

export interface Receiver {
  /** http://127.0.0.1:<port>, the engine's -notifier.url. */
  url: string;
  port: number;
  reception: Reception;
  /** Requests received, parse failures included. */
  requests(): number;
  stop(): Promise<void>;
}

/** The suite reads whole bodies; a notification is a few KiB, so 1 MiB is plenty and bounds a broken peer. */
const MAX_BODY = 1024 * 1024;

export async function startReceiver(expected: ExpectedNotification[], logFile: string): Promise<Receiver> {
  const reception = new Reception(expected);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST" });
      res.end();
      return;
    }
    const now = Date.now();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        if (size > MAX_BODY) throw new Error(`body larger than ${MAX_BODY} bytes`);
        const alerts = parseNotification(body);
        reception.receive(now, alerts);
        appendFileSync(logFile, `${JSON.stringify({ at: new Date(now).toISOString(), path: req.url, alerts })}\n`);
        res.writeHead(200, { "Access-Control-Allow-Origin": "*" });
      } catch (err) {
        appendFileSync(
          logFile,
          `${JSON.stringify({ at: new Date(now).toISOString(), error: (err as Error).message })}\n`,
        );
        res.writeHead(400);
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    reception,
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
