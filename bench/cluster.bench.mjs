// Scaling out on one machine: W1 (1,000 rules in 10 groups) at an interval one tsalert process cannot keep,
// run by 1 member and then by 2 members of a cluster (-cluster.membersCount=2), on the same VictoriaMetrics
// and data. Reported: iterations kept per interval (1.0 = every group evaluated on every tick), missed
// iterations, CPU of the members and of VictoriaMetrics, and the machine's load. `--copies=N` runs N copies
// of W1's groups (N x 1,000 rules on the same series), for a process bound by CPU rather than by the
// latency of a group's 100 rules in sequence.
// Standalone: node bench/cluster.bench.mjs [--interval=1s] [--seconds=30] [--members=1,2] [--copies=1].
// Part of `npm run bench` (bench/run.mjs calls run()).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, sleep, startChild, waitReady } from "../scripts/lib/procs.mjs";
import { engineCommand, startVictoriaMetrics, tsalertVersion } from "../scripts/lib/servers.mjs";
import { importHistory, startUpdater } from "./lib/data.mjs";
import { engineFlags } from "./lib/measure.mjs";
import { cpuSeconds } from "./lib/procstat.mjs";
import { fetchSelfMetrics } from "./lib/selfmetrics.mjs";
import { startSink } from "./lib/sink.mjs";
import { W1 } from "./lib/workloads.mjs";

const log = (msg) => process.stderr.write(`cluster.bench: ${msg}\n`);
const WARMUP_ITERATIONS = 3;
/**
 * Members read the rules as `rules-w1/<file>` (relative to their working directory), so a group's key, and
 * with it the split, is the same in every run: rendezvous hashing splits W1's 10 groups 5/5 under this
 * name. Hashing 10 groups is lumpy: under random temporary paths the split ranged from 2/8 to 5/5.
 */
const RULES_DIR = "rules-w1";

function parseDuration(s) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s);
  if (!m) throw new Error(`bad duration "${s}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2]];
}

/** Members run W1 together; returns what they kept over `seconds` after warm-up. */
async function measureCluster({ members, interval, seconds, cwd, ruleGlob, vm, sink, groups }) {
  const intervalMs = parseDuration(interval);
  const { cmd, args } = engineCommand("tsalert");
  const children = [];
  try {
    for (let k = 0; k < members; k++) {
      const port = await freePort();
      const flags = engineFlags({ ruleGlob, vmURL: vm.url, sinkURL: sink.url, interval, port });
      const cluster = members > 1 ? [`-cluster.membersCount=${members}`, `-cluster.memberNum=${k}`] : [];
      const child = startChild(`tsalert-${k}`, cmd, [...args, ...flags, ...cluster], { cwd });
      children.push({ child, url: `http://127.0.0.1:${port}` });
    }
    for (const { child, url } of children) await waitReady(child, `${url}/metrics`, 60_000);
    const read = async () => {
      const all = await Promise.all(children.map(({ url }) => fetchSelfMetrics(url)));
      const counts = all.flatMap((m) => [...m.iterations.values()]);
      return {
        groupsPerMember: all.map((m) => m.iterations.size),
        counts,
        iterations: counts.reduce((a, b) => a + b, 0),
        missed: all.reduce((n, m) => n + m.sum("vmalert_iteration_missed_total"), 0),
        errors: all.reduce((n, m) => n + m.sum("vmalert_execution_errors_total"), 0),
        cpu: children.map(({ child }) => cpuSeconds(child.pid)),
        vmCpu: cpuSeconds(vm.child.pid),
      };
    };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const m = await read().catch(() => undefined);
      if (m && m.counts.length >= groups && Math.min(...m.counts) >= WARMUP_ITERATIONS) break;
      if (Date.now() > deadline) throw new Error(`${members} member(s): no warm-up within 120 s`);
      await sleep(500);
    }
    const start = await read();
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const end = await read();
    const spanMs = Date.now() - t0;
    // Other processes on the same cores slow every member alike; the 1-minute load average at the end of
    // the span says how crowded the machine was (2 cores: above 2, something else was running too).
    const load = loadavg()[0];
    const ticks = spanMs / intervalMs;
    return {
      members,
      groupsPerMember: end.groupsPerMember,
      keptPerInterval: (end.iterations - start.iterations) / groups / ticks,
      missed: end.missed - start.missed,
      errors: end.errors - start.errors,
      cpuPerSecond: end.cpu.map((c, k) => (c - start.cpu[k]) / (spanMs / 1000)),
      vmCpuPerSecond: (end.vmCpu - start.vmCpu) / (spanMs / 1000),
      load,
    };
  } finally {
    await Promise.all(children.map(({ child }) => child.stop()));
  }
}

