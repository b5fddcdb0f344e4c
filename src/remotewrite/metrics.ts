// vmalert's remote-write self-metrics (§10). Shared by every writer in the process, like vmalert's
// single global client; gauges move by deltas so several writers (tenants) add up.
import { counter, gauge, histogram } from "../metrics.js";

export function remoteWriteMetrics() {
  return {
    requests: counter("vmalert_remotewrite_total", "Remote-write requests sent"),
    errors: counter("vmalert_remotewrite_errors_total", "Remote-write requests that failed"),
    sentRows: counter("vmalert_remotewrite_sent_rows_total", "Series delivered by remote write"),
    sentBytes: counter("vmalert_remotewrite_sent_bytes_total", "Compressed bytes delivered by remote write"),
    sentRowsPerRequest: histogram("vmalert_remotewrite_sent_rows", "Series per delivered remote-write request"),
    sentBytesPerRequest: histogram(
      "vmalert_remotewrite_sent_bytes",
      "Compressed bytes per delivered remote-write request",
    ),
    droppedRows: counter(
      "vmalert_remotewrite_dropped_rows_total",
      "Series dropped: queue full, rejected or out of retries",
    ),
    flushDuration: histogram(
      "vmalert_remotewrite_flush_duration_seconds",
      "Time to deliver one batch, retries included",
    ),
    sendDuration: counter("vmalert_remotewrite_send_duration_seconds_total", "Time spent in remote-write requests"),
    queueSize: gauge("vmalert_remotewrite_queue_size", "Series waiting in the remote-write queue"),
    queueCapacity: gauge("vmalert_remotewrite_queue_capacity", "-remoteWrite.maxQueueSize"),
    concurrency: gauge("vmalert_remotewrite_concurrency", "-remoteWrite.concurrency"),
  };
}

export type RemoteWriteMetrics = ReturnType<typeof remoteWriteMetrics>;
