// Real VictoriaMetrics (Debian, 1.79.5) with -vmalert.proxyURL pointing at our server: Grafana's and
// vmui's requests to VictoriaMetrics must come back with our data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";
import { get, getJSON, type Started, start } from "./start.js";

let s: Started;
let vm: RunningServer;

beforeAll(async () => {
  s = await start(); // ours first: VictoriaMetrics needs its URL
  vm = await startVictoriaMetrics([`-vmalert.proxyURL=${s.url}`]);
});

afterAll(async () => {
  await vm?.stop();
  await s?.server.close();
});

describe("VictoriaMetrics -vmalert.proxyURL", () => {
  it.each(["/api/v1/rules", "/api/v1/alerts", "/vmalert/api/v1/rules", "/vmalert/api/v1/alerts"])(
    "%s through VictoriaMetrics equals our answer",
    async (path) => {
      const direct = await getJSON(s.url + path);
      const proxied = await getJSON(vm.url + path);
      expect(proxied.status).toBe(200);
      expect(proxied.json).toEqual(direct.json);
    },
  );

  it("filters pass through the proxy", async () => {
    const { json } = await getJSON(`${vm.url}/api/v1/rules?type=record&rule_group[]=infra`);
    expect(json.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(["job:up:sum"]);
    const bad = await get(`${vm.url}/api/v1/rules?state=bogus`);
    expect(bad.status).toBe(400);
  });

  it("serves the UI under VictoriaMetrics' /vmalert/ with working relative links", async () => {
    const groups = await get(`${vm.url}/vmalert/groups`);
    expect(groups.status).toBe(200);
    expect(groups.body).toContain("HighLoad");
    const href = /href="(rule\?group_id=1001&amp;rule_id=11)"/.exec(groups.body)?.[1].replace(/&amp;/g, "&");
    expect(href).toBeDefined();
    const rule = await get(new URL(href!, `${vm.url}/vmalert/groups`).toString());
    expect(rule.status).toBe(200);
    expect(rule.body).toContain("State timeline");
    const css = await get(new URL("static/style.css", `${vm.url}/vmalert/groups`).toString());
    expect(css.status).toBe(200);
    expect(css.body).toContain(".timeline");
    const alerts = await get(`${vm.url}/vmalert/alerts`);
    expect(alerts.body).toContain("1 firing, 1 pending");
  });

  it("single alert and rule lookups through the proxy", async () => {
    const a = await getJSON<{ id: string }>(`${vm.url}/vmalert/api/v1/alert?group_id=1001&alert_id=9001`);
    expect(a.json.id).toBe("9001");
    expect((await get(`${vm.url}/vmalert/api/v1/alert?group_id=1001&alert_id=1`)).status).toBe(404);
  });
});
