// Reads the few self-metrics the benchmark needs from an engine's /metrics (vmalert's names, which
// tsalert exports too).

/** Sum per metric name, vmalert_iteration_total per group (labels as written), iteration durations per group. */
export function parseSelfMetrics(text) {
  const iterations = new Map();
  const sums = new Map();
  /** vmalert_iteration_duration_seconds per group: {sum, count}. */
  const durations = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/);
    if (!m) continue;
    const [, name, labels = "", raw] = m;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (name === "vmalert_iteration_total") iterations.set(labels, value);
    if (name === "vmalert_iteration_duration_seconds_sum" || name === "vmalert_iteration_duration_seconds_count") {
      const group = /group="([^"]*)"/.exec(labels)?.[1] ?? labels;
      const d = durations.get(group) ?? { sum: 0, count: 0 };
      d[name.endsWith("_sum") ? "sum" : "count"] = value;
      durations.set(group, d);
    }
    sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return { iterations, durations, sum: (name) => sums.get(name) ?? 0 };
}

export async function fetchSelfMetrics(url) {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`GET ${url}/metrics: ${res.status}`);
  return parseSelfMetrics(await res.text());
}
