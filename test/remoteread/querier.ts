// A minimal query-API client for these tests only (production restores go through src/datasource's
// querier, handed to createRestorer by the wiring).
import type { Metric, QuerierFactory } from "../../src/datasource/types.js";

export function fetchQuerierFactory(baseURL: string, headers: Record<string, string> = {}): QuerierFactory {
  return {
    forGroup(settings) {
      return {
        async query(expr, opts) {
          const u = new URL(`${baseURL.replace(/\/+$/, "")}/api/v1/query`);
          u.searchParams.set("query", expr);
          u.searchParams.set("time", String(Math.floor(opts.time / 1000)));
          u.searchParams.set("step", `${Math.floor(settings.evaluationInterval / 1000)}s`);
          const res = await fetch(u, { method: "POST", headers, signal: opts.signal });
          const text = await res.text();
          if (!res.ok) throw new Error(`unexpected response code ${res.status} for ${u.pathname}: ${text}`);
          const body = JSON.parse(text) as {
            data: { result: { metric: Record<string, string>; value: [number, string] }[] };
          };
          const data: Metric[] = body.data.result.map((r) => ({
            labels: r.metric,
            timestamp: r.value[0],
            value: Number(r.value[1]),
          }));
          return { data, seriesFetched: null };
        },
      };
    },
  };
}
