// Helpers for the template differential test: a recorder of what vmalert POSTs to /api/v2/alerts, and
// the real Debian vmalert 1.79.5 started on loopback.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type RunningServer, waitFor } from "./servers.js";

export interface RecordedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string;
}

export interface Recorder {
  url: string;
  alerts: RecordedAlert[];
  close(): Promise<void>;
}

/** A small HTTP server that keeps every alert POSTed to /api/v2/alerts. */
export async function startRecorder(): Promise<Recorder> {
  const alerts: RecordedAlert[] = [];
  const srv: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/api/v2/alerts") {
        try {
          alerts.push(...(JSON.parse(body) as RecordedAlert[]));
        } catch {
          // not JSON: ignore, the test times out waiting with a clear message
        }
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    alerts,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

/** Real vmalert (Debian 1.79.5) with the given rule text; extra flags appended. */
export async function startVmalert(opts: {
  rules: string;
  datasourceURL: string;
  notifierURL: string;
  extraArgs?: string[];
  files?: Record<string, string>;
}): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "vmalert-tpl-"));
  const ruleFile = join(dir, "rules.yml");
  await writeFile(ruleFile, opts.rules);
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(join(dir, name), text);
  const port = await freePort();
  const args = [
    `-datasource.url=${opts.datasourceURL}`,
    `-notifier.url=${opts.notifierURL}`,
    "-evaluationInterval=1s",
    `-rule=${ruleFile}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    ...(opts.extraArgs ?? []).map((a) => a.replaceAll("$DIR", dir)),
  ];
  let out = "";
  const proc = spawn("vmalert", args, { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await done;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`vmalert exited: ${out.slice(-3000)}`);
        const res = await fetch(`${url}/health`);
        await res.arrayBuffer();
        return res.ok;
      },
      20_000,
      `vmalert on ${url}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, proc, dir, logs: () => out, stop };
}

/** Instant query against VictoriaMetrics, in the shape the template `query` function gets. */
export async function vmQuery(
  vmURL: string,
  expr: string,
): Promise<{ labels: Record<string, string>; timestamp: number; value: number }[]> {
  const res = await fetch(`${vmURL}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result.map((r) => ({ labels: r.metric, timestamp: r.value[0], value: Number(r.value[1]) }));
}
