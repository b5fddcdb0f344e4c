// The remote-write client: a bounded queue drained by `concurrency` senders in batches, flushed at
// maxBatchSize, every flushInterval, or at once when someone awaits flush(). Retries 5xx/429/network
// errors with jittered exponential backoff; other 4xx are the server saying "never", so dropped at once.
import type { Logger } from "pino";
import { redactURL } from "../net/redact.js";
import { remoteWriteMetrics } from "./metrics.js";
import { encodeWriteRequest } from "./protobuf.js";
import { createSeriesQueue } from "./queue.js";
import { snappyCompress } from "./snappy.js";
import { createTransport, customTransport, type Post } from "./transport.js";
import type { RemoteWriter, RemoteWriterOptions, TimeSeries } from "./types.js";
import { writeURL } from "./url.js";

const DEFAULTS = {
  concurrency: 1,
  flushInterval: 2_000,
  maxBatchSize: 10_000,
  maxQueueSize: 100_000,
  sendTimeout: 30_000,
  retryMinInterval: 1_000,
  retryMaxTime: 30_000,
};

const HEADERS: Record<string, string> = {
  "Content-Encoding": "snappy",
  "Content-Type": "application/x-protobuf",
  "X-Prometheus-Remote-Write-Version": "0.1.0",
  "User-Agent": "vmalert",
};

/**
 * Retry delays double up to this. Uncapped, a batch that failed through a 60 s outage slept up to another
 * minute after the storage came back, and the full queue dropped fresh results meanwhile (drill 5).
 */
const MAX_RETRY_DELAY_MS = 5_000;
/** Log "queue is full" and friends at most this often; the counter has the exact numbers. */
const DROP_LOG_INTERVAL_MS = 5_000;
const MAX_SERVER_MESSAGE = 512;

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string };

