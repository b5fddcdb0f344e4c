// One remote-write destination: a store (memory queue, or the disk outbox with -remoteWrite.tmpDataPath)
// drained by `concurrency` senders; batches go at maxBatchSize, every flushInterval, or at once when
// someone awaits flush(). Batches are taken and settled by ./worker.ts, delivered and retried by ./sender.ts,
// dropped and counted by ./droplog.ts; flushes wait in ./waiters.ts.
//
// Up and down: a destination is down from a failed request (network error, timeout, 5xx, 429) until a
// request to it succeeds. flush() waits for delivery only while the destination is up: when it is
// down, or goes down while the flush waits, the flush stops waiting (unless flushWaitsWhileDown), and
// its rows wait in the store. A dead destination thus costs each flush at most one failed attempt.
import type { Logger } from "pino";
import { redactURL } from "../net/redact.js";
import { createDropLog } from "./droplog.js";
import { createMemoryStore, type MemoryStore } from "./memstore.js";
import { destinationMetrics } from "./metrics.js";
import { describeDir } from "./outbox/outbox.js";
import { createOutboxStore, type OutboxStore } from "./outbox/store.js";
import { createSender, sleep } from "./sender.js";
import type { SeriesStore } from "./store.js";
import { createTransport, customTransport, type Post } from "./transport.js";
import type { RemoteWriter, RemoteWriterOptions } from "./types.js";
import { writeURL } from "./url.js";
import { raceAbort, SettleWaiters } from "./waiters.js";
import { runWorker } from "./worker.js";

export const DEFAULTS = {
  concurrency: 1,
  flushInterval: 2_000,
  maxBatchSize: 10_000,
  maxQueueSize: 100_000,
  sendTimeout: 30_000,
  retryMinInterval: 1_000,
  retryMaxTime: 30_000,
};

function positive(v: number | undefined, def: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : def;
}

/** A destination's writer; `up` is its current state (see the file comment). */
export interface DestinationWriter extends RemoteWriter {
  readonly up: boolean;
  /** The destination as logs and metrics name it. */
  readonly label: string;
}

/**
 * `post` replaces the HTTP transport (tests of other modules); by default src/net's client is used.
 * `label` names the destination in logs and metrics (default: the write URL, redacted unless showURL).
 */
