// The disk store of one destination (-remoteWrite.tmpDataPath): pushed series are cut into batches
// (at maxBatchSize, every flush interval, on flush), encoded and compressed into records, appended to
// the outbox and fsynced; senders take records from the outbox in order. Memory holds only the batch
// being filled, batches waiting for the disk (bounded by maxMemoryRows) and the records being sent.

import type { Logger } from "pino";
import { errorMessage } from "../../errors.js";
import type { DestinationMetrics, DropReason } from "../metrics.js";
import { encodeWriteRequest } from "../protobuf.js";
import { snappyCompress } from "../snappy.js";
import type { Batch, SeriesStore } from "../store.js";
import type { TimeSeries } from "../types.js";
import { type AppendItem, newEpoch, OutboxLog, type OutboxRecord, segmentBytesFor } from "./outbox.js";
import { encodeHeader } from "./record.js";

export interface OutboxStoreOptions {
  dir: string;
  maxDiskBytes?: number;
  segmentBytes?: number;
  maxBatchSize: number;
  /** Rows waiting in memory to be written; beyond it pushes are refused. */
  maxMemoryRows: number;
  log: Logger;
  metrics: DestinationMetrics;
  drop(rows: number, reason: DropReason, message: string): void;
}

export interface OutboxStore extends SeriesStore {
  readonly dir: string;
  /** Writes what is pending, closes the files; resolves with the rows left in the outbox. */
  close(): Promise<number>;
}

interface Job {
  series: TimeSeries[];
  seq: number;
}

/**
 * Consecutive jobs (flushes that met while the disk was busy) merged into records of up to maxBatchSize
 * rows: one record, one request and one encoding pass instead of one per flush.
 */
function coalesce(jobs: Job[], maxBatchSize: number): Job[] {
  const out: Job[] = [];
  for (const j of jobs) {
    const last = out[out.length - 1];
    // A job's array is the store's own (cut from its pending batch), so it can take the next job's rows.
    if (last && last.seq + last.series.length === j.seq && last.series.length + j.series.length <= maxBatchSize) {
      for (const s of j.series) last.series.push(s);
    } else out.push(j);
  }
  return out;
}

export function createOutboxStore(o: OutboxStoreOptions): OutboxStore {
  const epoch = newEpoch();
  const listeners: (() => void)[] = [];
  let wake: (() => void)[] = [];
  const changed = () => {
    o.metrics.outboxBytes(log.totalBytes);
    const w = wake;
    wake = [];
    for (const fn of w) fn();
    for (const fn of listeners) fn();
  };
  const maxDiskBytes = o.maxDiskBytes ?? 0;
  const log = new OutboxLog({
    dir: o.dir,
    maxDiskBytes,
    segmentBytes: o.segmentBytes ?? segmentBytesFor(maxDiskBytes),
    epoch,
    log: o.log,
    onDrop: (rows, reason, message) => o.drop(rows, reason, message),
    onCorruptBytes: (bytes) => o.metrics.corruptBytes(bytes),
    onChange: () => changed(),
  });

  /** The batch being filled. */
  let pending: TimeSeries[] = [];
  let pendingSeq = 0;
  /** Batches cut and waiting to be encoded and appended. */
  const jobs: Job[] = [];
  let jobRows = 0;
  let appending: Promise<void> | undefined;
  /** This process's rows below it are on disk (or dropped). */
  let storedSeq = 0;
  const storedWaiters = new Set<{ target: number; resolve: () => void }>();
  const inflight = new Map<Batch, OutboxRecord>();
  let stopped = false;
  let closed = false;

  function cut(all: boolean): void {
    while (pending.length >= o.maxBatchSize || (all && pending.length > 0)) {
      const series = pending.length > o.maxBatchSize ? pending.splice(0, o.maxBatchSize) : pending;
      if (series === pending) pending = [];
      jobs.push({ series, seq: pendingSeq });
      pendingSeq += series.length;
      jobRows += series.length;
    }
    appending ??= new Promise<void>((r) => setImmediate(r)).then(appendJobs);
  }

  async function appendJobs(): Promise<void> {
    while (jobs.length > 0) {
      const batch = coalesce(jobs.splice(0), o.maxBatchSize);
      const items: AppendItem[] = [];
      let rows = 0;
      for (const j of batch) {
        rows += j.series.length;
        try {
          const body = snappyCompress(encodeWriteRequest(j.series));
          items.push({
            header: encodeHeader(body, j.series.length, epoch, j.seq),
            body,
            rows: j.series.length,
            seq: j.seq,
          });
        } catch (err) {
          o.drop(j.series.length, "encode_error", `cannot encode batch: ${errorMessage(err)}`);
        }
      }
      const last = batch[batch.length - 1];
      const through = last.seq + last.series.length;
      try {
        await log.append(items, through);
      } catch (err) {
        const lost = items.reduce((n, it) => n + it.rows, 0);
        o.drop(lost, "disk_error", `cannot write to the outbox ${o.dir}: ${errorMessage(err)}`);
        await log.append([], through).catch(() => {});
      }
      jobRows -= rows;
      storedSeq = through;
      for (const w of storedWaiters) {
        if (w.target <= storedSeq) {
          storedWaiters.delete(w);
          w.resolve();
        }
      }
    }
    appending = undefined;
    changed();
  }

  return {
    dir: o.dir,
    get nextSeq() {
      return pendingSeq + pending.length;
    },
    get waitingRows() {
      return pending.length + jobRows + log.unreadRows;
    },
    get inflightRows() {
      return log.inflightRows;
    },
    push(series) {
      if (closed) return 0;
      const room = Math.max(0, o.maxMemoryRows - pending.length - jobRows);
      const n = Math.min(room, series.length);
      for (let i = 0; i < n; i++) pending.push(series[i]);
      if (pending.length >= o.maxBatchSize) cut(false);
      return n;
    },
    force(target) {
      if (pending.length > 0 && pendingSeq < target) cut(true);
    },
    stored(target) {
      if (target <= storedSeq) return Promise.resolve();
      return new Promise((resolve) => storedWaiters.add({ target, resolve }));
    },
    settledSeq() {
      let min = Math.min(log.ownReadSeq, storedSeq);
      for (const s of log.inflightOwnSeqs()) if (s < min) min = s;
      return min;
    },
    async next() {
      for (;;) {
        if (stopped) return undefined;
        const rec = await log.read();
        if (rec) {
          const batch: Batch = { rows: rec.rows, seq: rec.epoch === epoch ? rec.seq : -1, body: () => rec.body };
          inflight.set(batch, rec);
          return batch;
        }
        if (stopped) return undefined;
        await new Promise<void>((r) => wake.push(r));
      }
    },
    settle(batch, how) {
      const rec = inflight.get(batch);
      if (!rec) return;
      inflight.delete(batch);
      log.done(rec, how);
      changed();
    },
    onChange(fn) {
      listeners.push(fn);
    },
    stop() {
      stopped = true;
      changed();
    },
    async close() {
      closed = true;
      cut(true);
      while (appending) await appending;
      await log.close();
      return pending.length + jobRows + log.unreadRows + log.inflightRows;
    },
  };
}
