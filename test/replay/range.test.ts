// The datasource's range query (used by replay) against real VictoriaMetrics, and its URL and parsing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQuerierFactory, DatasourceError } from "../../src/datasource/querier.js";
import { buildRangeURL, parseMatrix } from "../../src/datasource/range.js";
import { planGroup } from "../../src/datasource/request.js";
import { importSeries } from "../helpers/replay.js";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const settings = { type: "prometheus" as const, evaluationInterval: 60_000, params: {}, headers: [] };

describe("queryRange on real VictoriaMetrics", () => {
  let vm: RunningServer;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    const pts = [];
    for (let i = 0; i < 10; i++) pts.push({ t: T0 + i * 60_000, v: i * 1.5 });
    await importSeries(vm.url, { __name__: "m", k: "v" }, pts);
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it("returns every step's point with ms timestamps", async () => {
    const qf = createQuerierFactory({ url: vm.url, nocache: true });
    const q = qf.forGroup(settings);
    const res = await q.queryRange?.("m", { start: T0 + 60_000, end: T0 + 300_000, step: 60_000 });
    await qf.close();
    expect(res?.data).toHaveLength(1);
    expect(res?.data[0].labels).toEqual({ __name__: "m", k: "v" });
    expect(res?.data[0].points).toEqual([1, 2, 3, 4, 5].map((i) => ({ timestamp: T0 + i * 60_000, value: i * 1.5 })));
    expect(res?.curl).toContain("query_range");
  });

  it("a bad query fails with the HTTP status", async () => {
    const qf = createQuerierFactory({ url: vm.url });
    const q = qf.forGroup(settings);
    const err = await q.queryRange?.("sum(", { start: T0, end: T0 + 60_000, step: 60_000 }).catch((e) => e);
    await qf.close();
    expect(err).toBeInstanceOf(DatasourceError);
    expect((err as DatasourceError).status).toBe(422);
  });
});

describe("range URL and parsing", () => {
  it("keeps group params and nocache, replaces step and time with start/end/step", () => {
    const plan = planGroup(
      { url: "http://vm:8428/select/0/prometheus?x=1", nocache: true, roundDigits: 2 },
      {
        ...settings,
        params: { extra_label: ["env=prod"] },
      },
    );
    const u = new URL(buildRangeURL(plan, "up", { start: 1_000_500, end: 2_000_000, step: 30_000 }));
    expect(u.pathname).toBe("/select/0/prometheus/api/v1/query_range");
    expect(Object.fromEntries(u.searchParams)).toEqual({
      x: "1",
      extra_label: "env=prod",
      nocache: "1",
      round_digits: "2",
      query: "up",
      start: "1000.500",
      end: "2000",
      step: "30s",
    });
  });

  it("rejects non-matrix answers and errors", () => {
    expect(() => parseMatrix('{"status":"success","data":{"resultType":"vector","result":[]}}')).toThrow(/result type/);
    expect(() => parseMatrix('{"status":"error","errorType":"422","error":"bad"}')).toThrow(/bad/);
    expect(() => parseMatrix("nope")).toThrow(/invalid JSON/);
    expect(
      parseMatrix('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1.5,"NaN"]]}]}}')
        .data[0].points[0].timestamp,
    ).toBe(1500);
  });
});