const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Rows {name, value, unit} for bench/run.mjs. */
/** W1's rule files, `copies` times over with distinct group names. */
function ruleFiles(copies) {
  const out = [];
  for (let c = 0; c < copies; c++) {
    for (const f of W1.rules()) {
      out.push(
        c === 0
          ? f
          : { name: `copy${c}-${f.name}`, text: f.text.replace(/name: w1-group-/, `name: copy${c}-w1-group-`) },
      );
    }
  }
  return out;
}

export async function run({ interval = "500ms", seconds = 30, members = [1, 2], copies = 1 } = {}) {
  const probe = tsalertVersion();
  if (!probe.ok) return [{ name: "W1 cluster", value: "not available", unit: probe.reason }];
  const dir = await mkdtemp(join(tmpdir(), "tsalert-bench-cluster-"));
  let vm;
  let sink;
  let stopUpdater;
  const rows = [];
  try {
    await mkdir(join(dir, RULES_DIR));
    await Promise.all(ruleFiles(copies).map((f) => writeFile(join(dir, RULES_DIR, f.name), f.text)));
    vm = await startVictoriaMetrics({ port: await freePort(), dir: join(dir, "vm") });
    await importHistory(vm.url, W1);
    stopUpdater = startUpdater(vm.url, W1);
    sink = await startSink();
    for (const n of members) {
      log(`W1 at ${interval}, ${n} member(s): starting`);
      const r = await measureCluster({
        members: n,
        interval,
        seconds,
        cwd: dir,
        ruleGlob: `${RULES_DIR}/*.rules`,
        vm,
        sink,
        groups: W1.groups * copies,
      });
      log(`W1 at ${interval}, ${n} member(s): ${JSON.stringify(r)}`);
      const w = copies === 1 ? "W1" : `W1 x${copies}`;
      const p = (s) => `${w} at ${interval}, ${n} member${n === 1 ? "" : "s"}: ${s}`;
      rows.push({ name: p("iterations kept per interval"), value: round(r.keptPerInterval, 2), unit: "" });
      rows.push({ name: p("missed iterations"), value: r.missed, unit: `in ${seconds}s` });
      rows.push({ name: p("groups per member"), value: r.groupsPerMember.join(" / "), unit: "" });
      rows.push({ name: p("CPU per member"), value: r.cpuPerSecond.map((c) => round(c, 2)).join(" / "), unit: "s/s" });
      rows.push({ name: p("CPU of VictoriaMetrics"), value: round(r.vmCpuPerSecond, 2), unit: "s/s" });
      rows.push({ name: p("machine load average (1 min)"), value: round(r.load, 1), unit: "" });
    }
    return rows;
  } finally {
    await stopUpdater?.();
    await sink?.close();
    await vm?.child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function parseArgs(argv) {
  const opts = {};
  for (const a of argv) {
    const [k, v = ""] = a.replace(/^--?/, "").split("=");
    if (k === "interval") opts.interval = v;
    else if (k === "seconds") opts.seconds = Number(v);
    else if (k === "members") opts.members = v.split(",").map(Number);
    else if (k === "copies") opts.copies = Number(v);
    else throw new Error(`unknown argument "${a}" (want --interval=1s --seconds=30 --members=1,2 --copies=N)`);
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
