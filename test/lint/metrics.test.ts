// missing-metric against a real VictoriaMetrics (Debian `victoria-metrics`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { createMetricSource } from "../../src/lint/index.js";
import { createHttpClient } from "../../src/net/index.js";
import { freePort, importSeries, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { at, cleanup, writeRules } from "./lintfile.js";

let vm: RunningServer;
const now = Date.now();
const DAY = 86_400_000;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  await importSeries(vm.url, [
    { labels: { __name__: "node_load1", instance: "a" }, values: [1, 2], timestamps: [now - 60_000, now] },
    { labels: { __name__: "up", job: "x" }, values: [1], timestamps: [now] },
    { labels: { __name__: "old_metric", job: "x" }, values: [1], timestamps: [now - 3 * DAY] },
  ]);
  await waitFor(
    async () => {
      const q = new URLSearchParams({ "match[]": '{__name__=~".+"}', start: String((now - 4 * DAY) / 1000) });
      const body = (await (await fetch(`${vm.url}/api/v1/label/__name__/values?${q}`)).json()) as { data: string[] };
      return body.data.length === 3;
    },
    20_000,
    "imported series to be searchable",
  );
});

afterAll(async () => {
  await vm?.stop();
  cleanup();
});

async function lint(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await main(["lint", ...argv], io);
  return { code, out, err };
}

const TEXT = `groups:
  - name: g
    rules:
      - alert: Load
        expr: avg_over_time(node_load1[10m]) > 4 and on (instance) up{job="x"} == 1
        for: 5m
      - record: job:typo:sum
        expr: sum by (job) (rate(http_requests_totl[5m])) + sum by (job) (old_metric)
      - alert: Gone
        expr: absent(never_there) or job:typo:sum > 1
        for: 5m
`;

describe("missing-metric", () => {
  it("warns for names the datasource has no series of, at the selector", async () => {
    const file = writeRules(TEXT);
    const r = await lint(`-datasource.url=${vm.url}`, "--format=json", file);
    expect(r.err).toBe("");
    const body = JSON.parse(r.out);
    const missing = body.problems.filter((p: { rule?: string }) => p.rule === "missing-metric");
    // Not reported: node_load1 and up (present), never_there (inside absent), job:typo:sum (recorded here).
    expect(missing.map((p: { line: number; col: number }) => `${p.line}:${p.col}`)).toEqual([
      at(TEXT, "http_requests_totl"),
      at(TEXT, "old_metric"),
    ]);
    expect(missing[0].message).toContain(
      `metric "http_requests_totl" has no series in the datasource (${vm.url}, last 24h)`,
    );
    expect(r.code).toBe(0);
  });

  it("--lookback widens the window (series seen 3 days ago count)", async () => {
    const file = writeRules(TEXT);
    const r = await lint(`--datasource.url=${vm.url}`, "--lookback=96h", file);
    expect(r.out).toContain('"http_requests_totl"');
    expect(r.out).not.toContain('"old_metric" has no series');
  });

  it("without -datasource.url the check does not run", async () => {
    const r = await lint(writeRules(TEXT));
    expect(r.out).not.toContain("missing-metric");
  });

  it("an unreachable datasource is an error naming the flag", async () => {
    const port = await freePort();
    const r = await lint(`-datasource.url=http://127.0.0.1:${port}`, writeRules(TEXT));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^-datasource\.url: cannot check that metrics exist: /m);
  });

  it("asks in batches and returns exactly the existing names", async () => {
    const client = createHttpClient({});
    try {
      const source = createMetricSource(client, { url: `${vm.url}/` });
      const names = [...Array.from({ length: 120 }, (_, i) => `absent_${i}`), "up", "node_load1", "a.b"];
      const found = await source.existing(names);
      expect([...found].sort()).toEqual(["node_load1", "up"]);
    } finally {
      await client.close();
    }
  });
});
