// Per-target notifier metrics under vmalert's names; addr is the redacted target URL.
import { counter, summary } from "../metrics.js";

export const alertsSent = counter("vmalert_alerts_sent_total", "Number of alerts sent to the target", ["addr"]);
export const alertsSendErrors = counter(
  "vmalert_alerts_send_errors_total",
  "Number of alerts that failed to be sent to the target",
  ["addr"],
);
/**
 * Alerts not sent to a target because the group already had its cap of requests to it in flight (a
 * target that hangs). tsalert's own counter; the alerts also count in vmalert_alerts_send_errors_total,
 * so what watches vmalert's metric sees them as not delivered.
 */
export const alertsSendSkipped = counter(
  "tsalert_alerts_send_skipped_total",
  "Alerts not sent to the target because too many requests to it were in flight",
  ["addr"],
);
export const alertsSendDuration = summary(
  "vmalert_alerts_send_duration_seconds",
  "Duration of sending alerts to the target",
  ["addr"],
);

/** A send to `addr` skipped at the in-flight cap: `alerts` alerts did not reach it. */
export function countSkippedSend(addr: string, alerts: number): void {
  alertsSendSkipped.inc({ addr }, alerts);
  alertsSendErrors.inc({ addr }, alerts);
}

/** Forget a target's series when it is gone for good (reload, SD change). */
export function removeTargetMetrics(addr: string): void {
  alertsSent.remove({ addr });
  alertsSendErrors.remove({ addr });
  alertsSendSkipped.remove({ addr });
  alertsSendDuration.remove({ addr });
}
