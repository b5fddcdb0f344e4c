// Prometheus attaches its external labels when alerts and series leave the process, not in rule
// evaluation (SemanticsPolicy.externalLabelsOnRules = false): a label the alert or series already has
// wins. Prometheus' docs, `global.external_labels`: "The labels to add to any time series or alerts when
// communicating with external systems".
import type { NotifierAlert } from "../notifier/types.js";
import type { Label, RemoteWriter, TimeSeries } from "../remotewrite/types.js";
import { semanticsPolicy } from "./semantics.js";
import type { EngineSettings } from "./types.js";

/** `labels` plus each external label it lacks; the same object when nothing is added. */
export function withExternalLabels(
  labels: Record<string, string>,
  external: Record<string, string>,
): Record<string, string> {
  let out: Record<string, string> | undefined;
  for (const k in external) {
    if (labels[k] !== undefined && labels[k] !== "") continue;
    out ??= { ...labels };
    out[k] = external[k];
  }
  return out ?? labels;
}

export function alertsWithExternalLabels(alerts: NotifierAlert[], external: Record<string, string>): NotifierAlert[] {
  return alerts.map((a) => {
    const labels = withExternalLabels(a.labels, external);
    return labels === a.labels ? a : { ...a, labels };
  });
}

function seriesWithExternalLabels(s: TimeSeries, external: Label[]): TimeSeries {
  const missing = external.filter((e) => !s.labels.some((l) => l.name === e.name && l.value !== ""));
  if (missing.length === 0) return s;
  const labels = [...s.labels.filter((l) => l.value !== "" || !missing.some((e) => e.name === l.name)), ...missing];
  labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...s, labels };
}

/** A writer that adds the external labels each series lacks before handing it to `writer`. */
export function externalLabelsWriter(writer: RemoteWriter, external: Record<string, string>): RemoteWriter {
  const list: Label[] = Object.entries(external).map(([name, value]) => ({ name, value }));
  if (list.length === 0) return writer;
  return {
    push: (series) => writer.push(series.map((s) => seriesWithExternalLabels(s, list))),
    flush: (signal) => writer.flush(signal),
    close: (deadlineMs) => writer.close(deadlineMs),
  };
}

/** The remote writer the engine gets: with Prometheus semantics, one that adds -external.label. */
export function outboundWriter(writer: RemoteWriter, settings: EngineSettings): RemoteWriter {
  if (semanticsPolicy(settings).externalLabelsOnRules) return writer;
  return externalLabelsWriter(writer, settings.externalLabels);
}

/**
 * A series read back from remote storage (ALERTS_FOR_STATE on restore) without the external labels the
 * writer added; null when it carries none of them.
 */
export function withoutExternalLabels(
  labels: Record<string, string>,
  external: Record<string, string>,
): Record<string, string> | null {
  let out: Record<string, string> | null = null;
  for (const k in external) {
    if (labels[k] !== external[k]) continue;
    out ??= { ...labels };
    delete out[k];
  }
  return out;
}
