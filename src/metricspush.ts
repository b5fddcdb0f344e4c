// -pushmetrics.*: push the /metrics text to URLs (VictoriaMetrics' /api/v1/import/prometheus), as
// VictoriaMetrics components do, for setups where nothing scrapes tsalert.

import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Logger } from "pino";
import { errorMessage } from "./errors.js";
import { counter, metricsText, registry } from "./metrics.js";
import { createHttpClient, type HttpClient } from "./net/index.js";
import { redactURL } from "./net/redact.js";

const gzipAsync = promisify(gzip);

export interface PushMetricsOptions {
  urls: string[];
  /** ms */
  interval: number;
  /** Added to every sample, e.g. {instance: "a"}. */
  extraLabels: Record<string, string>;
  headers: Record<string, string>;
  disableCompression: boolean;
  /** -metrics.exposeMetadata: keep `# HELP` / `# TYPE` lines. */
  exposeMetadata?: boolean;
}

const pushErrors = counter("vmalert_pushmetrics_errors_total", "Failed pushes of /metrics to -pushmetrics.url", [
  "url",
]);

function quote(v: string): string {
  return JSON.stringify(v);
}

/** Adds `extra` labels to every sample line of Prometheus text exposition. */
export function withExtraLabels(text: string, extra: Record<string, string>): string {
  const pairs = Object.entries(extra)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(",");
  if (pairs === "") return text;
  return text
    .split("\n")
    .map((line) => {
      if (line === "" || line.startsWith("#")) return line;
      const brace = line.indexOf("{");
      const space = line.indexOf(" ");
      if (brace >= 0 && (space < 0 || brace < space)) {
        const inner = line.slice(brace + 1, line.indexOf("}", brace));
        return `${line.slice(0, brace + 1)}${inner === "" ? pairs : `${inner},${pairs}`}${line.slice(line.indexOf("}", brace))}`;
      }
      return `${line.slice(0, space)}{${pairs}}${line.slice(space)}`;
    })
    .join("\n");
}

/** Starts pushing; the returned function stops the timer and closes connections. */
export function startMetricsPush(opts: PushMetricsOptions, logger: Logger): () => Promise<void> {
  if (opts.urls.length === 0 || opts.interval <= 0) return async () => {};
  const clients: { url: string; shown: string; client: HttpClient }[] = opts.urls.map((url) => ({
    url,
    shown: redactURL(url),
    client: createHttpClient({ headers: opts.headers }, "-pushmetrics.url"),
  }));
  let busy = false;
  const push = async () => {
    if (busy) return;
    busy = true;
    try {
      const text = withExtraLabels(await metricsText(registry, opts.exposeMetadata ?? false), opts.extraLabels);
      const body = opts.disableCompression ? Buffer.from(text) : await gzipAsync(text);
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (!opts.disableCompression) headers["content-encoding"] = "gzip";
      await Promise.all(
        clients.map(async ({ url, shown, client }) => {
          try {
            const res = await client.request({ method: "POST", url, headers, body, timeoutMs: opts.interval });
            if (res.status >= 300) throw new Error(`unexpected status ${res.status}`);
          } catch (err) {
            pushErrors.inc({ url: shown });
            logger.warn(`cannot push metrics to ${shown}: ${errorMessage(err)}`);
          }
        }),
      );
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void push(), opts.interval);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await Promise.all(clients.map((c) => c.client.close()));
  };
}