export function createRemoteWriter(
  opts: RemoteWriterOptions,
  logger: Logger,
  post?: Post,
  label?: string,
): DestinationWriter {
  const concurrency = Math.floor(positive(opts.concurrency, DEFAULTS.concurrency));
  const flushInterval = positive(opts.flushInterval, DEFAULTS.flushInterval);
  const maxBatchSize = Math.floor(positive(opts.maxBatchSize, DEFAULTS.maxBatchSize));
  const maxQueueSize = Math.floor(positive(opts.maxQueueSize, DEFAULTS.maxQueueSize));
  const url = writeURL(opts.url, opts.disablePathAppend);
  const shownURL = label ?? redactURL(url, opts.client?.showURL);
  const log = logger.child({ component: "remotewrite", url: shownURL });
  const m = destinationMetrics(shownURL, {
    capacity: maxQueueSize,
    concurrency,
    maxDiskBytes: opts.outbox ? (opts.outbox.maxDiskBytes ?? 0) : undefined,
  });
  const drops = createDropLog(log, m);
  const stopCtl = new AbortController();

  // The outbox is opened here, synchronously, so a directory in use or not writable fails the start.
  let memory: MemoryStore | undefined;
  let outbox: OutboxStore | undefined;
  let store: SeriesStore;
  if (opts.outbox) {
    outbox = createOutboxStore({
      ...opts.outbox,
      maxBatchSize,
      maxMemoryRows: maxQueueSize,
      log,
      metrics: m,
      drop: drops.drop,
    });
    store = outbox;
    describeDir(opts.outbox.dir, shownURL);
  } else {
    memory = createMemoryStore(maxQueueSize, maxBatchSize);
    store = memory;
  }
  const transport = post ? customTransport(post) : createTransport(opts.client ?? {});

  let up = true;
  const sender = createSender({
    url,
    transport,
    log,
    metrics: m,
    stop: stopCtl.signal,
    policy: {
      sendTimeout: positive(opts.sendTimeout, DEFAULTS.sendTimeout),
      retryMinInterval: positive(opts.retryMinInterval, DEFAULTS.retryMinInterval),
      // With an outbox, an outage costs disk, not data: batches are retried until delivered.
      retryMaxTime: outbox ? undefined : positive(opts.retryMaxTime, DEFAULTS.retryMaxTime),
    },
    onAttempt(ok) {
      if (ok === up) return;
      up = ok;
      m.up(ok);
      if (!ok) log.warn("remote write: destination is down; flushes stop waiting for it until a request succeeds");
      else log.info("remote write: destination is up again");
      check();
    },
  });

  const waiters = new SettleWaiters(store, () => up);
  function check(): void {
    m.queueSize(store.waitingRows);
    waiters.check();
  }
  store.onChange(check);

  let sentRows = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  const workers = Array.from({ length: concurrency }, () =>
    runWorker({
      store,
      sender,
      drops,
      keepOnStop: outbox !== undefined,
      onSent: (rows) => {
        sentRows += rows;
      },
    }),
  );
  const ticker = setInterval(() => store.force(store.nextSeq), flushInterval);
  ticker.unref();

  async function flush(signal?: AbortSignal): Promise<void> {
    const target = store.nextSeq;
    if (store.settledSeq() >= target || signal?.aborted) return;
    store.force(target);
    // Durable first (the outbox): what a flush acknowledges survives a kill -9, even when the
    // destination is down.
    await raceAbort(store.stored(target), signal);
    await waiters.wait(target, opts.flushWaitsWhileDown === true, signal);
  }

  async function shutdown(deadlineMs: number): Promise<void> {
    closed = true;
    clearInterval(ticker);
    const budget = Math.max(0, deadlineMs > 1e12 ? deadlineMs - Date.now() : deadlineMs);
    const pending = store.waitingRows + store.inflightRows;
    const [sentBefore, droppedBefore] = [sentRows, drops.total];
    if (pending > 0) {
      log.info({ rows: pending }, `remote write: sending the ${pending} series left before exit (at most ${budget}ms)`);
    }
    const timer = new AbortController();
    const deadline = sleep(budget, timer.signal);
    const target = store.nextSeq;
    store.force(target);
    // The memory queue drains through an outage until the deadline (what is left is lost); the
    // outbox only while the destination answers (what is left waits on disk for the next start).
    await Promise.race([
      (async () => {
        await store.stored(target);
        await waiters.wait(target, memory !== undefined);
      })(),
      deadline,
    ]);
    timer.abort();
    stopCtl.abort();
    store.stop();
    if (memory) {
      const rest = memory.discardWaiting();
      drops.drop(rest, "shutdown", "shutdown deadline reached before they were sent");
    }
    await Promise.all(workers);
    const left = outbox ? await outbox.close() : 0;
    drops.close();
    if (pending > 0 || left > 0) {
      const [sent, dropped] = [sentRows - sentBefore, drops.total - droppedBefore];
      const kept = outbox ? `, ${left} wait in the outbox ${outbox.dir} for the next start` : "";
      log.info(
        { sent, dropped, left },
        `remote write: stopped; of the ${pending} series left at exit ${sent} were sent and ${dropped} dropped (counted in vmalert_remotewrite_dropped_rows_total)${kept}`,
      );
    }
    m.remove();
    await transport.close();
  }

  return {
    label: shownURL,
    get up() {
      return up;
    },
    push(series) {
      if (series.length === 0) return;
      if (closed) {
        drops.drop(series.length, "closed", "remote writer is closed");
        return;
      }
      const accepted = store.push(series);
      if (accepted < series.length) {
        const what = outbox
          ? `series waiting to be written to the outbox exceed -remoteWrite.maxQueueSize=${maxQueueSize}`
          : `queue is full (-remoteWrite.maxQueueSize=${maxQueueSize})`;
        drops.drop(series.length - accepted, "queue_full", what);
      }
      m.queueSize(store.waitingRows);
    },
    flush,
    close(deadlineMs) {
      closing ??= shutdown(deadlineMs);
      return closing;
    },
  };
}
