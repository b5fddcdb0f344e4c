// tsalert's per-rule timeline: the kept evaluation history (`updates`) as a strip of states, plus the list
// of state changes. Entries carry `state` when the engine records it; otherwise the outcome is derived
// from error and sample count.
import type { ApiRule, ApiStateEntry } from "../../rule/api.js";
import { html, type SafeHtml } from "../html.js";
import { seconds } from "./format.js";

export interface TimelinePoint {
  time: number;
  iso: string;
  status: string;
}

export function entryStatus(rule: ApiRule, e: ApiStateEntry): string {
  if (e.error) return "error";
  if (e.state) return e.state;
  if (rule.type === "alerting") return e.samples > 0 ? "match" : "inactive";
  return e.samples > 0 ? "ok" : "nomatch";
}

/** Oldest first. */
export function timelinePoints(rule: ApiRule): TimelinePoint[] {
  return (rule.updates ?? [])
    .map((e) => ({ time: Date.parse(e.time), iso: e.time, status: entryStatus(rule, e) }))
    .filter((p) => !Number.isNaN(p.time))
    .sort((a, b) => a.time - b.time);
}

/** Points where the status differs from the previous one (the first point always counts). */
export function stateChanges(points: TimelinePoint[]): { at: string; from: string | null; to: string }[] {
  const out: { at: string; from: string | null; to: string }[] = [];
  let prev: string | null = null;
  for (const p of points) {
    if (p.status !== prev) out.push({ at: p.iso, from: prev, to: p.status });
    prev = p.status;
  }
  return out;
}

export function timeline(rule: ApiRule, now: number): SafeHtml {
  const points = timelinePoints(rule);
  if (points.length === 0) return html`<p class="empty">No evaluations kept yet.</p>`;
  const end = Math.max(now, points[points.length - 1].time);
  const span = Math.max(1, end - points[0].time);
  const segments = points.map((p, i) => {
    const next = i + 1 < points.length ? points[i + 1].time : end;
    const width = Math.max(0.5, (100 * (next - p.time)) / span);
    return html`<span class="t-${p.status.replace(/[^a-z]/g, "")}" style="flex:${width.toFixed(3)} 0 0" title="${p.iso}: ${p.status}"></span>`;
  });
  const changes = stateChanges(points);
  return html`<div class="timeline" role="img" aria-label="state timeline over ${seconds(span / 1000)}">${segments}</div>
<div class="meta"><span>from ${points[0].iso}</span><span>${points.length} evaluations, ${changes.length - 1} state changes</span></div>
<table class="changes"><thead><tr><th>At</th><th>Change</th></tr></thead><tbody>
${[...changes].reverse().map((c) => html`<tr><td>${c.at}</td><td>${c.from ?? "(start)"} → ${c.to}</td></tr>`)}
</tbody></table>`;
}
