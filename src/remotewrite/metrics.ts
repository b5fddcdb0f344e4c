// vmalert's remote-write self-metrics, one series per destination (`url`: the write URL as logs show it,
// redacted unless -remoteWrite.showURL), plus the outbox's own (tsalert_remotewrite_*). Summed over `url`
// they are vmalert's single-client figures.
import { counter, gauge, histogram } from "../metrics.js";

/** Why series were dropped: the `reason` label of vmalert_remotewrite_dropped_rows_total. */
export type DropReason =
  | "queue_full"
  | "rejected"
  | "retries_exhausted"
  | "shutdown"
  | "closed"
  | "encode_error"
  | "disk_limit"
  | "corrupt"
  | "disk_error";

export interface DestinationMetrics {
  requests(): void;
  errors(): void;
  sent(rows: number, bytes: number, seconds: number): void;
  sendSeconds(s: number): void;
  dropped(reason: DropReason, rows: number): void;
  queueSize(rows: number): void;
  up(isUp: boolean): void;
  outboxBytes(bytes: number): void;
  corruptBytes(bytes: number): void;
  /** Removes this destination's gauges (counters stay: they are totals). */
  remove(): void;
}

export function destinationMetrics(
  url: string,
  fixed: { capacity: number; concurrency: number; maxDiskBytes?: number },
): DestinationMetrics {
  const L = ["url"];
  const requests = counter("vmalert_remotewrite_total", "Remote-write requests sent", L).labels(url);
  const errors = counter("vmalert_remotewrite_errors_total", "Remote-write requests that failed", L).labels(url);
  const sentRows = counter("vmalert_remotewrite_sent_rows_total", "Series delivered by remote write", L).labels(url);
  const sentBytes = counter(
    "vmalert_remotewrite_sent_bytes_total",
    "Compressed bytes delivered by remote write",
    L,
  ).labels(url);
  const rowsPerRequest = histogram("vmalert_remotewrite_sent_rows", "Series per delivered remote-write request", L);
  const bytesPerRequest = histogram(
    "vmalert_remotewrite_sent_bytes",
    "Compressed bytes per delivered remote-write request",
    L,
  );
  const flushDuration = histogram(
    "vmalert_remotewrite_flush_duration_seconds",
    "Time to deliver one batch, retries included",
    L,
  );
  const sendDuration = counter(
    "vmalert_remotewrite_send_duration_seconds_total",
    "Time spent in remote-write requests",
    L,
  ).labels(url);
  const dropped = counter(
    "vmalert_remotewrite_dropped_rows_total",
    "Series dropped, by reason: queue_full, rejected, retries_exhausted, shutdown, closed, encode_error, disk_limit, corrupt, disk_error",
    ["url", "reason"],
  );
  const gauges = {
    queueSize: gauge("vmalert_remotewrite_queue_size", "Series waiting to be sent (in memory or in the outbox)", L),
    capacity: gauge("vmalert_remotewrite_queue_capacity", "-remoteWrite.maxQueueSize", L),
    concurrency: gauge("vmalert_remotewrite_concurrency", "-remoteWrite.concurrency", L),
    up: gauge("tsalert_remotewrite_up", "1 while the destination's last request succeeded, 0 after a failure", L),
    outboxBytes: gauge("tsalert_remotewrite_outbox_bytes", "Disk used by the destination's outbox segments", L),
    outboxMax: gauge("tsalert_remotewrite_outbox_max_bytes", "-remoteWrite.maxDiskUsagePerURL (0: no bound)", L),
  };
  const corrupt = counter(
    "tsalert_remotewrite_outbox_corrupt_bytes_total",
    "Outbox bytes skipped because a checksum did not match (damaged segments)",
    L,
  ).labels(url);
  gauges.capacity.labels(url).set(fixed.capacity);
  gauges.concurrency.labels(url).set(fixed.concurrency);
  gauges.up.labels(url).set(1);
  gauges.queueSize.labels(url).set(0);
  if (fixed.maxDiskBytes !== undefined) {
    gauges.outboxMax.labels(url).set(fixed.maxDiskBytes);
    gauges.outboxBytes.labels(url).set(0);
  }
  return {
    requests: () => requests.inc(),
    errors: () => errors.inc(),
    sent(rows, bytes, seconds) {
      sentRows.inc(rows);
      sentBytes.inc(bytes);
      rowsPerRequest.labels(url).observe(rows);
      bytesPerRequest.labels(url).observe(bytes);
      flushDuration.labels(url).observe(seconds);
    },
    sendSeconds: (s) => sendDuration.inc(s),
    dropped: (reason, rows) => dropped.labels(url, reason).inc(rows),
    queueSize: (rows) => gauges.queueSize.labels(url).set(rows),
    up: (isUp) => gauges.up.labels(url).set(isUp ? 1 : 0),
    outboxBytes: (bytes) => gauges.outboxBytes.labels(url).set(bytes),
    corruptBytes: (bytes) => corrupt.inc(bytes),
    remove() {
      for (const g of Object.values(gauges)) g.remove(url);
    },
  };
}
