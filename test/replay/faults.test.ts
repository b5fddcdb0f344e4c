// Faults a real VictoriaMetrics cannot produce on demand (500s, then success), with a fake HTTP server;
// 400/422 are not retried; -replay.continueWithExecutionErr skips the rule. Also the progress output.
import { createServer, type Server } from "node:http";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "../../src/config/effective.js";
import type { EffectiveGroupConfig } from "../../src/config/types.js";
import { createQuerierFactory } from "../../src/datasource/querier.js";
import { createMemoryWriter } from "../../src/remotewrite/memory.js";
import { createProgress } from "../../src/replay/progress.js";
import { ReplayError, replay } from "../../src/replay/replay.js";
import { compileTemplate } from "../../src/template/index.js";

const FROM = Date.UTC(2026, 0, 1, 0, 0, 0);
const TO = FROM + 4 * 60_000;
const pos = { file: "x.yml", line: 1, col: 1 };

function group(): EffectiveGroupConfig {
  return withGroupDefaults(
    {
      name: "g",
      file: "x.yml",
      interval: 60_000,
      limit: 0,
      concurrency: 1,
      type: "prometheus",
      labels: {},
      params: {},
      headers: [],
      notifierHeaders: [],
      debug: false,
      rules: [
        { record: "r:a", expr: "up", for: 0, keepFiringFor: 0, labels: {}, annotations: {}, debug: false, pos },
        { record: "r:b", expr: "up * 2", for: 0, keepFiringFor: 0, labels: {}, annotations: {}, debug: false, pos },
      ],
      checksum: "x",
      pos,
    },
    DEFAULT_GROUP_DEFAULTS,
  );
}

const settings = {
  resendDelay: 0,
  maxResolveDuration: 0,
  externalLabels: {},
  externalURL: "",
  externalURLRaw: "",
  disableAlertgroupLabel: false,
  maxStartDelay: 0,
  updateEntriesLimit: 20,
  maxActiveAlerts: 0,
};

function matrix(start: number, end: number, v: number): string {
  const values = [];
  for (let t = start; t <= end; t += 60) values.push([t, String(v)]);
  return JSON.stringify({
    status: "success",
    data: { resultType: "matrix", result: [{ metric: { job: "x" }, values }] },
  });
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function fakeDatasource(answer: (n: number, q: URLSearchParams) => { status: number; body: string }) {
  let n = 0;
  const seen: URLSearchParams[] = [];
  server = createServer((req, res) => {
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    seen.push(q);
    const a = answer(n++, q);
    res.writeHead(a.status, { "Content-Type": "application/json" });
    res.end(a.body);
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, seen, count: () => n };
}

function run(url: string, retries: number, continueWithExecutionErr = false) {
  const qf = createQuerierFactory({ url, nocache: true });
  const writer = createMemoryWriter();
  const p = replay(
    [group()],
    {
      from: FROM,
      to: TO,
      rulesDelay: 0,
      maxDatapointsPerQuery: 100,
      ruleRetryAttempts: retries,
      disableProgressBar: true,
      continueWithExecutionErr,
      skipRules: 0,
      ruleEvaluationConcurrency: 1,
    },
    {
      querierFactory: qf,
      writer,
      compileTemplate: (t, o) => compileTemplate(t, o),
      settings,
      logger: pino({ level: "silent" }),
    },
  ).finally(() => qf.close());
  return { p, writer };
}

describe("replay faults", () => {
  it("retries a 500 and goes on; sends nocache=1 and the range parameters", { timeout: 20_000 }, async () => {
    const ds = await fakeDatasource((n, q) =>
      n < 2
        ? { status: 500, body: "boom" }
        : { status: 200, body: matrix(Number(q.get("start")), Number(q.get("end")), 1) },
    );
    const { p, writer } = run(ds.url, 3);
    const summary = await p;
    expect(ds.count()).toBe(4); // two failures, then one request per rule
    const q = ds.seen[3];
    expect(q.get("nocache")).toBe("1");
    expect(q.get("step")).toBe("60s");
    expect(Number(q.get("start"))).toBe(FROM / 1000);
    expect(Number(q.get("end"))).toBe(TO / 1000);
    expect(summary.points).toBe(10);
    expect(writer.named("r:a").flatMap((s) => s.samples)).toHaveLength(5);
  });

  it("fails after the last attempt", { timeout: 20_000 }, async () => {
    const ds = await fakeDatasource(() => ({ status: 500, body: "boom" }));
    await expect(run(ds.url, 2).p).rejects.toThrow(ReplayError);
    expect(ds.count()).toBe(2);
  });

  it("does not retry a 422, and -replay.continueWithExecutionErr skips the rule", async () => {
    const ds = await fakeDatasource((_n, q) =>
      q.get("query") === "up"
        ? { status: 422, body: '{"status":"error","error":"bad query"}' }
        : { status: 200, body: matrix(Number(q.get("start")), Number(q.get("end")), 2) },
    );
    await expect(run(ds.url, 5).p).rejects.toThrow(/422/);
    expect(ds.count()).toBe(1);
    const { p, writer } = run(ds.url, 5, true);
    const summary = await p;
    expect(summary.skipped).toEqual(['group "g" rule "r:a"']);
    expect(writer.named("r:a")).toHaveLength(0);
    expect(writer.named("r:b").flatMap((s) => s.samples.map((x) => x.value))).toEqual([2, 2, 2, 2, 2]);
  });
});

describe("progress", () => {
  it("draws a bar on a terminal and plain lines otherwise", () => {
    const sink = (isTTY: boolean) => {
      const o = {
        text: "",
        isTTY,
        write: (t: string) => {
          o.text += t;
        },
      };
      return o;
    };
    const ttySink = sink(true);
    const bar = createProgress(ttySink, false);
    bar.update('group "g" rule "r"', 5, 10);
    bar.ruleDone('group "g" rule "r"', 10, 1);
    expect(ttySink.text).toContain("[===============               ] 50%");
    expect(ttySink.text).toContain('group "g" rule "r": 10 points, 1 requests\n');
    const plain = sink(false);
    const lines = createProgress(plain, false);
    lines.update("x", 5, 10);
    lines.ruleDone("x", 10, 1);
    expect(plain.text).toBe("x: 10 points, 1 requests\n");
    const off = sink(true);
    createProgress(off, true).update("x", 5, 10);
    expect(off.text).toBe("");
  });
});
