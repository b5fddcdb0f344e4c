// Large list answers go out in pieces (src/http/reply.ts jsonList): the same JSON, chunked, gzip or not.
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filterAlerts, parseAlertsFilter } from "../../src/http/filters.js";
import type { ApiAlert } from "../../src/rule/api.js";
import { fakeData, fakeView } from "./fake-view.js";
import { get, type Started, start } from "./start.js";

const N = 20_000;

function raw(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on("data", (c) => chunks.push(c));
      r.on("end", () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

describe("list answers in pieces", () => {
  let s: Started;
  let expected: ApiAlert[];
  beforeAll(async () => {
    const data = fakeData();
    const rule = data.groups[0].rules.find((r) => (r.alerts?.length ?? 0) > 0);
    if (!rule?.alerts) throw new Error("fake data has no alerting rule with alerts");
    const model = rule.alerts[0];
    rule.alerts = Array.from({ length: N }, (_, i) => ({
      ...model,
      id: String(10_000_000 + i),
      labels: { ...model.labels, instance: `host-${i}:9100` },
    }));
    // What /api/v1/alerts answers without a filter, through the JSON round trip the client sees.
    expected = JSON.parse(
      JSON.stringify(filterAlerts(fakeView(data).groups(), parseAlertsFilter(new URLSearchParams()))),
    );
    s = await start({}, fakeView(data));
  });
  afterAll(() => s.server.close());

  it("/api/v1/alerts: every alert, in order, chunked; gzip decodes to the same text", async () => {
    const plain = await raw(`${s.url}/api/v1/alerts`);
    expect(plain.headers["transfer-encoding"]).toBe("chunked");
    expect(plain.headers["content-length"]).toBeUndefined();
    const body = JSON.parse(plain.body.toString()) as { status: string; data: { alerts: ApiAlert[] } };
    expect(body.status).toBe("success");
    expect(body.data.alerts.length).toBeGreaterThanOrEqual(N);
    expect(body.data.alerts).toEqual(expected);
    const zipped = await raw(`${s.url}/api/v1/alerts`, { "Accept-Encoding": "gzip" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString());
    const head = await get(`${s.url}/api/v1/alerts`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("/api/v1/rules: the groups in pieces parse to the whole answer", async () => {
    const res = await raw(`${s.url}/api/v1/rules`);
    const body = JSON.parse(res.body.toString()) as { data: { groups: { rules: { alerts?: unknown[] }[] }[] } };
    const alerts = body.data.groups.flatMap((g) => g.rules.flatMap((r) => r.alerts ?? []));
    expect(alerts.length).toBeGreaterThanOrEqual(N);
  });

  it("a client that goes away in the middle of an answer leaves the server serving", async () => {
    for (const gzip of [false, true]) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${s.url}/api/v1/alerts`, { headers: gzip ? { "Accept-Encoding": "gzip" } : {} }, (r) => {
          r.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
        req.end();
      });
    }
    const again = await raw(`${s.url}/api/v1/alerts`);
    expect((JSON.parse(again.body.toString()) as { data: { alerts: unknown[] } }).data.alerts.length).toBe(
      expected.length,
    );
  });
});
