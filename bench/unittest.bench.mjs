// tsalert unittest and replay: fixture mode (no database) per file, a vmalert-tool corpus file on a
// temporary victoria-metrics (start included), and replay throughput against a real victoria-metrics.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "../dist/config/effective.js";
import { createQuerierFactory } from "../dist/datasource/querier.js";
import { createMemoryWriter } from "../dist/remotewrite/memory.js";
import { replay } from "../dist/replay/replay.js";
import { compileTemplate } from "../dist/template/index.js";
import { unittest } from "../dist/unittest/cli.js";
import { runTestFile } from "../dist/unittest/runfile.js";
import { readTestFile } from "../dist/unittest/testfile.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const fixtures = join(here, "../test/fixtures/unittest");
const silent = pino({ level: "silent" });
const quietIO = { out: () => {}, err: () => {} };

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function startVM() {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "bench-vm-"));
  const proc = spawn(
    "victoria-metrics",
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dir}/d`,
      "-retentionPeriod=100y",
      "-search.disableCache",
      "-loggerLevel=ERROR",
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async stop() {
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await done;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function run() {
  const rows = [];
  const file = await readTestFile(join(fixtures, "fixture-pass.yml"));
  const opts = {
    logger: silent,
    externalLabels: {},
    disableAlertgroupLabel: false,
    backend: () => Promise.reject(new Error("no db")),
  };
  await runTestFile(file, opts);
  const n = 20;
  let t = performance.now();
  for (let i = 0; i < n; i++) await runTestFile(file, opts);
  rows.push({
    name: "fixture mode: fixture-pass.yml (6 steps, 3 checks)",
    value: ((performance.now() - t) / n).toFixed(1),
    unit: "ms",
  });

  t = performance.now();
  const code = await unittest(
    [
      "-loggerLevel=FATAL",
      "-external.label=cluster=prod",
      "-external.url=http://grafana:3000",
      "/work/shared/corpus/unittest/victoriametrics/app/vmalert-tool/unittest/testdata/test1.yaml",
    ],
    quietIO,
  );
  if (code !== 0) throw new Error("test1.yaml failed");
  rows.push({
    name: "vmalert-tool test1.yaml incl. victoria-metrics start",
    value: Math.round(performance.now() - t),
    unit: "ms",
  });

  const vm = await startVM();
  try {
    const end = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
    const start = end - 1439 * 60_000;
    const values = [];
    const timestamps = [];
    for (let i = 0; i < 1440; i++) {
      values.push(i % 50);
      timestamps.push(start + i * 60_000);
    }
    const body = [];
    for (let s = 0; s < 100; s++)
      body.push(JSON.stringify({ metric: { __name__: "load", instance: `i${s}` }, values, timestamps }));
    await fetch(`${vm.url}/api/v1/import`, { method: "POST", body: body.join("\n") });
    await fetch(`${vm.url}/internal/force_flush`);
    const qf = createQuerierFactory({ url: vm.url, nocache: true });
    const pos = { file: "b.yml", line: 1, col: 1 };
    const rule = (r) => ({ for: 0, keepFiringFor: 0, labels: {}, annotations: {}, debug: false, pos, ...r });
    const group = withGroupDefaults(
      {
        name: "b",
        file: "b.yml",
        interval: 60_000,
        limit: 0,
        concurrency: 1,
        type: "prometheus",
        labels: {},
        params: {},
        headers: [],
        notifierHeaders: [],
        debug: false,
        checksum: "b",
        pos,
        rules: [
          rule({ record: "load:x2", expr: "load * 2" }),
          rule({ alert: "High", expr: "load > 40", for: 120_000 }),
        ],
      },
      DEFAULT_GROUP_DEFAULTS,
    );
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
    t = performance.now();
    const summary = await replay(
      [group],
      {
        from: start,
        to: end,
        rulesDelay: 0,
        maxDatapointsPerQuery: 1000,
        ruleRetryAttempts: 1,
        disableProgressBar: true,
        continueWithExecutionErr: false,
      },
      {
        querierFactory: qf,
        writer: createMemoryWriter(),
        compileTemplate: (x, o) => compileTemplate(x, o),
        settings,
        logger: silent,
      },
    );
    const secs = (performance.now() - t) / 1000;
    await qf.close();
    rows.push({
      name: "replay: 2 rules x 1440 steps x 100 series, into memory",
      value: Math.round((summary.points * 100) / secs),
      unit: "series-points/s",
    });
  } finally {
    await vm.stop();
  }
  return rows;
}
