// The remote writer fake, beside the writer it stands in for: keeps every pushed series, delivers at once
// (or when `gate` resolves). Every test of code that writes uses it; replay --compare and unit tests run on it.
import type { RemoteWriter, TimeSeries } from "./types.js";

export interface MemoryWriter extends RemoteWriter {
  /** Every series pushed so far, in order (including those pushed after close, which are also counted). */
  readonly series: TimeSeries[];
  /** Number of completed flush() calls. */
  readonly flushes: number;
  readonly closed: boolean;
  /** When set, gets `push <name>` per series and `flush start` / `flush done`: shows the order of events. */
  log?: string[];
  /** When set, flush() waits for it (or for its signal's abort). */
  gate?: Promise<void>;
  /** Series whose `__name__` is `name`. */
  named(name: string): TimeSeries[];
  clear(): void;
}

function nameOf(ts: TimeSeries): string {
  return ts.labels.find((l) => l.name === "__name__")?.value ?? "";
}

export function createMemoryWriter(): MemoryWriter {
  const series: TimeSeries[] = [];
  let flushes = 0;
  let closed = false;
  const w: MemoryWriter = {
    series,
    get flushes() {
      return flushes;
    },
    get closed() {
      return closed;
    },
    push(s) {
      for (const ts of s) {
        series.push(ts);
        w.log?.push(`push ${nameOf(ts)}`);
      }
    },
    async flush(signal) {
      w.log?.push("flush start");
      if (w.gate) {
        await Promise.race([
          w.gate,
          new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true })),
        ]);
      }
      flushes++;
      w.log?.push("flush done");
    },
    async close() {
      closed = true;
    },
    named(name) {
      return series.filter((ts) => nameOf(ts) === name);
    },
    clear() {
      series.length = 0;
      flushes = 0;
    },
  };
  return w;
}
