// The remote-write seam: rules push series; delivery, batching and retries are the writer's business.
import type { ClientOptions } from "../net/types.js";

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  value: number;
  /** ms */
  timestamp: number;
  /**
   * Write the Prometheus staleness marker instead of `value`. JS may drop a NaN's payload bits, so the
   * flag is the reliable way to mark staleness (`staleSample(ts)` from ./stale.js sets it).
   */
  stale?: boolean;
}

export interface TimeSeries {
  /** Sorted by name. */
  labels: Label[];
  samples: Sample[];
}

export interface RemoteWriter {
  /** Non-blocking; series that do not fit the queue are dropped and counted. */
  push(series: TimeSeries[]): void;
  /**
   * Resolves when everything pushed so far has been delivered (or finally dropped). The group awaits
   * this after each rule so later rules of the group read what earlier ones wrote. Sends at once (does
   * not wait for flushInterval); resolves immediately when nothing is pending, and also when `signal`
   * aborts (it stops waiting; delivery goes on in the background).
   */
  flush(signal?: AbortSignal): Promise<void>;
  /**
   * Drain and flush within the deadline, then stop; what is still undelivered then is dropped and
   * counted. `deadlineMs` is a duration in ms (an absolute epoch-ms value is also accepted). Pushes
   * after close are dropped and counted.
   */
  close(deadlineMs: number): Promise<void>;
}

/** Stale marker: Prometheus staleness NaN. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

/** `-remoteWrite.*` settings of one destination. Durations in ms. */
export interface RemoteWriterOptions {
  /** Base URL; `/api/v1/write` is appended unless disablePathAppend. */
  url: string;
  disablePathAppend?: boolean;
  /** Parallel senders (default 1). */
  concurrency?: number;
  /** Max wait before a partial batch is sent (default 2s). */
  flushInterval?: number;
  /** Series per request (default 10000). */
  maxBatchSize?: number;
  /**
   * Series held in memory (default 100000): the queue itself, or with an outbox the series waiting to be
   * written to disk. Beyond it pushes are dropped.
   */
  maxQueueSize?: number;
  /** Per-request timeout (default 30s). */
  sendTimeout?: number;
  /** First retry delay, doubled per attempt (default 1s). */
  retryMinInterval?: number;
  /** Give up on a batch this long after its first attempt (default 30s). Not used with an outbox. */
  retryMaxTime?: number;
  /** Auth, TLS, `-remoteWrite.headers`, showURL. */
  client?: ClientOptions;
  /** `-remoteWrite.tmpDataPath`: keep the queue in a disk outbox instead of memory. */
  outbox?: OutboxOptions;
  /**
   * flush() waits for this destination even while it is down (replay and unit tests, which must read
   * what they wrote). By default a flush stops waiting for a destination once a request to it fails.
   */
  flushWaitsWhileDown?: boolean;
}

/** The disk outbox of one destination (README "Remote write", "The disk outbox"). */
export interface OutboxOptions {
  /** This destination's own directory (see `outboxDir`). */
  dir: string;
  /** `-remoteWrite.maxDiskUsagePerURL`: past it the oldest segments are dropped (0 or absent: no bound). */
  maxDiskBytes?: number;
  /** Segment file size; derived from maxDiskBytes by default (tests set it small). */
  segmentBytes?: number;
}
