// What a real VictoriaMetrics does not do on demand: hang, 500, garbage, huge bodies, resets, odd results.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createQuerierFactory, curlOf } from "../../src/datasource/index.js";
import type { GroupQuerySettings } from "../../src/datasource/types.js";
import { TsalertError } from "../../src/errors.js";
import { type FaultServer, json, startFaultServer } from "../helpers/faults.js";

let srv: FaultServer;
beforeAll(async () => {
  srv = await startFaultServer();
});
afterAll(async () => {
  await srv.stop();
});

const T = Date.UTC(2026, 7, 20, 8, 20, 0);

function group(over: Partial<GroupQuerySettings> = {}): GroupQuerySettings {
  return { type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [], ...over };
}

function vector(result: unknown[], extra: Record<string, unknown> = {}) {
  return { status: "success", data: { resultType: "vector", result }, ...extra };
}

async function queryError(f: ReturnType<typeof createQuerierFactory>, g = group()): Promise<TsalertError> {
  const err = await f
    .forGroup(g)
    .query("up", { time: T })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TsalertError);
  expect((err as TsalertError).code).toBe("TSA_DATASOURCE");
  return err as TsalertError;
}

describe("responses", () => {
  test("isPartial, stats.seriesFetched, NaN and Inf values, non-integer timestamps", async () => {
    srv.handle((_r, res) =>
      json(
        res,
        200,
        vector(
          [
            { metric: { a: "1" }, value: [1755678000, "NaN"] },
            { metric: { a: "2" }, value: [1755678000.5, "+Inf"] },
            { metric: { a: "3" }, value: [1755678000, "-Inf"] },
            { metric: { a: "4" }, value: [1755678000, "1e3"] },
          ],
          { isPartial: true, stats: { seriesFetched: "17" } },
        ),
      ),
    );
    const f = createQuerierFactory({ url: srv.url });
    const res = await f.forGroup(group()).query("up", { time: T });
    expect(res.isPartial).toBe(true);
    expect(res.seriesFetched).toBe(17);
    expect(res.data.map((m) => m.value)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1000,
    ]);
    expect(res.data.map((m) => m.timestamp)).toEqual([1755678000, 0, 1755678000, 1755678000]);
    await f.close();
  });

  test("status error carries the datasource's type and message", async () => {
    srv.handle((_r, res) => json(res, 200, { status: "error", errorType: "bad_data", error: "parse error at char 3" }));
    const f = createQuerierFactory({ url: srv.url });
    const err = await queryError(f);
    expect(err.message).toContain('response error "bad_data": parse error at char 3');
    expect(err.message).toContain(`${srv.url}/api/v1/query?`);
    await f.close();
  });

  test("string and matrix results are errors", async () => {
    const f = createQuerierFactory({ url: srv.url });
    srv.handle((_r, res) => json(res, 200, { status: "success", data: { resultType: "string", result: [1, "x"] } }));
    expect((await queryError(f)).message).toContain('unknown result type "string"');
    srv.handle((_r, res) => json(res, 200, { status: "success", data: { resultType: "matrix", result: [] } }));
    expect((await queryError(f)).message).toContain('unknown result type "matrix"');
    await f.close();
  });

  test("500 with the body in the message", async () => {
    srv.handle((_r, res) => json(res, 500, "storage is on fire"));
    const f = createQuerierFactory({ url: srv.url });
    const err = await queryError(f);
    expect(err.message).toMatch(
      /^unexpected response code 500 for http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query\?.*\. Response body storage is on fire$/,
    );
    // The failed evaluation's history entry still gets the request.
    expect(curlOf(err)).toMatch(
      /^curl -X POST -H 'Content-Type: application\/json' 'http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query\?query=up&/,
    );
    await f.close();
  });

  test("garbage and truncated JSON are parse errors, not crashes", async () => {
    const f = createQuerierFactory({ url: srv.url });
    srv.handle((_r, res) => json(res, 200, "<html>proxy error</html>"));
    expect((await queryError(f)).message).toMatch(/error parsing response from .*invalid JSON/);
    srv.handle((_r, res) => json(res, 200, '{"status":"success","data":{"resultType":"vector","result":[{"metric":'));
    expect((await queryError(f)).message).toMatch(/invalid JSON/);
    srv.handle((_r, res) => json(res, 200, vector([{ metric: { a: 1 }, value: [1, "1"] }])));
    expect((await queryError(f)).message).toMatch(/label "a" is not a string/);
    srv.handle((_r, res) => json(res, 200, vector([{ metric: {}, value: [1, "abc"] }])));
    expect((await queryError(f)).message).toMatch(/cannot parse sample value "abc"/);
    await f.close();
  });

  test("a body over maxResponseBytes is a clear error", async () => {
    const big = JSON.stringify(vector([{ metric: { pad: "x".repeat(200_000) }, value: [1, "1"] }]));
    srv.handle((_r, res) => json(res, 200, big));
    const f = createQuerierFactory({ url: srv.url, maxResponseBytes: 100_000 });
    expect((await queryError(f)).message).toMatch(/larger than 100000 bytes/);
    await f.close();
  });

  test("a hung datasource is aborted after queryTimeout, capped by the group interval", async () => {
    srv.handle(() => {});
    const f = createQuerierFactory({ url: srv.url, queryTimeout: 30_000 });
    const err = await queryError(f, group({ evaluationInterval: 300 }));
    expect(err.message).toMatch(/timed out after 300ms \(-datasource.queryTimeout\)/);
    await f.close();
  });

  test("caller cancellation rejects with the caller's reason", async () => {
    srv.handle(() => {});
    const f = createQuerierFactory({ url: srv.url });
    const ctl = new AbortController();
    const reason = new Error("group stopped");
    setTimeout(() => ctl.abort(reason), 50);
    await expect(f.forGroup(group()).query("up", { time: T, signal: ctl.signal })).rejects.toBe(reason);
    await f.close();
  });

  test("a reset connection is retried once", async () => {
    let n = 0;
    srv.handle((_r, res) => {
      n++;
      if (n === 1) res.socket?.destroy();
      else json(res, 200, vector([{ metric: {}, value: [1, "5"] }]));
    });
    const f = createQuerierFactory({ url: srv.url });
    const res = await f.forGroup(group()).query("up", { time: T });
    expect(res.data[0]?.value).toBe(5);
    expect(n).toBe(2);
    await f.close();
  });
});

