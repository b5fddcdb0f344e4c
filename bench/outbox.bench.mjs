// Remote write through the disk outbox (-remoteWrite.tmpDataPath) beside the memory queue, into a real
// victoria-metrics (started and stopped here): samples/s and CPU of this process per 100k samples, in
// W2's shape (56,000 series per iteration, pushed in 100 rule-sized chunks by 10 concurrent groups,
// each chunk followed by a flush as the engine does). The goal: the outbox costs under 20% more CPU than the memory queue.
// Standalone: node bench/outbox.bench.mjs [--iterations=N] [--rounds=N] [--groups=N] [--flush=rule|group]. Imports the built code from dist/.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createRemoteWriter } from "../dist/remotewrite/writer.js";
import { freePort } from "../scripts/lib/procs.mjs";
import { startVictoriaMetrics } from "../scripts/lib/servers.mjs";

const SERIES = 56_000;
const CHUNKS = 100;
const arg = (name, def) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def);

/** One W2 iteration's ALERTS-like series at time t. */
function iteration(t) {
  const out = new Array(SERIES);
  for (let i = 0; i < SERIES; i++) {
    out[i] = {
      labels: [
        { name: "__name__", value: "bench_outbox_alerts" },
        { name: "alertgroup", value: `w2-group-${i % 10}` },
        { name: "alertname", value: `W2ValueHigh_${i % 100}` },
        { name: "alertstate", value: "firing" },
        { name: "instance", value: `host-${String(i % 1000).padStart(4, "0")}:9100` },
        { name: "job", value: "w2" },
        { name: "zone", value: `zone-${i % 3}` },
      ],
      samples: [{ value: 1, timestamp: t }],
    };
  }
  return out;
}

async function measure(url, iterations, t0, outboxDir, GROUPS, flushPerGroup = false) {
  const logger = pino({ level: "error" });
  const writer = createRemoteWriter(
    {
      url,
      concurrency: 2,
      flushInterval: 2000,
      outbox: outboxDir ? { dir: outboxDir } : undefined,
    },
    logger,
  );
  const chunk = SERIES / CHUNKS;
  let cpuMicros = 0;
  let wallNs = 0n;
  // Each iteration's series are made outside the measured window (the engine's own work, not the
  // writer's); only push, encode, store and send are timed.
  for (let k = 0; k < iterations; k++) {
    const it = iteration(t0 + k * 10_000);
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    // W2 runs 10 groups of 10 rules side by side: each group pushes its rules' chunks and flushes after
    // each, concurrently with the other groups (their appends share fsyncs, as in the engine).
    await Promise.all(
      Array.from({ length: GROUPS }, async (_, g) => {
        for (let c = g; c < CHUNKS; c += GROUPS) {
          writer.push(it.slice(c * chunk, (c + 1) * chunk));
          if (!flushPerGroup) await writer.flush();
        }
        // With the rule dependency graph, output no rule reads is flushed once per group iteration.
        if (flushPerGroup) await writer.flush();
      }),
    );
    wallNs += process.hrtime.bigint() - wall0;
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
  }
  const wall = Number(wallNs) / 1e9;
  await writer.close(5000);
  const samples = iterations * SERIES;
  return { samplesPerSec: samples / wall, cpuMsPer100k: (cpuMicros / 1000 / samples) * 100_000 };
}

export async function run() {
  const iterations = arg("iterations", 10);
  const roundCount = arg("rounds", 5);
  // --groups=1: one flush at a time, every flush its own fsync (the worst case for the outbox).
  const groups = arg("groups", 10);
  // --flush=group: one flush per group iteration, as the engine does for output no rule reads (the rule
  // dependency graph); --flush=rule (the default): a flush after every rule's chunk, as for output a
  // later rule reads.
  const flushArg = process.argv.find((a) => a.startsWith("--flush="))?.split("=")[1] ?? "rule";
  if (flushArg !== "rule" && flushArg !== "group") throw new Error(`--flush=${flushArg}: want rule or group`);
  const perGroup = flushArg === "group";
  const dir = await mkdtemp(join(tmpdir(), "tsalert-bench-outbox-"));
  const port = await freePort();
  const { child, url } = await startVictoriaMetrics({ port, dir: join(dir, "vm") });
  process.stderr.write(
    `outbox bench: node bench/outbox.bench.mjs --iterations=${iterations} --rounds=${roundCount} --groups=${groups} --flush=${flushArg}; victoria-metrics -httpListenAddr=127.0.0.1:${port} -storageDataPath=${join(dir, "vm", "data")} -retentionPeriod=100y -search.latencyOffset=0s -loggerLevel=ERROR\n`,
  );
  try {
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 6 * 3_600_000;
    const rounds = { memory: [], outbox: [] };
    // Warm-up (JIT, VM's new series), then alternate so load on the shared machine hits both alike.
    await measure(url, 1, t0 - 3_600_000, undefined, groups, perGroup);
    for (let r = 0; r < roundCount; r++) {
      const base = t0 + r * iterations * 10_000 * 2;
      rounds.memory.push(await measure(url, iterations, base, undefined, groups, perGroup));
      const box = join(dir, `outbox-${r}`);
      rounds.outbox.push(await measure(url, iterations, base + iterations * 10_000, box, groups, perGroup));
      process.stderr.write(
        `  round ${r + 1}: memory ${JSON.stringify(rounds.memory[r])}, outbox ${JSON.stringify(rounds.outbox[r])}\n`,
      );
    }
    const median = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cpuMem = median(rounds.memory, "cpuMsPer100k");
    const cpuBox = median(rounds.outbox, "cpuMsPer100k");
    const ratios = rounds.outbox.map((b, i) => ({ r: b.cpuMsPer100k / rounds.memory[i].cpuMsPer100k }));
    return [
      {
        name: `memory queue: samples/s (W2 shape: ${groups} groups, flush per ${perGroup ? "group iteration" : "560 series"})`,
        value: Math.round(median(rounds.memory, "samplesPerSec")),
        unit: "samples/s",
      },
      {
        name: "disk outbox: samples/s (same)",
        value: Math.round(median(rounds.outbox, "samplesPerSec")),
        unit: "samples/s",
      },
      { name: "memory queue: CPU per 100k samples", value: cpuMem.toFixed(1), unit: "ms" },
      { name: "disk outbox: CPU per 100k samples", value: cpuBox.toFixed(1), unit: "ms" },
      {
        // Each round's outbox against the memory queue just before it: the pair shares the machine's load.
        name: "outbox CPU / memory CPU (goal < 1.2), median of the rounds (min-max)",
        value: `${median(ratios, "r").toFixed(2)} (${Math.min(...ratios.map((x) => x.r)).toFixed(2)}-${Math.max(...ratios.map((x) => x.r)).toFixed(2)})`,
        unit: "x",
      },
    ];
  } finally {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
