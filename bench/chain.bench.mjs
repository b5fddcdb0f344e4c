// A chain of three groups on one interval, side by side with vmalert 1.79.5: G1 records from raw data,
// G2 records from G1's output, G3 alerts on G2's. The raw series steps from 0 to 1 (or back); the bench
// counts the iterations of G3 that start between the step and the moment the engine shows the alert
// firing (or resolved). Two storages: VictoriaMetrics as it is (a sample becomes searchable about a
// second after it was accepted), and behind a proxy that acknowledges a remote write only once the samples
// are searchable (/internal/force_flush), which leaves only the engine's own ordering.
// Standalone: node bench/chain.bench.mjs [--engines=vmalert,tsalert] [--trials=N] [--storage=plain,visible]
// [--tsalert-flag=-rule.writeVisibilityDelay=1s ...].
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, sleep, startChild, waitReady } from "../scripts/lib/procs.mjs";
import { engineCommand, startVictoriaMetrics, tsalertVersion } from "../scripts/lib/servers.mjs";
import { commandLine } from "./lib/measure.mjs";
import { startSink } from "./lib/sink.mjs";

const INTERVAL_MS = 10_000;
const log = (msg) => process.stderr.write(`chain.bench: ${msg}\n`);

const RULES = `groups:
  - name: chain-g1
    rules:
      - record: chain:l1
        expr: max(chain_src)
  - name: chain-g2
    rules:
      - record: chain:l2
        expr: max(chain:l1)
  - name: chain-g3
    rules:
      - alert: ChainHigh
        expr: max(chain:l2) > 0.5
`;

async function importValue(vmURL, value, t = Date.now()) {
  const line = JSON.stringify({ metric: { __name__: "chain_src", job: "chain" }, values: [value], timestamps: [t] });
  await fetch(`${vmURL}/api/v1/import`, { method: "POST", body: line });
  await fetch(`${vmURL}/internal/force_flush`);
}

/** Remote write that is acknowledged only once VictoriaMetrics can search what it accepted. */
async function visibleWrites(vmURL) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      try {
        const headers = {};
        for (const k of ["content-type", "content-encoding", "x-prometheus-remote-write-version"]) {
          if (req.headers[k]) headers[k] = req.headers[k];
        }
        const up = await fetch(`${vmURL}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
        await up.arrayBuffer();
        await (await fetch(`${vmURL}/internal/force_flush`)).arrayBuffer();
        res.writeHead(up.status).end();
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function g3Iterations(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /vmalert_iteration_total\{[^}]*group="chain-g3"[^}]*\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

async function alertState(url) {
  const body = await (await fetch(`${url}/api/v1/alerts`)).json();
  return (body?.data?.alerts ?? []).some((a) => a.labels?.alertname === "ChainHigh" && a.state === "firing");
}

/** One engine: warm up, then `trials` steps of the raw series; iterations of G3 each step took. */
async function measure(engine, { vmURL, writeURL, ruleFile, sinkURL, trials, extra = [] }) {
  const port = await freePort();
  const { cmd, args } = engineCommand(engine);
  const flags = [
    `-rule=${ruleFile}`,
    `-datasource.url=${vmURL}`,
    `-remoteWrite.url=${writeURL}`,
    `-notifier.url=${sinkURL}`,
    `-evaluationInterval=${INTERVAL_MS / 1000}s`,
    `-httpListenAddr=127.0.0.1:${port}`,
    ...(engine === "tsalert" ? ["-rule.evalDelay=0s"] : []),
    ...extra,
  ];
  log(`${engine}: ${commandLine(cmd, [...args, ...flags])}`);
  const child = startChild(engine, cmd, [...args, ...flags]);
  const url = `http://127.0.0.1:${port}`;
  const out = [];
  let value = 0;
  const keep = setInterval(() => importValue(vmURL, value).catch(() => {}), 2000);
  try {
    await waitReady(child, `${url}/metrics`, 60_000);
    // Every output series exists before the first step (a new series takes VictoriaMetrics seconds).
    while ((await g3Iterations(url)) < 4) await sleep(500);
    for (let t = 0; t < trials; t++) {
      const next = value === 0 ? 1 : 0;
      const want = next === 1;
      // Half an interval away from any tick of G3 would favour no one: step at a random moment. The
      // sample that keeps the series fresh changes only at the step, after the count was read.
      await sleep(Math.random() * INTERVAL_MS);
      const before = await g3Iterations(url);
      value = next;
      await importValue(vmURL, value);
      const deadline = Date.now() + 15 * INTERVAL_MS;
      while ((await alertState(url)) !== want) {
        if (Date.now() > deadline)
          throw new Error(`${engine}: ChainHigh did not become ${want ? "firing" : "inactive"}`);
        await sleep(100);
      }
      out.push({ to: want ? "firing" : "resolved", iterations: (await g3Iterations(url)) - before });
    }
    return out;
  } finally {
    clearInterval(keep);
    await child.stop();
  }
}

export async function run({
  engines = ["vmalert", "tsalert"],
  trials = 4,
  storages = ["plain", "visible"],
  extraFlags = {},
} = {}) {
  const rows = [];
  for (const storage of storages) {
    for (const engine of engines) {
      if (engine === "tsalert" && !tsalertVersion().ok) {
        rows.push({ name: `${storage} ${engine} G3 iterations per step`, value: "not available", unit: "" });
        continue;
      }
      const dir = await mkdtemp(join(tmpdir(), "tsalert-bench-chain-"));
      let vm;
      let proxy;
      let sink;
      try {
        vm = await startVictoriaMetrics({ port: await freePort(), dir: join(dir, "vm") });
        const now = Date.now();
        for (let t = now - 600_000; t <= now; t += 10_000) await importValue(vm.url, 0, t);
        proxy = storage === "visible" ? await visibleWrites(vm.url) : undefined;
        sink = await startSink();
        const ruleFile = join(dir, "chain.rules");
        await writeFile(ruleFile, RULES);
        const res = await measure(engine, {
          vmURL: vm.url,
          writeURL: proxy?.url ?? vm.url,
          ruleFile,
          sinkURL: sink.url,
          trials,
          extra: extraFlags[engine] ?? [],
        });
        log(`${storage} ${engine}: ${JSON.stringify(res)}`);
        rows.push({
          name: `${storage} storage, ${engine}${extraFlags[engine]?.length ? ` ${extraFlags[engine].join(" ")}` : ""}: G3 iterations from a step to the alert's change`,
          value: res.map((r) => r.iterations).join(", "),
          unit: "",
        });
      } finally {
        await sink?.close();
        await proxy?.close();
        await vm?.child.stop();
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return rows;
}

function parseArgs(argv) {
  const opts = {};
  for (const a of argv) {
    const [k, v = ""] = a.replace(/^--?/, "").split("=");
    if (k === "engines") opts.engines = v.split(",");
    else if (k === "trials") opts.trials = Number(v);
    else if (k === "storage") opts.storages = v.split(",");
    else if (k === "tsalert-flag" || k === "vmalert-flag") {
      const engine = k.split("-")[0];
      opts.extraFlags = {
        ...opts.extraFlags,
        [engine]: [...(opts.extraFlags?.[engine] ?? []), a.slice(a.indexOf("=") + 1)],
      };
    } else
      throw new Error(
        `unknown argument "${a}" (want --engines=vmalert,tsalert --trials=N --storage=plain,visible --tsalert-flag=FLAG)`,
      );
  }
  return opts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run(parseArgs(process.argv.slice(2)))) console.log(`| ${r.name} | ${r.value} |`);
}
