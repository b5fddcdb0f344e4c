// Helpers for replay tests: write samples into and read series out of a real VictoriaMetrics.

export interface ExportedSeries {
  labels: Record<string, string>;
  /** ms -> value; NaN stands for a staleness marker. */
  points: Map<number, number>;
}

/** JSON-line import of one series at ms timestamps, then a flush so queries see it. */
export async function importSeries(
  url: string,
  labels: Record<string, string>,
  points: { t: number; v: number }[],
): Promise<void> {
  const body = JSON.stringify({ metric: labels, values: points.map((p) => p.v), timestamps: points.map((p) => p.t) });
  const res = await fetch(`${url}/api/v1/import`, { method: "POST", body });
  if (res.status !== 204 && res.status !== 200) throw new Error(`import: HTTP ${res.status}: ${await res.text()}`);
  await (await fetch(`${url}/internal/force_flush`)).text();
}

/** /api/v1/export of every series matching `match` (after a flush). */
export async function exportSeries(url: string, match: string, startMs = 0): Promise<ExportedSeries[]> {
  await (await fetch(`${url}/internal/force_flush`)).text();
  const q = new URLSearchParams({ "match[]": match, start: String(Math.floor(startMs / 1000)) });
  const res = await fetch(`${url}/api/v1/export?${q}`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`export: HTTP ${res.status}: ${text}`);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const o = JSON.parse(l) as { metric: Record<string, string>; values: (number | null)[]; timestamps: number[] };
      const points = new Map<number, number>();
      o.timestamps.forEach((t, i) => {
        const v = o.values[i];
        points.set(t, v === null ? Number.NaN : v);
      });
      return { labels: o.metric, points };
    });
}

export function seriesKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}
