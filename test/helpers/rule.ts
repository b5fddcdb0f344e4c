// A minimal instant-query client against a real VictoriaMetrics for rule-engine integration tests
// (until src/datasource lands): POST /api/v1/query with `time` in seconds, vector and scalar results.
import type { Metric, Querier, QuerierFactory, QueryOptions, QueryResult } from "../../src/datasource/types.js";

export function vmQuerier(baseURL: string): QuerierFactory & Querier {
  const q: QuerierFactory & Querier = {
    forGroup: () => q,
    async query(expr: string, opts: QueryOptions): Promise<QueryResult> {
      const params = new URLSearchParams({ query: expr, time: String(opts.time / 1000), step: "300s", nocache: "1" });
      const res = await fetch(`${baseURL}/api/v1/query?${params}`, { method: "POST", signal: opts.signal });
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data: { resultType: string; result: unknown };
      };
      if (res.status !== 200 || body.status !== "success") {
        throw new Error(`unexpected response code ${res.status}: ${body.error ?? ""}`);
      }
      let data: Metric[];
      if (body.data.resultType === "scalar") {
        const [ts, v] = body.data.result as [number, string];
        data = [{ labels: {}, timestamp: ts, value: Number(v) }];
      } else {
        data = (body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
          labels: r.metric,
          timestamp: r.value[0],
          value: Number(r.value[1]),
        }));
      }
      return { data, seriesFetched: null };
    },
  };
  return q;
}

/** A fetch-based transport for the real remote writer (until the shared HTTP client lands). */
export async function fetchPost(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: "POST", body, headers, signal });
  return { status: res.status, body: await res.text() };
}

/** The real vmalert 1.79.5 (Debian), evaluating `ruleFile` against `datasourceURL`; stop() kills it. */
export async function startVmalert(
  ruleFile: string,
  datasourceURL: string,
  extra: string[] = [],
): Promise<{ url: string; logs(): string; stop(): Promise<void> }> {
  const { spawn } = await import("node:child_process");
  const { freePort, waitFor } = await import("./servers.js");
  const port = await freePort();
  let out = "";
  const proc = spawn(
    "vmalert",
    [
      `-rule=${ruleFile}`,
      `-datasource.url=${datasourceURL}`,
      "-notifier.url=http://127.0.0.1:9",
      `-httpListenAddr=127.0.0.1:${port}`,
      "-evaluationInterval=1s",
      "-loggerLevel=ERROR",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
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
  const stop = async () => {
    if (exited) return;
    const done = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(t);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`vmalert exited: ${out}`);
        return (await fetch(`${url}/health`).catch(() => null))?.ok ?? false;
      },
      20_000,
      "vmalert",
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, logs: () => out, stop };
}
