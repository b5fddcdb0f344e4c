// Per-target notifier metrics under vmalert's names (§7.5); addr is the redacted target URL.
import { counter, summary } from "../metrics.js";

export const alertsSent = counter("vmalert_alerts_sent_total", "Number of alerts sent to the target", ["addr"]);
export const alertsSendErrors = counter(
  "vmalert_alerts_send_errors_total",
  "Number of alerts that failed to be sent to the target",
  ["addr"],
);
export const alertsSendDuration = summary(
  "vmalert_alerts_send_duration_seconds",
  "Duration of sending alerts to the target",
  ["addr"],
);

/** Forget a target's series when it is gone for good (reload, SD change). */
export function removeTargetMetrics(addr: string): void {
  alertsSent.remove({ addr });
  alertsSendErrors.remove({ addr });
  alertsSendDuration.remove({ addr });
}
