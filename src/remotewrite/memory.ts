// An in-memory RemoteWriter for other modules' unit tests: keeps every pushed series, delivers at once.
import type { RemoteWriter, TimeSeries } from "./types.js";

export interface MemoryWriter extends RemoteWriter {
  /** Every series pushed so far, in order (including those pushed after close, which are also counted). */
  readonly series: TimeSeries[];
  /** Number of flush() calls. */
  readonly flushes: number;
  readonly closed: boolean;
  /** Series whose `__name__` is `name`. */
  named(name: string): TimeSeries[];
  clear(): void;
}

export function createMemoryWriter(): MemoryWriter {
  const series: TimeSeries[] = [];
  let flushes = 0;
  let closed = false;
  return {
    series,
    get flushes() {
      return flushes;
    },
    get closed() {
      return closed;
    },
    push(s) {
      for (const ts of s) series.push(ts);
    },
    async flush() {
      flushes++;
    },
    async close() {
      closed = true;
    },
    named(name) {
      return series.filter((ts) => ts.labels.some((l) => l.name === "__name__" && l.value === name));
    },
    clear() {
      series.length = 0;
      flushes = 0;
    },
  };
}
