// The engine, side by side with the real vmalert 1.79.5: same rules, same data, same flags, one run.
// For each workload: a real victoria-metrics with a few hours of series, a counting notifier sink, then
// each engine as a child process; CPU seconds per full iteration of all rules and peak RSS are read
// from /proc. Standalone: node bench/engine.bench.mjs [--workload=W1] [--engines=vmalert,tsalert]
// [--iterations=N]. Part of `npm run bench` (bench/run.mjs calls run()).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../scripts/lib/procs.mjs";
import { startVictoriaMetrics, tsalertVersion } from "../scripts/lib/servers.mjs";
import { importHistory, startUpdater } from "./lib/data.mjs";
import { measureEngine } from "./lib/measure.mjs";
import { startSink } from "./lib/sink.mjs";
import { workloads } from "./lib/workloads.mjs";

const GOAL_CPU = 0.8;
const GOAL_RSS = 1.5;

const log = (msg) => process.stderr.write(`engine.bench: ${msg}\n`);

/** Measures every engine on one workload; returns {engine: result | {unavailable}}. */
export async function runWorkload(workload, engines, iterations) {
  const dir = await mkdtemp(join(tmpdir(), `tsalert-bench-${workload.id}-`));
  let vm;
  let sink;
  let stopUpdater;
  try {
    const files = workload.rules();
    await Promise.all(files.map((f) => writeFile(join(dir, f.name), f.text)));
    vm = await startVictoriaMetrics({ port: await freePort(), dir: join(dir, "vm") });
    await importHistory(vm.url, workload);
    stopUpdater = startUpdater(vm.url, workload);
    sink = await startSink();
    const results = {};
    for (const engine of engines) {
      if (engine === "tsalert") {
        const probe = tsalertVersion();
        if (!probe.ok) {
          results[engine] = { unavailable: probe.reason };
          log(`${workload.id} tsalert: not available: ${probe.reason}`);
          continue;
        }
      }
      log(`${workload.id} ${engine}: starting`);
      try {
        results[engine] = await measureEngine({
          engine,
          workload,
          ruleGlob: join(dir, "*.rules"),
          vmURL: vm.url,
          sink,
          warmup: workload.warmup,
          iterations: iterations ?? workload.iterations,
          log,
        });
        log(`${workload.id} ${engine}: ${JSON.stringify(results[engine])}`);
      } catch (err) {
        const reason = String(err?.message ?? err);
        results[engine] = { unavailable: reason.split("\n")[0] };
        log(`${workload.id} ${engine}: failed: ${reason}`);
      }
    }
    return results;
  } finally {
    await stopUpdater?.();
    await sink?.close();
    await vm?.child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;

function rowsFor(workload, results) {
  const rows = [];
  const p = (s) => `${workload.id} ${s}`;
  for (const [engine, r] of Object.entries(results)) {
    if (r.unavailable) {
      rows.push({ name: p(`${engine} CPU per iteration`), value: "not available", unit: "" });
      rows.push({ name: p(`${engine} peak RSS`), value: "not available", unit: "" });
      continue;
    }
    rows.push({ name: p(`${engine} CPU per iteration`), value: round(r.cpuPerIteration, 3), unit: "s" });
    rows.push({ name: p(`${engine} peak RSS`), value: round(r.peakRss / 2 ** 20, 1), unit: "MiB" });
    rows.push({ name: p(`${engine} alerts sent per iteration`), value: Math.round(r.alertsPerIteration), unit: "" });
    rows.push({ name: p(`${engine} series written per iteration`), value: Math.round(r.rowsPerIteration), unit: "" });
    rows.push({
      name: p(`${engine} exec errors / missed iters / dropped rows`),
      value: `${r.errors} / ${r.missed} / ${r.dropped}`,
      unit: "",
    });
  }
  const ts = results.tsalert;
  const vm = results.vmalert;
  if (ts && vm) {
    const ok = !ts.unavailable && !vm.unavailable;
    rows.push({
      name: p(`CPU ratio tsalert/vmalert (goal <= ${GOAL_CPU})`),
      value: ok ? round(ts.cpuPerIteration / vm.cpuPerIteration, 2) : "n/a",
      unit: ok ? "x" : "",
    });
    rows.push({
      name: p(`RSS ratio tsalert/vmalert (goal <= ${GOAL_RSS})`),
      value: ok ? round(ts.peakRss / vm.peakRss, 2) : "n/a",
      unit: ok ? "x" : "",
    });
  }
  return rows;
}

/** Rows {name, value, unit} for bench/run.mjs; options let the CLI pick workloads, engines, iterations. */
export async function run({ only = ["W1", "W2"], engines = ["vmalert", "tsalert"], iterations } = {}) {
  const rows = [];
  for (const id of only) {
    const workload = workloads[id];
    if (!workload) throw new Error(`unknown workload "${id}" (want ${Object.keys(workloads).join(", ")})`);
    log(workload.title);
    rows.push(...rowsFor(workload, await runWorkload(workload, engines, iterations)));
  }
  return rows;
}

function parseArgs(argv) {
  const opts = {};
  for (const a of argv) {
    const [k, v = ""] = a.replace(/^--?/, "").split("=");
    if (k === "workload") opts.only = v.split(",").map((s) => s.trim().toUpperCase());
    else if (k === "engines") opts.engines = v.split(",").map((s) => s.trim());
    else if (k === "iterations") opts.iterations = Number(v);
    else throw new Error(`unknown argument "${a}" (want --workload=W1,W2 --engines=vmalert,tsalert --iterations=N)`);
  }
  return opts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await run(parseArgs(process.argv.slice(2)));
  const w = (s, n) => String(s).padEnd(n);
  console.log(`| ${w("measure", 58)} | ${w("value", 14)} | unit |`);
  console.log(`|${"-".repeat(60)}|${"-".repeat(16)}|------|`);
  for (const r of rows) console.log(`| ${w(r.name, 58)} | ${w(r.value, 14)} | ${w(r.unit, 4)} |`);
}
