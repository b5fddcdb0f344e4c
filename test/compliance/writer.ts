// The suite's input: every sample of every case is remote-written (protobuf + snappy, through the
// project's own encoder) at its own time, all samples sharing a timestamp in one request, to every
// engine's storage at once so the engines of one run see the same data at the same moments.
import { encodeWriteRequest, snappyCompress, type TimeSeries } from "../../src/remotewrite/index.js";
import { type InputSeries, RW_INTERVAL_MS } from "./cases.js";

/** Each write must land within this long, retries included, as the suite allows. */
const WRITE_DEADLINE_MS = 2_000;
const RETRY_PAUSE_MS = 1_000;
const ATTEMPTS = 3;

export interface InputWriter {
  /** The zero time: when the first samples were written. */
  zero: number;
  /** Stops writing (samples after the end of the run are never sent). */
  stop(): void;
  /** The first write error, if any (the run is then not valid). */
  error(): string | null;
  /** Resolves when the writer stopped. */
  done: Promise<void>;
}

interface Batch {
  at: number;
  series: TimeSeries[];
}

function batches(series: InputSeries[]): Batch[] {
  const byTime = new Map<number, TimeSeries[]>();
  for (const s of series) {
    const labels = Object.keys(s.labels)
      .sort()
      .map((name) => ({ name, value: s.labels[name] }));
    s.values.forEach((value, i) => {
      const at = i * RW_INTERVAL_MS;
      let list = byTime.get(at);
      if (!list) {
        list = [];
        byTime.set(at, list);
      }
      list.push({ labels, samples: [{ value, timestamp: at }] });
    });
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([at, s]) => ({ at, series: s }));
}

async function post(url: string, body: Buffer): Promise<void> {
  const deadline = AbortSignal.timeout(WRITE_DEADLINE_MS);
  let last = "";
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "X-Prometheus-Remote-Write-Version": "0.1.0",
        },
        body,
        signal: deadline,
      });
      const text = await res.text();
      if (res.ok) return;
      last = `HTTP ${res.status}: ${text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (deadline.aborted) break;
    await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
  }
  throw new Error(`remote write to ${url} failed: ${last}`);
}

function stamped(b: Batch, zero: number): Buffer {
  const series = b.series.map((s) => ({
    labels: s.labels,
    samples: s.samples.map((x) => ({ value: x.value, timestamp: x.timestamp + zero })),
  }));
  return snappyCompress(encodeWriteRequest(series));
}

/** Starts writing; resolves once the samples of the zero time are in every storage. */
export async function startInputWriter(series: InputSeries[], targets: string[]): Promise<InputWriter> {
  const all = batches(series);
  const zero = Date.now();
  let stopped = false;
  let firstError: string | null = null;
  let wake: (() => void) | null = null;
  const writeAll = async (b: Batch) => {
    const body = stamped(b, zero);
    await Promise.all(
      targets.map((t) =>
        post(t, body).catch((err: Error) => {
          firstError ??= err.message;
        }),
      ),
    );
  };
  if (all.length > 0 && all[0].at === 0) await writeAll(all[0]);
  const rest = all[0]?.at === 0 ? all.slice(1) : all;
  const done = (async () => {
    for (const b of rest) {
      const wait = zero + b.at - Date.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
      if (stopped) return;
      await writeAll(b);
    }
  })();
  return {
    zero,
    stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
    },
    error: () => firstError,
    done,
  };
}