describe("requests", () => {
  function lastRequest() {
    const r = srv.seen.at(-1);
    if (!r) throw new Error("no request");
    return { ...r, u: new URL(r.url, srv.url) };
  }

  test("POST, empty body, sorted query string, RFC3339 time, step 300s", async () => {
    srv.handle((_r, res) => json(res, 200, vector([])));
    const f = createQuerierFactory({ url: srv.url });
    await f.forGroup(group()).query("up == 0", { time: T + 999 });
    const r = lastRequest();
    expect(r.method).toBe("POST");
    expect(r.body).toBe("");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.url).toBe("/api/v1/query?query=up+%3D%3D+0&step=300s&time=2026-08-20T08%3A20%3A00Z");
    await f.close();
  });

  test("datasource headers, group headers win; auth and configured header values hidden in curl", async () => {
    srv.handle((_r, res) => json(res, 200, vector([])));
    const f = createQuerierFactory({
      url: srv.url,
      bearerToken: "tok",
      headers: { "X-Scope": "flag", "X-Keep": "k", "X-Api-Key": "abc" },
    });
    const q = f.forGroup(group({ headers: ["X-Scope: group"] }));
    await q.query("up", { time: T });
    const curl = q.curl?.("up", T);
    const r = lastRequest();
    expect(r.headers["x-scope"]).toBe("group");
    expect(r.headers["x-keep"]).toBe("k");
    expect(r.headers.authorization).toBe("Bearer tok");
    expect(curl).toContain("-H 'Authorization: <secret>'");
    expect(curl).toContain("-H 'X-Api-Key: <secret>'");
    // Configured header values may be credentials under any name.
    expect(curl).toContain("-H 'X-Scope: <secret>'");
    expect(curl).toContain("-H 'X-Keep: <secret>'");
    expect(curl).not.toContain("tok");
    await f.close();
  });

  test("URL params, step override, round_digits, nocache, group params replacing values", async () => {
    srv.handle((_r, res) => json(res, 200, vector([])));
    const f = createQuerierFactory({
      url: `${srv.url}/select/0/prometheus/?extra_label=a%3D1&step=1s`,
      queryStep: 90_000,
      roundDigits: 3,
      nocache: true,
    });
    await f.forGroup(group({ params: { extra_label: ["b=2", "c=3"], nocache: ["0"] } })).query("up", { time: T });
    const u = lastRequest().u;
    expect(u.pathname).toBe("/select/0/prometheus/api/v1/query");
    expect(u.searchParams.getAll("extra_label")).toEqual(["b=2", "c=3"]);
    expect(u.searchParams.get("step")).toBe("90s");
    expect(u.searchParams.get("round_digits")).toBe("3");
    expect(u.searchParams.get("nocache")).toBe("0");
    await f.close();
  });

  test("queryStep 0 uses the group interval; disableStepParam sends none; disablePathAppend keeps the path", async () => {
    srv.handle((_r, res) => json(res, 200, vector([])));
    const a = createQuerierFactory({ url: srv.url, queryStep: 0 });
    await a.forGroup(group({ evaluationInterval: 15_000 })).query("up", { time: T });
    expect(lastRequest().u.searchParams.get("step")).toBe("15s");
    await a.close();
    const b = createQuerierFactory({ url: `${srv.url}/custom/query`, disableStepParam: true, disablePathAppend: true });
    await b.forGroup(group()).query("up", { time: T });
    expect(lastRequest().u.pathname).toBe("/custom/query");
    expect(lastRequest().u.searchParams.has("step")).toBe(false);
    await b.close();
  });

  test("1.79.5 lookback and queryTimeAlignment (Go zero-time truncation)", async () => {
    srv.handle((_r, res) => json(res, 200, vector([])));
    const f = createQuerierFactory({ url: srv.url, lookback: 60_000, queryTimeAlignment: true });
    await f.forGroup(group({ evaluationInterval: 7 * 60_000 })).query("up", { time: T + 30_000 });
    // 08:20:30 - 1m = 08:19:30; counted in 7m steps from 0001-01-01 that is 08:16:00 (from the Unix
    // epoch it would be 08:17:00).
    expect(lastRequest().u.searchParams.get("time")).toBe("2026-08-20T08:16:00Z");
    await f.close();
  });

  test("tenant: /select/<tenant>/prometheus is added to the base URL", async () => {
    srv.handle((_r, res) => json(res, 200, vector([])));
    const f = createQuerierFactory({ url: srv.url });
    await f.forGroup(group({ tenant: "3:4" })).query("up", { time: T });
    expect(lastRequest().u.pathname).toBe("/select/3:4/prometheus/api/v1/query");
    await f.close();
  });

  test("graphite: /render with target, format, from, until; newest non-null point", async () => {
    srv.handle((_r, res) =>
      json(res, 200, [
        {
          target: "a.b",
          tags: { name: "a.b", dc: "x" },
          datapoints: [
            [1, 1755678000],
            [2, 1755678060],
            [null, 1755678120],
          ],
        },
        { target: "empty", tags: {}, datapoints: [[null, 1755678000]] },
      ]),
    );
    const f = createQuerierFactory({ url: srv.url, appendTypePrefix: true });
    const res = await f.forGroup(group({ type: "graphite" })).query("a.b", { time: T });
    const u = lastRequest().u;
    expect(u.pathname).toBe("/graphite/render");
    expect(Object.fromEntries(u.searchParams)).toEqual({ format: "json", from: "-5min", until: "now", target: "a.b" });
    expect(res.data).toEqual([{ labels: { __name__: "a.b", dc: "x" }, value: 2, timestamp: 1755678060 }]);
    await f.close();
  });

  test("vlogs: stats_query with time, start/end without a _time filter, __name__ renamed stats_result", async () => {
    srv.handle((_r, res) => json(res, 200, vector([{ metric: { __name__: "count(*)", host: "h" }, value: [1, "9"] }])));
    const f = createQuerierFactory({ url: srv.url });
    const q = f.forGroup(group({ type: "vlogs", evaluationInterval: 300_000 }));
    const res = await q.query("error | stats count()", { time: T });
    let u = lastRequest().u;
    expect(u.pathname).toBe("/select/logsql/stats_query");
    expect(u.searchParams.get("time")).toBe("2026-08-20T08:20:00Z");
    expect(u.searchParams.get("start")).toBe("2026-08-20T08:15:00Z");
    expect(u.searchParams.get("end")).toBe("2026-08-20T08:20:00Z");
    expect(u.searchParams.has("step")).toBe(false);
    expect(res.data[0]?.labels).toEqual({ stats_result: "count(*)", host: "h" });
    await q.query("_time:1h error | stats count()", { time: T });
    u = lastRequest().u;
    expect(u.searchParams.has("start")).toBe(false);
    await f.close();
  });

  test("showURL keeps credentials in errors and curl; by default they are hidden", async () => {
    srv.handle((_r, res) => json(res, 500, "x"));
    const withCreds = srv.url.replace("http://", "http://user:pw@");
    const hidden = createQuerierFactory({ url: `${withCreds}/?authKey=k1` });
    const e1 = await queryError(hidden);
    expect(e1.message).not.toContain("pw");
    expect(e1.message).not.toContain("k1");
    expect(curlOf(e1)).toContain("authKey=secret");
    await hidden.close();
    const shown = createQuerierFactory({ url: `${withCreds}/?authKey=k1`, showURL: true });
    const e2 = await queryError(shown);
    expect(e2.message).toContain(`${withCreds}/api/v1/query?authKey=k1&`);
    expect(curlOf(e2)).toContain("user:pw@");
    await shown.close();
  });

  test("bad URL is rejected at creation", () => {
    expect(() => createQuerierFactory({ url: "not a url" })).toThrow(/datasource: invalid URL "not a url"/);
  });
});
