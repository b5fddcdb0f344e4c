// Range queries (`/api/v1/query_range`) for replay: the same endpoint, auth, headers, group params and
// `nocache` as instant queries, with start/end/step instead of time.
import { parseSampleValue, promEnvelope } from "./parse.js";
import type { GroupRequestPlan } from "./request.js";
import type { RangeQueryOptions, RangeQueryResult, RangeSeries } from "./types.js";

/** Seconds with millisecond precision, as Prometheus accepts them. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}

/** The full URL of one range query. */
export function buildRangeURL(plan: GroupRequestPlan, expr: string, r: RangeQueryOptions): string {
  if (plan.type !== "prometheus") throw new Error(`range queries need a prometheus-type group, not ${plan.type}`);
  const u = new URL(plan.endpoint);
  u.pathname = u.pathname.endsWith("/query") ? `${u.pathname}_range` : `${u.pathname.replace(/\/+$/, "")}/query_range`;
  const q = u.searchParams;
  for (const [k, v] of plan.fixed) if (k !== "step") q.set(k, v);
  for (const [k, vs] of Object.entries(plan.groupParams)) {
    q.delete(k);
    for (const v of vs) q.append(k, v);
  }
  q.set("start", seconds(r.start));
  q.set("end", seconds(r.end));
  q.set("step", `${Math.max(1, Math.round(r.step / 1000))}s`);
  q.set("query", expr);
  q.sort();
  return u.toString();
}

/** Prometheus matrix answer of /api/v1/query_range. */
export function parseMatrix(text: string): RangeQueryResult {
  const data = promEnvelope(text).data;
  if (data.resultType !== "matrix") throw new Error(`unexpected result type ${JSON.stringify(data.resultType)}`);
  if (!Array.isArray(data.result)) throw new Error("matrix result is not a list");
  const out: RangeSeries[] = [];
  for (const item of data.result as { metric?: unknown; values?: unknown }[]) {
    const labels = (item?.metric ?? {}) as Record<string, string>;
    if (typeof labels !== "object" || Array.isArray(labels)) throw new Error("series labels are not an object");
    if (!Array.isArray(item.values)) throw new Error("series has no values");
    const points = (item.values as unknown[]).map((p) => {
      if (!Array.isArray(p) || p.length !== 2) throw new Error(`sample ${JSON.stringify(p)} is not a pair`);
      return { timestamp: Math.round(Number(p[0]) * 1000), value: parseSampleValue(p[1]) };
    });
    out.push({ labels, points });
  }
  return { data: out };
}
