// A notifier sink standing in for Alertmanager: accepts POST /api/v2/alerts and counts the alerts.
// A real Alertmanager would itself burn more CPU than the engine at 100,000 alerts per iteration,
// on the same two cores, and skew the engine's figures.
import { createServer } from "node:http";

const MARK = Buffer.from('"startsAt"');

/** Counts alert objects without parsing: every alert an engine sends carries exactly one startsAt. */
function countAlerts(body) {
  let n = 0;
  let at = body.indexOf(MARK);
  while (at !== -1) {
    n++;
    at = body.indexOf(MARK, at + MARK.length);
  }
  return n;
}

export async function startSink(host = "127.0.0.1") {
  const stats = { posts: 0, alerts: 0, bytes: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST" && req.url?.startsWith("/api/v2/alerts")) {
        const body = Buffer.concat(chunks);
        stats.posts++;
        stats.bytes += body.length;
        stats.alerts += countAlerts(body);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(0, host, resolve));
  const addr = server.address();
  const url = `http://${host}:${typeof addr === "object" && addr ? addr.port : 0}`;
  return {
    url,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
