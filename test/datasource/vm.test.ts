// The datasource client against a real single-node VictoriaMetrics.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createQuerierFactory } from "../../src/datasource/index.js";
import type { GroupQuerySettings } from "../../src/datasource/types.js";
import { TsalertError } from "../../src/errors.js";
import { importSeries, type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";

let vm: RunningServer;
// Whole minutes keep the arithmetic below readable; samples sit just before "now".
const now = Math.floor(Date.now() / 60_000) * 60_000;

function group(over: Partial<GroupQuerySettings> = {}): GroupQuerySettings {
  return { type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [], ...over };
}

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  await importSeries(vm.url, [
    {
      labels: { __name__: "ds_up", job: "a", instance: "1" },
      values: [1, 1],
      timestamps: [now - 120_000, now - 30_000],
    },
    {
      labels: { __name__: "ds_up", job: "b", instance: "2" },
      values: [0, 0],
      timestamps: [now - 120_000, now - 30_000],
    },
    { labels: { __name__: "ds_frac" }, values: [1.23456], timestamps: [now - 30_000] },
    // Only visible with a look-back of more than 2 minutes.
    { labels: { __name__: "ds_old" }, values: [7], timestamps: [now - 150_000] },
    // An hour ago only.
    { labels: { __name__: "ds_past" }, values: [42], timestamps: [now - 3_600_000] },
  ]);
}, 30_000);
afterAll(async () => {
  await vm?.stop();
});

describe("prometheus queries against victoria-metrics", () => {
  test("vector result with labels, values, integer timestamps and seriesFetched", async () => {
    const f = createQuerierFactory({ url: vm.url });
    const res = await f.forGroup(group()).query("ds_up", { time: now });
    const byJob = Object.fromEntries(res.data.map((m) => [m.labels.job, m]));
    expect(Object.keys(byJob).sort()).toEqual(["a", "b"]);
    expect(byJob.a?.labels).toEqual({ __name__: "ds_up", job: "a", instance: "1" });
    expect(byJob.a?.value).toBe(1);
    expect(byJob.b?.value).toBe(0);
    expect(byJob.a?.timestamp).toBe(now / 1000);
    // Debian's VictoriaMetrics sends no `stats`; the fault-server tests cover stats.seriesFetched.
    expect(res.seriesFetched).toBeNull();
    // Single-node VictoriaMetrics never answers partially.
    expect(res.isPartial).toBeUndefined();
    await f.close();
  });

  test("scalar result is one label-less series", async () => {
    const f = createQuerierFactory({ url: vm.url });
    const res = await f.forGroup(group()).query("scalar(sum(ds_up)) * 3", { time: now });
    expect(res.data).toHaveLength(1);
    expect(res.data[0]?.labels).toEqual({});
    expect(res.data[0]?.value).toBe(3);
    await f.close();
  });

  test("the query time is honoured", async () => {
    const f = createQuerierFactory({ url: vm.url });
    const q = f.forGroup(group());
    expect((await q.query("ds_past", { time: now })).data).toEqual([]);
    const past = await q.query("ds_past", { time: now - 3_600_000 + 10_000 });
    expect(past.data.map((m) => m.value)).toEqual([42]);
    await f.close();
  });

  test("step bounds the look-back: default 5m sees an old sample, 1m (queryStep 0 = interval) does not", async () => {
    const def = createQuerierFactory({ url: vm.url });
    expect((await def.forGroup(group()).query("ds_old", { time: now })).data.map((m) => m.value)).toEqual([7]);
    await def.close();
    const byInterval = createQuerierFactory({ url: vm.url, queryStep: 0 });
    expect(
      (await byInterval.forGroup(group({ evaluationInterval: 60_000 })).query("ds_old", { time: now })).data,
    ).toEqual([]);
    await byInterval.close();
  });

  test("group params reach the datasource and replace same-name ones", async () => {
    const f = createQuerierFactory({ url: `${vm.url}/?extra_label=job%3Db` });
    const onlyA = f.forGroup(group({ params: { extra_label: ["job=a"] } }));
    const res = await onlyA.query("ds_up", { time: now });
    expect(res.data.map((m) => m.labels.job)).toEqual(["a"]);
    const fromURL = await f.forGroup(group()).query("ds_up", { time: now });
    expect(fromURL.data.map((m) => m.labels.job)).toEqual(["b"]);
    await f.close();
  });

  test("roundDigits rounds values in the datasource", async () => {
    const f = createQuerierFactory({ url: vm.url, roundDigits: 2 });
    const res = await f.forGroup(group()).query("ds_frac", { time: now });
    expect(res.data[0]?.value).toBe(1.23);
    await f.close();
  });

  test("appendTypePrefix uses VictoriaMetrics' /prometheus path", async () => {
    const f = createQuerierFactory({ url: vm.url, appendTypePrefix: true });
    const q = f.forGroup(group());
    const res = await q.query("ds_up", { time: now });
    expect(res.data).toHaveLength(2);
    expect(q.curl?.("ds_up", now)).toContain(`${vm.url}/prometheus/api/v1/query?`);
    await f.close();
  });

  test("a bad query is a TSA_DATASOURCE error with VictoriaMetrics' message and the URL", async () => {
    const f = createQuerierFactory({ url: vm.url });
    const err = await f
      .forGroup(group())
      .query("sum(ds_up", { time: now })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).code).toBe("TSA_DATASOURCE");
    expect((err as Error).message).toMatch(
      /unexpected response code 4\d\d for http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query\?/,
    );
    expect((err as Error).message).toContain('error when executing query=\\"sum(ds_up\\"');
    await f.close();
  });

  test("curl string: POST, redacted URL with the query string", async () => {
    const withCreds = vm.url.replace("http://", "http://user:pw@");
    const f = createQuerierFactory({ url: withCreds });
    const q = f.forGroup(group());
    await q.query("ds_up", { time: now });
    const time = encodeURIComponent(new Date(now).toISOString().replace(".000", ""));
    expect(q.curl?.("ds_up", now)).toBe(
      `curl -X POST -H 'Content-Type: application/json' '${vm.url}/api/v1/query?query=ds_up&step=300s&time=${time}'`,
    );
    await f.close();
  });
});
