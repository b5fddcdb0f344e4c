// Turns datasource answers into metrics. Errors are plain messages; the querier adds the URL and code
// and scrubs them (they may quote the answer).
import { jsonErrorText } from "../net/redact.js";
import type { Metric, QueryResult } from "./types.js";

/** Go's strconv.ParseFloat accepts these spellings; JS Number() does not know "Inf". */
export function parseSampleValue(s: unknown): number {
  if (typeof s === "number") return s;
  if (typeof s !== "string") return Number.NaN;
  switch (s.toLowerCase()) {
    case "+inf":
    case "inf":
    case "+infinity":
    case "infinity":
      return Number.POSITIVE_INFINITY;
    case "-inf":
    case "-infinity":
      return Number.NEGATIVE_INFINITY;
    case "nan":
      return Number.NaN;
  }
  const v = Number(s);
  if (Number.isNaN(v) || s.trim() === "") throw new Error(`cannot parse sample value ${JSON.stringify(s)}`);
  return v;
}

/** vmalert reads the sample timestamp as an integer; anything else becomes 0. */
function parseTimestamp(t: unknown): number {
  return typeof t === "number" && Number.isInteger(t) ? t : 0;
}

function labelsOf(m: unknown): Record<string, string> {
  if (m === null || m === undefined) return {};
  if (typeof m !== "object" || Array.isArray(m)) throw new Error("series labels are not an object");
  // Checked in place: the parsed object is fresh, so it is handed on without a copy (hot path).
  const o = m as Record<string, unknown>;
  for (const k in o) {
    if (typeof o[k] !== "string") throw new Error(`label ${JSON.stringify(k)} is not a string`);
  }
  return o as Record<string, string>;
}

function samplePair(v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new Error(`sample ${JSON.stringify(v)} is not a [timestamp, "value"] pair`);
  return [parseTimestamp(v[0]), parseSampleValue(v[1])];
}

interface PromResponse {
  status?: unknown;
  errorType?: unknown;
  error?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  isPartial?: unknown;
  stats?: { seriesFetched?: unknown };
}

function seriesFetchedOf(stats: PromResponse["stats"]): number | null {
  const v = stats?.seriesFetched;
  if (v === undefined || v === null) return null;
  const n = typeof v === "number" ? v : Number.parseInt(String(v), 10);
  return Number.isFinite(n) ? n : null;
}

/** Prometheus /api/v1/query answer (also VictoriaMetrics', with isPartial and stats). */
/** The checked envelope of a Prometheus API answer: JSON object, `status: success`, a `data` object. */
export function promEnvelope(text: string): PromResponse & { data: NonNullable<PromResponse["data"]> } {
  let r: PromResponse;
  try {
    r = JSON.parse(text) as PromResponse;
  } catch (err) {
    throw new Error(`invalid JSON: ${jsonErrorText(err)}`);
  }
  if (r === null || typeof r !== "object") throw new Error("response is not a JSON object");
  if (r.status === "error") throw new Error(`response error "${String(r.errorType ?? "")}": ${String(r.error ?? "")}`);
  if (r.status !== "success") throw new Error(`unknown status ${JSON.stringify(r.status)}`);
  const data = r.data;
  if (!data || typeof data !== "object") throw new Error("response has no data");
  return r as PromResponse & { data: NonNullable<PromResponse["data"]> };
}

export function parsePrometheus(text: string): QueryResult {
  const r = promEnvelope(text);
  const data = r.data;
  const out: Metric[] = [];
  switch (data.resultType) {
    case "vector": {
      if (!Array.isArray(data.result)) throw new Error("vector result is not a list");
      for (const item of data.result as { metric?: unknown; value?: unknown }[]) {
        const [timestamp, value] = samplePair(item?.value);
        out.push({ labels: labelsOf(item?.metric), timestamp, value });
      }
      break;
    }
    case "scalar": {
      const [timestamp, value] = samplePair(data.result);
      out.push({ labels: {}, timestamp, value });
      break;
    }
    default:
      throw new Error(`unknown result type ${JSON.stringify(data.resultType)}`);
  }
  const res: QueryResult = { data: out, seriesFetched: seriesFetchedOf(r.stats) };
  if (r.isPartial === true) res.isPartial = true;
  else if (r.isPartial === false) res.isPartial = false;
  return res;
}

/** vlogs stats_query answers like Prometheus; vmalert renames `__name__` to `stats_result`. */
export function parseVlogs(text: string): QueryResult {
  const res = parsePrometheus(text);
  for (const m of res.data) {
    const name = m.labels.__name__;
    if (name !== undefined) {
      delete m.labels.__name__;
      m.labels.stats_result = name;
    }
  }
  return res;
}

interface GraphiteSeries {
  target?: unknown;
  tags?: unknown;
  datapoints?: unknown;
}

/** Graphite /render?format=json: the newest non-null point of each series, labelled by its tags. */
export function parseGraphite(text: string): QueryResult {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid JSON: ${jsonErrorText(err)}`);
  }
  if (!Array.isArray(r)) throw new Error("graphite response is not a list");
  const out: Metric[] = [];
  for (const s of r as GraphiteSeries[]) {
    if (!Array.isArray(s?.datapoints)) throw new Error("graphite series has no datapoints");
    let point: unknown[] | undefined;
    for (let i = s.datapoints.length - 1; i >= 0; i--) {
      const p = s.datapoints[i] as unknown[];
      if (Array.isArray(p) && p[0] !== null && p[0] !== undefined) {
        point = p;
        break;
      }
    }
    if (!point) continue;
    const labels = labelsOf(s.tags);
    if (labels.name !== undefined) {
      labels.__name__ = labels.name;
      delete labels.name;
    } else if (typeof s.target === "string") {
      labels.__name__ = s.target;
    }
    out.push({ labels, timestamp: parseTimestamp(point[1]), value: parseSampleValue(point[0]) });
  }
  return { data: out, seriesFetched: null };
}
