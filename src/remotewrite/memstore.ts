// The in-memory store: a bounded FIFO of series (-remoteWrite.maxQueueSize), cut into batches when a
// sender takes them: at maxBatchSize, or sooner for rows a flush or the flush interval forced out.
// Series are encoded when a sender takes them, so push() only moves references.
import { encodeWriteRequest } from "./protobuf.js";
import { createSeriesQueue } from "./queue.js";
import { snappyCompress } from "./snappy.js";
import type { Batch, SeriesStore } from "./store.js";

export interface MemoryStore extends SeriesStore {
  readonly capacity: number;
  /** Removes every waiting row (shutdown deadline); returns how many. */
  discardWaiting(): number;
}

export function createMemoryStore(capacity: number, maxBatchSize: number): MemoryStore {
  const queue = createSeriesQueue(capacity);
  const inflight = new Set<Batch>();
  let inflightRows = 0;
  /** Rows with seq below this are sent without waiting for a full batch. */
  let forceUntil = 0;
  let stopped = false;
  let wake: (() => void)[] = [];
  const listeners: (() => void)[] = [];

  const changed = () => {
    for (const fn of listeners) fn();
  };
  const ready = () => queue.length > 0 && (queue.length >= maxBatchSize || queue.headSeq < forceUntil);
  const wakeSenders = () => {
    const w = wake;
    wake = [];
    for (const fn of w) fn();
  };

  return {
    capacity,
    get nextSeq() {
      return queue.nextSeq;
    },
    get waitingRows() {
      return queue.length;
    },
    get inflightRows() {
      return inflightRows;
    },
    push(series) {
      const accepted = queue.push(series);
      if (queue.length >= maxBatchSize) wakeSenders();
      return accepted;
    },
    force(target) {
      forceUntil = Math.max(forceUntil, target);
      if (ready()) wakeSenders();
    },
    stored: async () => {},
    settledSeq() {
      let min = queue.headSeq;
      for (const b of inflight) if (b.seq < min) min = b.seq;
      return min;
    },
    async next() {
      while (!stopped && !ready()) await new Promise<void>((r) => wake.push(r));
      if (stopped) return undefined;
      const seq = queue.headSeq;
      const series = queue.take(maxBatchSize);
      const batch: Batch = { rows: series.length, seq, body: () => snappyCompress(encodeWriteRequest(series)) };
      inflight.add(batch);
      inflightRows += batch.rows;
      // More may be ready for the next sender.
      if (ready()) wakeSenders();
      return batch;
    },
    settle(batch) {
      if (inflight.delete(batch)) inflightRows -= batch.rows;
      changed();
    },
    onChange(fn) {
      listeners.push(fn);
    },
    stop() {
      stopped = true;
      wakeSenders();
      changed();
    },
    discardWaiting() {
      const n = queue.take(queue.length).length;
      changed();
      return n;
    },
  };
}
