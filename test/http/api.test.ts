import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiAlert, ApiRule } from "../../src/rule/api.js";
import { fakeData, fakeView } from "./fake-view.js";
import { type ApiBody, getJSON, type OutGroup, type Started, start } from "./start.js";

let s: Started;
beforeAll(async () => {
  s = await start();
});
afterAll(() => s.server.close());

const names = (json: ApiBody) => json.data.groups.map((g) => g.name);
const ruleNames = (json: ApiBody) => json.data.groups.flatMap((g) => g.rules.map((r) => r.name));

describe("/api/v1/rules", () => {
  it("returns all groups sorted by name with Prometheus-compatible envelope, on both prefixes", async () => {
    for (const p of ["/api/v1/rules", "/vmalert/api/v1/rules"]) {
      const { status, json } = await getJSON(s.url + p);
      expect(status).toBe(200);
      expect(json.status).toBe("success");
      expect(names(json)).toEqual(["apps", "graphite-g", "infra"]);
      expect(json.data.page).toBeUndefined();
    }
  });

  it("computes rule state from alerts and group state counts; recording rules have empty state", async () => {
    const { json } = await getJSON(`${s.url}/api/v1/rules`);
    const infra = json.data.groups.find((g) => g.name === "infra")!;
    const byName = Object.fromEntries(infra.rules.map((r) => [r.name, r]));
    expect(byName.HighLoad.state).toBe("firing");
    expect(byName.DiskFull.state).toBe("inactive");
    expect(byName["job:up:sum"].state).toBe("");
    expect(infra.states).toEqual({ firing: 1, nomatch: 1, ok: 1 });
    expect(byName.HighLoad.alerts!.map((a) => a.id).sort()).toEqual(["9000", "9001"]);
    expect(byName.HighLoad.updates).toBeUndefined();
    // omitempty: a null lastSeriesFetched is left out
    const apps = json.data.groups.find((g) => g.name === "apps")!;
    expect("lastSeriesFetched" in apps.rules[0]).toBe(false);
  });

  it("extended_states=true reports unhealthy, nomatch, ok", async () => {
    const { json } = await getJSON(`${s.url}/api/v1/rules?extended_states=true`);
    const states = Object.fromEntries(json.data.groups.flatMap((g) => g.rules.map((r) => [r.name, r.state])));
    expect(states).toEqual({
      HighLoad: "firing",
      DiskFull: "nomatch",
      "job:up:sum": "ok",
      AppDown: "unhealthy",
      "app:req:rate": "nomatch",
      "g:rec": "ok",
    });
  });

  it("type=alert|record", async () => {
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?type=alert`)).json)).toEqual([
      "AppDown",
      "HighLoad",
      "DiskFull",
    ]);
    const rec = await getJSON(`${s.url}/api/v1/rules?type=record`);
    expect(ruleNames(rec.json)).toEqual(["app:req:rate", "g:rec", "job:up:sum"]);
  });

  it("rule_group[], file[], rule_name[] (with and without brackets)", async () => {
    expect(names((await getJSON(`${s.url}/api/v1/rules?rule_group[]=infra&rule_group[]=apps`)).json)).toEqual([
      "apps",
      "infra",
    ]);
    expect(names((await getJSON(`${s.url}/api/v1/rules?file=/etc/rules/apps.yml`)).json)).toEqual(["apps"]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?rule_name[]=DiskFull&rule_name=g:rec`)).json)).toEqual([
      "g:rec",
      "DiskFull",
    ]);
  });

  it("match[] series selectors against rule labels, ORed", async () => {
    const one = await getJSON(`${s.url}/api/v1/rules?match[]=${encodeURIComponent('{severity="critical"}')}`);
    expect(ruleNames(one.json)).toEqual(["HighLoad"]);
    const two = await getJSON(
      `${s.url}/api/v1/rules?match[]=${encodeURIComponent('{severity=~"crit.*"}')}&match[]=${encodeURIComponent('{severity="warning"}')}`,
    );
    expect(ruleNames(two.json)).toEqual(["HighLoad", "DiskFull"]);
  });

  it("state / filter with comma lists and Grafana aliases", async () => {
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?state=firing`)).json)).toEqual(["HighLoad"]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?filter=unhealthy,ok`)).json)).toEqual([
      "AppDown",
      "g:rec",
      "job:up:sum",
    ]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?state=noData`)).json)).toEqual(["app:req:rate", "DiskFull"]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?state=error`)).json)).toEqual(["AppDown"]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?state=recovering`)).json)).toEqual([]);
    const bad = await getJSON(`${s.url}/api/v1/rules?state=burning`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errorType: 400 });
    expect(bad.json.error).toMatch(/invalid state "burning"/);
  });

  it("exclude_alerts drops alerts", async () => {
    const { json } = await getJSON(`${s.url}/api/v1/rules?exclude_alerts=true&rule_name=HighLoad`);
    expect(json.data.groups[0].rules[0].alerts).toBeUndefined();
    expect(json.data.groups[0].rules[0].state).toBe("firing");
    expect(json.data.groups[0].states).toEqual({ firing: 1 });
  });

  it("search matches group name or file (whole group), else rule names, case-insensitively", async () => {
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?search=APPS.yml`)).json)).toEqual([
      "AppDown",
      "app:req:rate",
    ]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?search=disk`)).json)).toEqual(["DiskFull"]);
    expect(ruleNames((await getJSON(`${s.url}/api/v1/rules?search=nothing-like-this`)).json)).toEqual([]);
  });

  it("datasource_type filters groups; unknown types are 400", async () => {
    expect(names((await getJSON(`${s.url}/api/v1/rules?datasource_type=graphite`)).json)).toEqual(["graphite-g"]);
    expect((await getJSON(`${s.url}/api/v1/rules?datasource_type=influx`)).status).toBe(400);
  });

  it("group_limit + page_num pagination with totals", async () => {
    const p1 = await getJSON(`${s.url}/api/v1/rules?group_limit=2`);
    expect(names(p1.json)).toEqual(["apps", "graphite-g"]);
    expect(p1.json.data).toMatchObject({ page: 1, total_pages: 2, total_groups: 3, total_rules: 6 });
    const p2 = await getJSON(`${s.url}/api/v1/rules?group_limit=2&page_num=2`);
    expect(names(p2.json)).toEqual(["infra"]);
    expect(p2.json.data.page).toBe(2);
    expect(p2.json.data.groupNextToken).toBeUndefined();
    // the cursor continues where page 1 ended
    const next = await getJSON(`${s.url}/api/v1/rules?group_limit=2&group_next_token=${p1.json.data.groupNextToken}`);
    expect(names(next.json)).toEqual(["infra"]);
  });

  it.each([
    ["page_num=1", /needs "group_limit"/],
    ["group_limit=0", /positive integer/],
    ["group_limit=-1", /positive integer/],
    ["group_limit=x", /invalid value/],
    ["group_limit=2&page_num=3", /out of range/],
    ["group_limit=2&page_num=0", /positive integer/],
    ["group_limit=2&group_next_token=42", /invalid group_next_token/],
    ["type=both", /invalid parameter "type"/],
    ["exclude_alerts=maybe", /want true or false/],
    [`match[]=${encodeURIComponent("{a=")}`, /bad match/],
  ])("400 for %s", async (qs, msg) => {
    const { status, json } = await getJSON(`${s.url}/api/v1/rules?${qs}`);
    expect(status).toBe(400);
    expect(json.error).toMatch(msg);
  });

  it("accepts the filters as a POST form too", async () => {
    const { json } = await getJSON(`${s.url}/api/v1/rules`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "type=record&rule_group[]=infra",
    });
    expect(ruleNames(json)).toEqual(["job:up:sum"]);
  });
});

describe("/api/v1/alerts", () => {
  it("lists pending and firing alerts sorted by id", async () => {
    for (const p of ["/api/v1/alerts", "/vmalert/api/v1/alerts"]) {
      const { status, json } = await getJSON(s.url + p);
      expect(status).toBe(200);
      expect(json.status).toBe("success");
      expect(json.data.alerts.map((a) => [a.id, a.state])).toEqual([
        ["9000", "pending"],
        ["9001", "firing"],
      ]);
    }
  });

  it("filters by match[], rule_group[], file[], datasource_type", async () => {
    const m = await getJSON(`${s.url}/api/v1/alerts?match[]=${encodeURIComponent('{instance="web-1"}')}`);
    expect(m.json.data.alerts.map((a) => a.id)).toEqual(["9001"]);
    expect((await getJSON(`${s.url}/api/v1/alerts?rule_group=apps`)).json.data.alerts).toEqual([]);
    expect((await getJSON(`${s.url}/api/v1/alerts?file[]=/etc/rules/infra.yml`)).json.data.alerts).toHaveLength(2);
    expect((await getJSON(`${s.url}/api/v1/alerts?datasource_type=graphite`)).json.data.alerts).toEqual([]);
    expect((await getJSON(`${s.url}/api/v1/alerts?datasource_type=nope`)).status).toBe(400);
  });
});

describe("/api/v1/notifiers", () => {
  it("returns the view's notifiers", async () => {
    const { json } = await getJSON(`${s.url}/vmalert/api/v1/notifiers`);
    expect(json).toEqual({ status: "success", data: { notifiers: fakeData().notifiers } });
  });
});

describe("single alert, rule, group", () => {
  it("alert by ids; 400 for bad ids, 404 for unknown", async () => {
    const ok = await getJSON<ApiAlert>(`${s.url}/api/v1/alert?group_id=1001&alert_id=9001`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ id: "9001", state: "firing", name: "HighLoad" });
    const bad = await getJSON(`${s.url}/vmalert/api/v1/alert?group_id=abc&alert_id=9001`);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/group_id/);
    expect((await getJSON(`${s.url}/api/v1/alert?group_id=1001`)).status).toBe(400);
    const missing = await getJSON(`${s.url}/api/v1/alert?group_id=1001&alert_id=1`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: "alert 1 in group 1001 not found", errorType: 404 });
  });

  it("rule with updates, newest first", async () => {
    const { status, json } = await getJSON<ApiRule>(`${s.url}/vmalert/api/v1/rule?group_id=1001&rule_id=11`);
    expect(status).toBe(200);
    expect(json.name).toBe("HighLoad");
    expect(json.updates).toHaveLength(6);
    expect(Date.parse(json.updates![0].time)).toBeGreaterThan(Date.parse(json.updates![5].time));
    expect((await getJSON(`${s.url}/api/v1/rule?group_id=1001&rule_id=99`)).status).toBe(404);
    expect((await getJSON(`${s.url}/api/v1/rule?group_id=1001&rule_id=-1`)).status).toBe(400);
  });

  it("group by id", async () => {
    const { status, json } = await getJSON<OutGroup>(`${s.url}/api/v1/group?group_id=2002`);
    expect(status).toBe(200);
    expect(json.name).toBe("apps");
    expect(json.states).toEqual({ unhealthy: 1, nomatch: 1 });
    expect((await getJSON(`${s.url}/api/v1/group?group_id=7`)).status).toBe(404);
  });
});

describe("view errors", () => {
  it("an exception in the engine view is a bare 500 without stack, logged", async () => {
    const view = fakeView();
    view.groups = () => {
      throw new Error("engine exploded at secretFunction (/src/x.ts:1:1)");
    };
    const t = await start({}, view);
    try {
      const res = await fetch(`${t.url}/api/v1/rules`);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe("internal error");
      expect(t.logs.join("")).toContain("engine exploded");
    } finally {
      await t.server.close();
    }
  });
});
