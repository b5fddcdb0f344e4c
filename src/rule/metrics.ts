// The engine's self-metrics under vmalert's names, plus tsalert's own.
import { counter, gauge, summary } from "../metrics.js";

export const alertsFired = counter("vmalert_alerts_fired_total", "Number of alerts fired");
export const executionTotal = counter("vmalert_execution_total", "Number of rule executions");
export const executionErrors = counter("vmalert_execution_errors_total", "Number of rule execution errors");
export const alertsDropped = counter(
  "tsalert_alerts_dropped_total",
  "New alerts refused because -rule.maxActiveAlerts was reached",
);
export const activeAlertsTotal = gauge(
  "tsalert_active_alerts",
  "Pending and firing alerts across all rules (what -rule.maxActiveAlerts limits)",
);

const GROUP = ["group", "file"];
export const iterationTotal = counter("vmalert_iteration_total", "Number of group iterations", GROUP);
export const iterationDuration = summary("vmalert_iteration_duration_seconds", "Duration of a group iteration", GROUP);
export const iterationMissed = counter("vmalert_iteration_missed_total", "Missed group iterations", GROUP);
export const iterationReset = counter("vmalert_iteration_reset_total", "Group evaluation timestamp resets", GROUP);
export const iterationInterval = gauge("vmalert_iteration_interval_seconds", "Group evaluation interval", GROUP);
export const dependencyWaitTimeouts = counter(
  "tsalert_group_dependency_wait_timeouts_total",
  "Iterations that stopped waiting for the groups they read after an interval and ran without their output",
  GROUP,
);
export const groupResultsLimit = gauge("vmalert_group_rule_results_limit", "Group results limit", GROUP);

const ALERTING = ["alertname", "group", "file", "id"];
export const alertsPending = gauge("vmalert_alerts_pending", "Pending alerts of the rule", ALERTING);
export const alertsFiring = gauge("vmalert_alerts_firing", "Firing alerts of the rule", ALERTING);
export const alertingErrors = counter(
  "vmalert_alerting_rules_errors_total",
  "Alerting rule evaluation errors",
  ALERTING,
);
export const alertingSamples = gauge(
  "vmalert_alerting_rules_last_evaluation_samples",
  "Samples returned by the last evaluation",
  ALERTING,
);
export const alertingSeriesFetched = gauge(
  "vmalert_alerting_rules_last_evaluation_series_fetched",
  "Series fetched by the last evaluation (-1 when the datasource does not report it)",
  ALERTING,
);

const RECORDING = ["recording", "group", "file", "id"];
export const recordingErrors = counter(
  "vmalert_recording_rules_errors_total",
  "Recording rule evaluation errors",
  RECORDING,
);
export const recordingSamples = gauge(
  "vmalert_recording_rules_last_evaluation_samples",
  "Samples returned by the last evaluation",
  RECORDING,
);

/** vmalert's rule: -1 when unsupported; samples when the datasource says 0 but returned samples. */
export function seriesFetchedValue(fetched: number | null, samples: number): number {
  if (fetched === null) return -1;
  if (fetched === 0 && samples > 0) return samples;
  return fetched;
}
