// A loopback proxy in front of the datasource that adds `delayMs` to every query's answer: the latency of a remote or loaded datasource, without its CPU.
import { createServer } from "node:http";

export async function startDelayProxy(targetURL, delayMs, host = "127.0.0.1") {
  const stats = { queries: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const isQuery = req.url?.startsWith("/api/v1/query");
      if (isQuery) stats.queries++;
      try {
        const headers = {};
        // fetch() decodes the answer, so the proxy asks for and forwards it unencoded.
        for (const k of ["content-type", "accept", "authorization"]) {
          if (req.headers[k]) headers[k] = req.headers[k];
        }
        const up = await fetch(`${targetURL}${req.url}`, {
          method: req.method,
          headers,
          body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        });
        const body = Buffer.from(await up.arrayBuffer());
        if (isQuery && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" }).end(body);
      } catch (err) {
        res.writeHead(502).end(String(err?.message ?? err));
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(0, host, resolve));
  const addr = server.address();
  return {
    url: `http://${host}:${addr.port}`,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
