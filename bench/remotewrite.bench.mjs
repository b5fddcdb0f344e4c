// Remote write: encode + snappy-compress 1,000,000 samples in batches of 10,000 (the target is
// > 1M samples/s; compression in JS, as the writer does it, and with the native snappy package for
// comparison), and end-to-end throughput of the writer into a real victoria-metrics (started and
// stopped here). Standalone: node bench/remotewrite.bench.mjs. Imports the built code from dist/.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { compressSync } from "snappy";
import { encodeWriteRequest } from "../dist/remotewrite/protobuf.js";
import { snappyCompress } from "../dist/remotewrite/snappy.js";
import { createRemoteWriter } from "../dist/remotewrite/writer.js";
import { freePort } from "../scripts/lib/procs.mjs";
import { startVictoriaMetrics } from "../scripts/lib/servers.mjs";

const TOTAL = 1_000_000;
const BATCH = 10_000;

/**
 * Recording-rule-like series: 6 labels, one sample each, label values repeating as in real data.
 * `distinct` series, each batch one evaluation of all of them (a timestamp per batch) when distinct = BATCH.
 */
function makeBatches(name, t0, distinct = TOTAL) {
  const batches = [];
  for (let b = 0; b < TOTAL / BATCH; b++) {
    const batch = new Array(BATCH);
    for (let i = 0; i < BATCH; i++) {
      const n = (b * BATCH + i) % distinct;
      batch[i] = {
        labels: [
          { name: "__name__", value: name },
          { name: "env", value: "prod" },
          { name: "instance", value: `host-${n % 5000}.example.internal:9100` },
          { name: "job", value: "node_exporter" },
          { name: "mode", value: ["idle", "user", "system", "iowait"][n % 4] },
          { name: "series", value: String(n) },
        ],
        samples: [{ value: (n % 1000) / 7, timestamp: distinct === TOTAL ? t0 + (n % 60) * 1000 : t0 + b * 15_000 }],
      };
    }
    batches.push(batch);
  }
  return batches;
}

/** Seconds to encode and compress every batch with `compressFn`; returns [seconds, raw bytes, compressed bytes]. */
function encodeCompress(batches, compressFn) {
  let raw = 0;
  let compressed = 0;
  const t = process.hrtime.bigint();
  for (const b of batches) {
    const pb = encodeWriteRequest(b);
    raw += pb.length;
    compressed += compressFn(pb).length;
  }
  return [Number(process.hrtime.bigint() - t) / 1e9, raw, compressed];
}

async function encodeBench() {
  const batches = makeBatches("bench_rw_encode", 1_764_000_000_000);
  // Warm up the JIT on a few batches first.
  for (let i = 0; i < 5; i++) {
    snappyCompress(encodeWriteRequest(batches[i]));
    compressSync(encodeWriteRequest(batches[i]));
  }
  const [secs, raw, compressed] = encodeCompress(batches, snappyCompress);
  const [nativeSecs, , nativeCompressed] = encodeCompress(batches, compressSync);
  const t2 = process.hrtime.bigint();
  for (const b of batches) encodeWriteRequest(b);
  const encodeSecs = Number(process.hrtime.bigint() - t2) / 1e9;
  return [
    {
      name: "encode+compress 1M samples, batches of 10k (as the writer)",
      value: Math.round(TOTAL / secs),
      unit: "samples/s",
    },
    {
      name: "same, native snappy package (comparison)",
      value: Math.round(TOTAL / nativeSecs),
      unit: "samples/s",
    },
    { name: "encode only (protobuf)", value: Math.round(TOTAL / encodeSecs), unit: "samples/s" },
    { name: "bytes per sample, protobuf", value: (raw / TOTAL).toFixed(1), unit: "B" },
    { name: "bytes per sample, snappy (JS)", value: (compressed / TOTAL).toFixed(1), unit: "B" },
    { name: "bytes per sample, snappy (native)", value: (nativeCompressed / TOTAL).toFixed(1), unit: "B" },
  ];
}

async function endToEnd() {
  const dir = await mkdtemp(join(tmpdir(), "tsalert-bench-rw-"));
  const port = await freePort();
  const { child, url } = await startVictoriaMetrics({ port, dir });
  try {
    // 10,000 series evaluated 100 times (15 s apart): what a big engine writes; 1M distinct series would
    // measure victoria-metrics' new-series indexing instead of the writer.
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3 * 3_600_000;
    const batches = makeBatches("bench_rw_e2e", t0, BATCH);
    const logger = pino({ level: "error" });
    const writer = createRemoteWriter(
      { url, concurrency: 2, maxBatchSize: BATCH, maxQueueSize: 100_000, flushInterval: 1000 },
      logger,
    );
    const t = process.hrtime.bigint();
    // Push as an engine would, waiting for delivery whenever the queue is about to fill.
    for (let i = 0; i < batches.length; i++) {
      writer.push(batches[i]);
      if ((i + 1) % 8 === 0) await writer.flush();
    }
    await writer.flush();
    const secs = Number(process.hrtime.bigint() - t) / 1e9;
    await writer.close(5000);
    await fetch(`${url}/internal/force_flush`);
    const q = encodeURIComponent("sum(count_over_time(bench_rw_e2e[3h]))");
    const res = await fetch(`${url}/api/v1/query?query=${q}&time=${(t0 + 100 * 15_000) / 1000}`);
    const body = await res.json();
    const stored = Number(body.data?.result?.[0]?.value?.[1] ?? 0);
    return [
      { name: "end-to-end to victoria-metrics (concurrency 2)", value: Math.round(TOTAL / secs), unit: "samples/s" },
      { name: "samples stored by victoria-metrics (of 1,000,000)", value: stored, unit: "samples" },
    ];
  } finally {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run() {
  return [...(await encodeBench()), ...(await endToEnd())];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
