// The engine, side by side with the real vmalert 1.79.5: same rules, same data, same flags, one run.
// For each workload: a real victoria-metrics with a few hours of series, a counting notifier sink, then
// each engine as a child process; CPU seconds per full iteration of all rules and peak RSS are read
// from /proc, and for W3 the wall time of each group's iteration. Every engine command line is printed.
// Standalone: node bench/engine.bench.mjs [--workload=W1,W2,W3] [--engines=vmalert,tsalert]
// [--iterations=N] [--tsalert-flag=-rule.maxConcurrency=1 ...] [--vmalert-flag=...].
// Part of `npm run bench` (bench/run.mjs calls run()).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../scripts/lib/procs.mjs";
import { startVictoriaMetrics, tsalertVersion } from "../scripts/lib/servers.mjs";
import { importHistory, startUpdater } from "./lib/data.mjs";
import { startDelayProxy } from "./lib/delayproxy.mjs";
import { measureEngine } from "./lib/measure.mjs";
import { startSink } from "./lib/sink.mjs";
import { workloads } from "./lib/workloads.mjs";

const GOAL_CPU = 0.8;
const GOAL_RSS = 1.5;
/** W3: tsalert's iteration wall time against vmalert's (issue goal). */
const GOAL_ITERATION = 0.2;

const log = (msg) => process.stderr.write(`engine.bench: ${msg}\n`);

/** Measures every engine on one workload; returns {engine: result | {unavailable}}. */
export async function runWorkload(workload, engines, iterations, extraFlags = {}) {
  const dir = await mkdtemp(join(tmpdir(), `tsalert-bench-${workload.id}-`));
  let vm;
  let sink;
  let stopUpdater;
  let proxy;
  try {
    const files = workload.rules();
    await Promise.all(files.map((f) => writeFile(join(dir, f.name), f.text)));
    vm = await startVictoriaMetrics({ port: await freePort(), dir: join(dir, "vm") });
    await importHistory(vm.url, workload);
    stopUpdater = startUpdater(vm.url, workload);
    sink = await startSink();
    if (workload.queryDelayMs) {
      proxy = await startDelayProxy(vm.url, workload.queryDelayMs);
      log(`${workload.id}: datasource behind ${proxy.url}, +${workload.queryDelayMs} ms per query`);
    }
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
          datasourceURL: proxy?.url,
          extraFlags: extraFlags[engine] ?? [],
          sink,
          warmup: workload.warmup,
          iterations: iterations ?? workload.iterations,
          log,
        });
        const { firing, ...shown } = results[engine];
        log(`${workload.id} ${engine}: ${JSON.stringify({ ...shown, firing: firing?.length })}`);
      } catch (err) {
        const reason = String(err?.message ?? err);
        results[engine] = { unavailable: reason.split("\n")[0] };
        log(`${workload.id} ${engine}: failed: ${reason}`);
      }
    }
    return results;
  } finally {
    await stopUpdater?.();
    await proxy?.close();
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
  if (workload.queryDelayMs) rows.push(...iterationRows(p, results));
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

/** W3: iteration wall time per group (min / median / max of the groups' means) and whether results agree. */
function iterationRows(p, results) {
  const rows = [];
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  for (const [engine, r] of Object.entries(results)) {
    if (r.unavailable || r.iterationSeconds.length === 0) continue;
    const xs = r.iterationSeconds;
    rows.push({
      name: p(`${engine} iteration wall time per group min / median / max`),
      value: `${round(xs[0], 3)} / ${round(median(xs), 3)} / ${round(xs[xs.length - 1], 3)}`,
      unit: "s",
    });
    rows.push({ name: p(`${engine} firing alerts at the end`), value: r.firing?.length ?? "n/a", unit: "" });
  }
  const ts = results.tsalert;
  const vm = results.vmalert;
  if (ts && vm && !ts.unavailable && !vm.unavailable && ts.iterationSeconds.length && vm.iterationSeconds.length) {
    const med = (r) => median(r.iterationSeconds);
    rows.push({
      name: p(`iteration time ratio tsalert/vmalert, medians (goal <= ${GOAL_ITERATION})`),
      value: round(med(ts) / med(vm), 3),
      unit: "x",
    });
    const same = JSON.stringify(ts.firing) === JSON.stringify(vm.firing);
    rows.push({ name: p("same firing alerts in both engines"), value: same ? "yes" : "no", unit: "" });
    if (!same && ts.firing && vm.firing) {
      const a = new Set(ts.firing);
      const b = new Set(vm.firing);
      log(
        `${p("only tsalert")}: ${ts.firing
          .filter((k) => !b.has(k))
          .slice(0, 5)
          .join(" | ")}`,
      );
      log(
        `${p("only vmalert")}: ${vm.firing
          .filter((k) => !a.has(k))
          .slice(0, 5)
          .join(" | ")}`,
      );
    }
  }
  return rows;
}

/**
 * Rows {name, value, unit} for bench/run.mjs; options let the CLI pick workloads, engines, iterations and
 * add flags to one engine (`extraFlags: {tsalert: [...], vmalert: [...]}`).
 */
export async function run({
  only = ["W1", "W2", "W3"],
  engines = ["vmalert", "tsalert"],
  iterations,
  extraFlags,
} = {}) {
  const rows = [];
  for (const id of only) {
    const workload = workloads[id];
    if (!workload) throw new Error(`unknown workload "${id}" (want ${Object.keys(workloads).join(", ")})`);
    log(workload.title);
    rows.push(...rowsFor(workload, await runWorkload(workload, engines, iterations, extraFlags)));
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
    else if (k === "tsalert-flag" || k === "vmalert-flag") {
      const engine = k.split("-")[0];
      opts.extraFlags ??= {};
      opts.extraFlags[engine] = [...(opts.extraFlags[engine] ?? []), a.slice(a.indexOf("=") + 1)];
    } else
      throw new Error(
        `unknown argument "${a}" (want --workload=W1,W2,W3 --engines=vmalert,tsalert --iterations=N --tsalert-flag=FLAG --vmalert-flag=FLAG)`,
      );
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
