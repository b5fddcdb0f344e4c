// Shared pieces of the end-to-end tests (test/e2e): a feeder writing fresh samples to a real
// VictoriaMetrics in real time, Alertmanager and /metrics readers, VM export. Everything that starts
// something returns a stop function the test calls.
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Feeder {
  /** Writes `value` for the series on every tick from now on (a sample stamped "now"). */
  set(labels: Record<string, string>, value: number): void;
  /** Stops writing the series. */
  remove(labels: Record<string, string>): void;
  /** Writes the current values now and waits until VM can search them. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Writes every set series to VM (/api/v1/import + force_flush) every `everyMs` (default 500 ms). */
export function startFeeder(vmURLs: string | string[], everyMs = 500): Feeder {
  const urls = Array.isArray(vmURLs) ? vmURLs : [vmURLs];
  const series = new Map<string, { labels: Record<string, string>; value: number }>();
  let pending: Promise<void> = Promise.resolve();
  const write = async () => {
    if (series.size === 0) return;
    const now = Date.now();
    const body = [...series.values()]
      .map((s) => JSON.stringify({ metric: s.labels, values: [s.value], timestamps: [now] }))
      .join("\n");
    for (const url of urls) {
      const res = await fetch(`${url}/api/v1/import`, { method: "POST", body });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`feeder: import answered ${res.status}`);
      const flush = await fetch(`${url}/internal/force_flush`);
      await flush.arrayBuffer();
    }
  };
  const tick = () => {
    pending = pending.then(write).catch(() => {});
  };
  const timer = setInterval(tick, everyMs);
  return {
    set(labels, value) {
      series.set(seriesKey(labels), { labels, value });
    },
    remove(labels) {
      series.delete(seriesKey(labels));
    },
    async flush() {
      pending = pending.then(write);
      await pending;
    },
    async stop() {
      clearInterval(timer);
      await pending.catch(() => {});
    },
  };
}

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (what prom-client and the Go servers print). */
export function parseMetrics(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\n/g, "\n").replace(/\\(.)/g, "$1");
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples of `name` on `${baseURL}/metrics` whose labels include `labels`. */
export async function metricSamples(
  baseURL: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<MetricSample[]> {
  const res = await fetch(`${baseURL}/metrics`);
  const all = parseMetrics(await res.text());
  return all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** An alert as Alertmanager's GET /api/v2/alerts lists it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
  fingerprint: string;
}

/** Alertmanager's current alerts (it leaves out resolved ones), optionally only those named `alertname`. */
export async function amAlerts(amURL: string, alertname?: string): Promise<AmAlert[]> {
  const q = alertname ? `?filter=${encodeURIComponent(`alertname="${alertname}"`)}` : "";
  const res = await fetch(`${amURL}/api/v2/alerts${q}`);
  if (!res.ok) throw new Error(`GET ${amURL}/api/v2/alerts: ${res.status} ${await res.text()}`);
  return (await res.json()) as AmAlert[];
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** VM /api/v1/export of `match` (one entry per series). */
export async function exportSeries(vmURL: string, match: string): Promise<ExportedSeries[]> {
  const res = await fetch(`${vmURL}/api/v1/export?match[]=${encodeURIComponent(match)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`export ${match}: ${res.status} ${text}`);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as ExportedSeries);
}

export interface TempDir {
  path: string;
  /** Writes `content` to `name` inside the dir (atomically); returns the full path. */
  write(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return {
    path,
    async write(name, content) {
      // Replaced in one step: a reload polling the file never reads it half-written.
      const file = join(path, name);
      await writeFile(`${file}.tmp`, content);
      await rename(`${file}.tmp`, file);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** Flags that make a test instance follow real time closely: queries at "now", groups start at once. */
export const FAST_ARGS = ["-evaluationInterval=1s", "-rule.evalDelay=0s", "-group.maxStartDelay=0s"];

export interface WriteProxy {
  url: string;
  /** Remote-write requests forwarded so far. */
  writes(): number;
  stop(): Promise<void>;
}

/**
 * A pass-through in front of VictoriaMetrics' /api/v1/write that makes every write searchable before
 * answering (VM's /internal/force_flush): VM otherwise buffers fresh rows for about a second, which would
 * hide whether a client waited for its write before querying. Nothing else is changed.
 */
export async function startSearchableWriteProxy(vmURL: string): Promise<WriteProxy> {
  let writes = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const headers: Record<string, string> = {};
        for (const h of ["content-type", "content-encoding", "x-prometheus-remote-write-version"]) {
          const v = req.headers[h];
          if (typeof v === "string") headers[h] = v;
        }
        const up = await fetch(vmURL + (req.url ?? "/"), {
          method: req.method,
          headers,
          body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
        });
        const body = Buffer.from(await up.arrayBuffer());
        if (up.ok && req.method === "POST") {
          writes++;
          await (await fetch(`${vmURL}/internal/force_flush`)).arrayBuffer();
        }
        res.writeHead(up.status);
        res.end(body);
      } catch (err) {
        res.writeHead(502);
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    writes: () => writes,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
