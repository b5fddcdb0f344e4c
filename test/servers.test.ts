// The real servers the integration tests rely on start, answer and stop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSeries, type RunningServer, startAlertmanager, startVictoriaMetrics } from "./helpers/servers.js";

describe("real servers", () => {
  let vm: RunningServer;
  let am: RunningServer;
  beforeAll(async () => {
    [vm, am] = await Promise.all([startVictoriaMetrics(), startAlertmanager()]);
  });
  afterAll(async () => {
    await Promise.all([vm?.stop(), am?.stop()]);
  });

  it("victoria-metrics imports and answers instant queries", async () => {
    const now = Date.now();
    await importSeries(vm.url, [{ labels: { __name__: "smoke", job: "t" }, values: [42], timestamps: [now - 1000] }]);
    const res = await fetch(`${vm.url}/api/v1/query?query=smoke&time=${now / 1000}`);
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    expect(body.data.result[0].value[1]).toBe("42");
  });

  it("alertmanager accepts and lists alerts", async () => {
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ labels: { alertname: "Smoke" }, annotations: {}, startsAt: new Date().toISOString() }]),
    });
    expect(res.status).toBe(200);
    const list = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
    expect(list.map((a) => a.labels.alertname)).toContain("Smoke");
  });
});
