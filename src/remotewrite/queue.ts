// A bounded FIFO of series with sequence numbers: seq(n) counts every series ever accepted, so a flush
// can wait for "everything accepted before now" without tracking individual series.

import type { TimeSeries } from "./types.js";

export interface SeriesQueue {
  readonly capacity: number;
  readonly length: number;
  /** Sequence number of the oldest queued series (= count of series taken so far). */
  readonly headSeq: number;
  /** Sequence number the next accepted series gets. */
  readonly nextSeq: number;
  /** Appends what fits; returns how many were accepted (a prefix of `series`). */
  push(series: readonly TimeSeries[]): number;
  /** Removes up to `max` series from the head. */
  take(max: number): TimeSeries[];
}

export function createSeriesQueue(capacity: number): SeriesQueue {
  // Ring buffer, allocated lazily up to capacity so a large -remoteWrite.maxQueueSize costs nothing idle.
  let ring: (TimeSeries | undefined)[] = [];
  let head = 0;
  let length = 0;
  let headSeq = 0;

  function grow(need: number): void {
    let size = Math.max(16, ring.length);
    while (size < need) size *= 2;
    size = Math.min(size, capacity);
    if (size <= ring.length) return;
    const next: (TimeSeries | undefined)[] = new Array(size);
    for (let i = 0; i < length; i++) next[i] = ring[(head + i) % ring.length];
    ring = next;
    head = 0;
  }

  return {
    capacity,
    get length() {
      return length;
    },
    get headSeq() {
      return headSeq;
    },
    get nextSeq() {
      return headSeq + length;
    },
    push(series) {
      const n = Math.min(series.length, capacity - length);
      if (n <= 0) return 0;
      if (length + n > ring.length) grow(length + n);
      const size = ring.length;
      for (let i = 0; i < n; i++) ring[(head + length + i) % size] = series[i];
      length += n;
      return n;
    },
    take(max) {
      const n = Math.min(max, length);
      const out: TimeSeries[] = new Array(n);
      const size = ring.length;
      for (let i = 0; i < n; i++) {
        const idx = (head + i) % size;
        out[i] = ring[idx]!;
        ring[idx] = undefined;
      }
      head = size === 0 ? 0 : (head + n) % size;
      length -= n;
      headSeq += n;
      return out;
    },
  };
}