function positive(v: number | undefined, def: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : def;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** `post` replaces the HTTP transport (tests of other modules); by default src/net's client is used. */
export function createRemoteWriter(opts: RemoteWriterOptions, logger: Logger, post?: Post): RemoteWriter {
  const concurrency = Math.floor(positive(opts.concurrency, DEFAULTS.concurrency));
  const flushInterval = positive(opts.flushInterval, DEFAULTS.flushInterval);
  const maxBatchSize = Math.floor(positive(opts.maxBatchSize, DEFAULTS.maxBatchSize));
  const sendTimeout = positive(opts.sendTimeout, DEFAULTS.sendTimeout);
  const retryMinInterval = positive(opts.retryMinInterval, DEFAULTS.retryMinInterval);
  const retryMaxTime = positive(opts.retryMaxTime, DEFAULTS.retryMaxTime);
  const url = writeURL(opts.url, opts.disablePathAppend);
  const shownURL = redactURL(url, opts.client?.showURL);
  const transport = post ? customTransport(post) : createTransport(opts.client ?? {});
  const log = logger.child({ component: "remotewrite", url: shownURL });

  const m = remoteWriteMetrics();
  const queue = createSeriesQueue(Math.floor(positive(opts.maxQueueSize, DEFAULTS.maxQueueSize)));
  m.queueCapacity.inc(queue.capacity);
  m.concurrency.inc(concurrency);

  /** Start sequence numbers and sizes of batches being delivered. */
  const inflight = new Set<{ start: number; rows: number }>();
  /** This writer's own totals (the metrics are shared by every writer), for the shutdown summary. */
  let sentRows = 0;
  let droppedRows = 0;
  const waiters: { target: number; resolve: () => void }[] = [];
  /** Series with seq below this are sent without waiting for a full batch. */
  let forceUntil = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  const stop = new AbortController();
  const lastDropLog = new Map<string, number>();

  const ticker = setInterval(() => {
    forceUntil = Math.max(forceUntil, queue.nextSeq);
    pump();
  }, flushInterval);
  ticker.unref();

  function settledSeq(): number {
    let min = queue.headSeq;
    for (const b of inflight) if (b.start < min) min = b.start;
    return min;
  }

  function notify(): void {
    if (waiters.length === 0) return;
    const settled = settledSeq();
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].target <= settled) waiters.splice(i, 1)[0].resolve();
    }
  }

  function drop(rows: number, reason: string, rateLimited: boolean): void {
    m.droppedRows.inc(rows);
    droppedRows += rows;
    if (rateLimited) {
      const now = Date.now();
      if (now - (lastDropLog.get(reason) ?? 0) < DROP_LOG_INTERVAL_MS) return;
      lastDropLog.set(reason, now);
    }
    log.error({ rows }, `remote write: dropped ${rows} series: ${reason}`);
  }

  function pump(): void {
    while (
      inflight.size < concurrency &&
      queue.length > 0 &&
      (queue.length >= maxBatchSize || queue.headSeq < forceUntil)
    ) {
      const start = queue.headSeq;
      const batch = queue.take(maxBatchSize);
      const b = { start, rows: batch.length };
      m.queueSize.dec(batch.length);
      inflight.add(b);
      // Encoding starts on a later tick: push() and flush() only move references, never encode.
      setImmediate(() => {
        void deliver(batch).finally(() => {
          inflight.delete(b);
          notify();
          pump();
        });
      });
    }
  }

  async function attempt(body: Buffer): Promise<Attempt> {
    m.requests.inc();
    const started = performance.now();
    try {
      const res = await transport.post(url, body, HEADERS, stop.signal, sendTimeout);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const msg = res.body.slice(0, MAX_SERVER_MESSAGE).trim();
      return {
        ok: false,
        retry: res.status === 429 || res.status >= 500,
        reason: `unexpected response code ${res.status}${msg ? `: ${msg}` : ""}`,
      };
    } catch (err) {
      return { ok: false, retry: true, reason: err instanceof Error ? err.message : String(err) };
    } finally {
      m.sendDuration.inc((performance.now() - started) / 1000);
    }
  }

  async function deliver(batch: TimeSeries[]): Promise<void> {
    const started = performance.now();
    let body: Buffer;
    try {
      // In JS, not the native package: that one's allocator kept tens of MiB resident (see ./snappy.ts),
      // and at 1-2 ms per 10,000 series the event loop hardly notices.
      body = snappyCompress(encodeWriteRequest(batch));
    } catch (err) {
      drop(batch.length, `cannot encode batch: ${err instanceof Error ? err.message : String(err)}`, false);
      return;
    }
    const firstTry = Date.now();
    let retries = 0;
    for (;;) {
      if (stop.signal.aborted) {
        drop(batch.length, "shutdown deadline reached before they were sent", false);
        return;
      }
      const res = await attempt(body);
      if (res.ok) {
        m.sentRows.inc(batch.length);
        sentRows += batch.length;
        m.sentBytes.inc(body.length);
        m.sentRowsPerRequest.observe(batch.length);
        m.sentBytesPerRequest.observe(body.length);
        m.flushDuration.observe((performance.now() - started) / 1000);
        return;
      }
      m.errors.inc();
      if (stop.signal.aborted) {
        drop(batch.length, `shutdown deadline reached: ${res.reason}`, false);
        return;
      }
      if (!res.retry) {
        drop(batch.length, `server rejected the batch (not retried): ${res.reason}`, false);
        return;
      }
      const left = retryMaxTime - (Date.now() - firstTry);
      if (left <= 0) {
        drop(batch.length, `giving up after ${retries + 1} attempts in ${retryMaxTime}ms: ${res.reason}`, false);
        return;
      }
      const base = Math.max(
        retryMinInterval,
        Math.min(retryMinInterval * 2 ** Math.min(retries, 30), MAX_RETRY_DELAY_MS),
      );
      const delay = Math.min(left, base / 2 + (Math.random() * base) / 2);
      if (retries === 0) log.warn({ rows: batch.length }, `remote write failed, retrying: ${res.reason}`);
      retries++;
      await sleep(delay, stop.signal);
    }
  }

  function flush(signal?: AbortSignal): Promise<void> {
    const target = queue.nextSeq;
    if (settledSeq() >= target || signal?.aborted) return Promise.resolve();
    forceUntil = Math.max(forceUntil, target);
    pump();
    return new Promise((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      };
      waiters.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  async function shutdown(deadlineMs: number): Promise<void> {
    closed = true;
    clearInterval(ticker);
    const budget = deadlineMs > 1e12 ? deadlineMs - Date.now() : deadlineMs;
    let pending = queue.length;
    for (const b of inflight) pending += b.rows;
    const [sentBefore, droppedBefore] = [sentRows, droppedRows];
    if (pending > 0) {
      log.info({ rows: pending }, `remote write: sending the ${pending} series left before exit (at most ${budget}ms)`);
    }
    const timer = new AbortController();
    const drained = flush();
    await Promise.race([drained, sleep(Math.max(0, budget), timer.signal)]);
    timer.abort();
    if (settledSeq() < queue.nextSeq) {
      stop.abort();
      const rest = queue.take(queue.length);
      m.queueSize.dec(rest.length);
      if (rest.length > 0) drop(rest.length, "shutdown deadline reached before they were sent", false);
      await flush();
    }
    if (pending > 0) {
      const [sent, dropped] = [sentRows - sentBefore, droppedRows - droppedBefore];
      log.info(
        { sent, dropped },
        `remote write: stopped; of the ${pending} series left at exit ${sent} were sent and ${dropped} dropped (counted in vmalert_remotewrite_dropped_rows_total)`,
      );
    }
    m.queueCapacity.dec(queue.capacity);
    m.concurrency.dec(concurrency);
    await transport.close();
  }

  return {
    push(series) {
      if (series.length === 0) return;
      if (closed) {
        drop(series.length, "remote writer is closed", true);
        return;
      }
      const accepted = queue.push(series);
      m.queueSize.inc(accepted);
      if (accepted < series.length) {
        drop(series.length - accepted, `queue is full (-remoteWrite.maxQueueSize=${queue.capacity})`, true);
      }
      if (queue.length >= maxBatchSize) pump();
    },
    flush,
    close(deadlineMs) {
      closing ??= shutdown(deadlineMs);
      return closing;
    },
  };
}
