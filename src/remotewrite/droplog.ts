// Drops are counted exactly (vmalert_remotewrite_dropped_rows_total{reason}) and logged: one line per
// event for rare ones (a rejected batch), and for those that come in floods (a full queue, a full disk)
// the first at once, then at most one line a minute with the total since the line before.
import type { Logger } from "pino";
import type { DestinationMetrics, DropReason } from "./metrics.js";

/** Floods of the same drop reason are logged at most this often; the counter has every row. */
export const DROP_LOG_INTERVAL_MS = 60_000;

const FLOODS: ReadonlySet<DropReason> = new Set(["queue_full", "closed", "disk_limit", "corrupt", "disk_error"]);

interface Pending {
  rows: number;
  message: string;
  since: number;
  timer?: NodeJS.Timeout;
}

export interface DropLog {
  /** Counts and logs `rows` dropped for `reason`; `message` says why in words. */
  drop(rows: number, reason: DropReason, message: string): void;
  /** Rows dropped by this destination so far (for the shutdown summary). */
  readonly total: number;
  /** Logs what is still pending now (at close). */
  close(): void;
}

export function createDropLog(log: Logger, metrics: DestinationMetrics, intervalMs = DROP_LOG_INTERVAL_MS): DropLog {
  let total = 0;
  const lastLine = new Map<DropReason, number>();
  const pending = new Map<DropReason, Pending>();

  function emit(reason: DropReason): void {
    const p = pending.get(reason);
    if (!p) return;
    pending.delete(reason);
    if (p.timer) clearTimeout(p.timer);
    lastLine.set(reason, Date.now());
    const secs = Math.round((Date.now() - p.since) / 1000);
    log.error({ rows: p.rows, reason }, `remote write: dropped ${p.rows} series in the last ${secs}s: ${p.message}`);
  }

  return {
    get total() {
      return total;
    },
    drop(rows, reason, message) {
      if (rows <= 0) return;
      metrics.dropped(reason, rows);
      total += rows;
      if (!FLOODS.has(reason)) {
        log.error({ rows, reason }, `remote write: dropped ${rows} series: ${message}`);
        return;
      }
      const now = Date.now();
      const last = lastLine.get(reason);
      if (last === undefined || now - last >= intervalMs) {
        if (pending.has(reason)) emit(reason);
        lastLine.set(reason, now);
        log.error({ rows, reason }, `remote write: dropped ${rows} series: ${message}`);
        return;
      }
      const p = pending.get(reason);
      if (p) {
        p.rows += rows;
        p.message = message;
        return;
      }
      const next: Pending = { rows, message, since: now };
      next.timer = setTimeout(() => emit(reason), last + intervalMs - now);
      next.timer.unref();
      pending.set(reason, next);
    },
    close() {
      for (const reason of [...pending.keys()]) emit(reason);
    },
  };
}
