// Builds the HTTP request for one instant query of a group, the way newest vmalert does (README "The request"):
// POST with every parameter in the URL query string and an empty body.

import { type DatasourceOptions, DEFAULT_QUERY_STEP_MS } from "./options.js";
import { tenantURL } from "./tenant.js";
import type { GroupQuerySettings } from "./types.js";

/** What stays the same for every query of a group: the endpoint and the fixed parameters. */
export interface GroupRequestPlan {
  type: GroupQuerySettings["type"];
  /** Endpoint URL with the datasource URL's own query string. */
  endpoint: URL;
  /** Parameters set before the group params (step, round_digits, nocache, graphite's fixed ones). */
  fixed: [string, string][];
  /** Group `params`: each key replaces every same-name parameter. */
  groupParams: Record<string, string[]>;
  intervalMs: number;
  /** `time` to the millisecond (Unix seconds with a fraction) instead of vmalert's whole-second RFC 3339. */
  millisecondTime: boolean;
}

const GO_ZERO_OFFSET_MS = 62_135_596_800_000;

/** Go's Time.Truncate, which counts from 0001-01-01 rather than the Unix epoch. */
export function goTruncate(ms: number, d: number): number {
  if (d <= 0) return ms;
  const r = (ms + GO_ZERO_OFFSET_MS) % d;
  return ms - (r < 0 ? r + d : r);
}

/** Unix seconds with milliseconds, which the Prometheus query API and VictoriaMetrics both accept. */
export function unixSecondsMs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** RFC3339 with whole seconds in UTC, as Go's `time.RFC3339` formats it. */
export function rfc3339Seconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

function joinPath(u: URL, suffix: string): void {
  u.pathname = `${u.pathname.replace(/\/+$/, "")}${suffix}`;
}

export function planGroup(opts: DatasourceOptions, s: GroupQuerySettings): GroupRequestPlan {
  const base = s.tenant ? tenantURL(opts.url, "select", s.tenant) : opts.url;
  const endpoint = new URL(base);
  const fixed: [string, string][] = [];
  if (s.type === "graphite") {
    if (opts.appendTypePrefix) joinPath(endpoint, "/graphite");
    joinPath(endpoint, "/render");
    fixed.push(["format", "json"], ["from", "-5min"], ["until", "now"]);
  } else if (s.type === "vlogs") {
    joinPath(endpoint, "/select/logsql/stats_query");
  } else {
    if (opts.appendTypePrefix) joinPath(endpoint, "/prometheus");
    if (!opts.disablePathAppend) joinPath(endpoint, "/api/v1/query");
    if (!opts.disableStepParam) {
      const stepMs = opts.queryStep ?? DEFAULT_QUERY_STEP_MS;
      const step = stepMs > 0 ? stepMs : s.evaluationInterval;
      // Whole seconds keep old Prometheus versions happy (vmalert does the same).
      if (step > 0) fixed.push(["step", `${Math.trunc(step / 1000)}s`]);
    }
  }
  if (s.type !== "graphite") {
    if (opts.roundDigits && opts.roundDigits > 0) fixed.push(["round_digits", String(opts.roundDigits)]);
    if (opts.nocache) fixed.push(["nocache", "1"]);
  }
  return {
    type: s.type,
    endpoint,
    fixed,
    groupParams: s.params,
    intervalMs: s.evaluationInterval,
    millisecondTime: opts.millisecondTime === true,
  };
}

/** The query time sent to the datasource (after the 1.79.5 lookback/alignment flags, if set). */
export function queryTime(opts: DatasourceOptions, plan: GroupRequestPlan, ms: number): number {
  let t = ms;
  if (opts.lookback && opts.lookback > 0) t -= opts.lookback;
  if (opts.queryTimeAlignment && plan.intervalMs > 0) t = goTruncate(t, plan.intervalMs);
  return t;
}

const VLOGS_TIME_FILTER = /(^|[\s(|])_time\s*:/;

/** The full URL of one query. */
export function buildURL(plan: GroupRequestPlan, expr: string, timeMs: number): string {
  const u = new URL(plan.endpoint);
  const q = u.searchParams;
  if (plan.type === "prometheus") {
    q.set("time", plan.millisecondTime ? unixSecondsMs(timeMs) : rfc3339Seconds(timeMs));
  } else if (plan.type === "vlogs") {
    q.set("time", rfc3339Seconds(timeMs));
    if (!VLOGS_TIME_FILTER.test(expr) && plan.intervalMs > 0) {
      q.set("start", rfc3339Seconds(timeMs - plan.intervalMs));
      q.set("end", rfc3339Seconds(timeMs));
    }
  }
  for (const [k, v] of plan.fixed) q.set(k, v);
  for (const [k, vs] of Object.entries(plan.groupParams)) {
    q.delete(k);
    for (const v of vs) q.append(k, v);
  }
  q.set(plan.type === "graphite" ? "target" : "query", expr);
  // Go's url.Values.Encode sorts by key; keep the same order so URLs (and curl strings) match vmalert's.
  q.sort();
  return u.toString();
}
