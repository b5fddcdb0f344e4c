import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml, html } from "../../src/http/html.js";
import { slowestRules } from "../../src/http/ui/groups.js";
import { stateChanges, timelinePoints } from "../../src/http/ui/timeline.js";
import { vmuiLinkBuilder } from "../../src/http/vmui.js";
import { fakeData, fakeView, XSS_ATTR, XSS_LABEL } from "./fake-view.js";
import { get, type Started, start } from "./start.js";

describe("html helper", () => {
  it("escapes interpolations, keeps nested html and arrays", () => {
    const name = `<img src=x onerror="alert(1)">'&`;
    const out = html`<td title="${name}">${name}${[html`<b>${"<i>"}</b>`, "<u>"]}</td>`.text;
    expect(out).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;<b>&lt;i&gt;</b>&lt;u&gt;</td>',
    );
    expect(escapeHtml("`")).toBe("&#96;");
  });
});

describe("UI pages", () => {
  const data = fakeData();
  let s: Started;
  beforeAll(async () => {
    s = await start(
      { vmuiURL: (expr) => `http://vm:8428/vmui/#/?g0.expr=${encodeURIComponent(expr)}` },
      fakeView(data),
    );
  });
  afterAll(() => s.server.close());

  const PAGES = [
    "/",
    "/vmalert/",
    "/vmalert/groups",
    "/vmalert/rules",
    "/vmalert/alerts",
    "/vmalert/notifiers",
    "/vmalert/rule?group_id=1001&rule_id=11",
    "/vmalert/rule?group_id=1001&rule_id=12",
    "/vmalert/alert?group_id=1001&alert_id=9001",
  ];

  it.each(PAGES)("%s: HTML with every payload escaped", async (path) => {
    const r = await get(s.url + path);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(r.body).not.toContain("<script");
    expect(r.body).not.toContain('"onmouseover=');
    expect(r.body).not.toContain("<b>boom");
  });

  it("groups page shows groups, rules, states, errors and the slowest rules", async () => {
    const { body } = await get(`${s.url}/vmalert/groups`);
    for (const text of ["infra", "apps", "graphite-g", "HighLoad", "DiskFull", "job:up:sum", "app:req:rate"])
      expect(body).toContain(text);
    expect(body).toContain("&lt;b&gt;boom&lt;/b&gt;: bad_data");
    expect(body).toContain('data-state="unhealthy"');
    expect(body).toContain("Slowest rules");
    expect(body).toContain('href="rule?group_id=1001&amp;rule_id=11"');
    expect(body).toContain('<link rel="stylesheet" href="static/style.css">');
  });

  it("groups page filters by state, type and search", async () => {
    const firing = (await get(`${s.url}/vmalert/groups?state=firing`)).body;
    expect(firing).toContain("HighLoad");
    expect(firing).not.toContain("DiskFull");
    expect(firing).not.toContain("apps");
    const rec = (await get(`${s.url}/vmalert/groups?type=record&search=app`)).body;
    expect(rec).toContain("app:req:rate");
    expect(rec).not.toContain("AppDown");
    expect(rec).toMatch(/<option value="record" selected>/);
    const bad = await get(`${s.url}/vmalert/groups?state=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/invalid state "nope"/);
  });

  it("alerts page groups alerts by rule with labels, annotations and active since", async () => {
    const { body } = await get(`${s.url}/vmalert/alerts`);
    expect(body).toContain("2 active");
    expect(body).toContain("1 firing, 1 pending");
    expect(body).toContain(escapeHtml(`payload=${JSON.stringify(XSS_LABEL)}`));
    expect(body).toContain(escapeHtml(XSS_ATTR));
    expect(body).toMatch(/<time datetime="[^"]+" title="[^"]+">2m ago<\/time>/);
    const filtered = (await get(`${s.url}/vmalert/alerts?match[]=${encodeURIComponent('{instance="web-2"}')}`)).body;
    expect(filtered).toContain("1 active");
    expect((await get(`${s.url}/vmalert/alerts?file=/etc/rules/apps.yml`)).body).toContain(
      "No firing or pending alerts.",
    );
  });

  it("rule page: history, timeline of changes, vmui link; unknown rule 404; bad id 400", async () => {
    const { body } = await get(`${s.url}/vmalert/rule?group_id=1001&rule_id=11`);
    expect(body).toContain('href="http://vm:8428/vmui/#/?g0.expr=load%20%3E%200.9"');
    expect(body).toContain("6 evaluations, 4 state changes");
    expect(body).toContain("inactive → pending");
    expect(body).toContain("firing → error");
    expect(body).toContain("datasource timeout");
    expect((await get(`${s.url}/vmalert/rule?group_id=1001&rule_id=404`)).status).toBe(404);
    expect((await get(`${s.url}/vmalert/rule?group_id=x&rule_id=1`)).status).toBe(400);
    expect((await get(`${s.url}/vmalert/alert?group_id=1001&alert_id=1`)).status).toBe(404);
  });

  it("notifiers page shows targets and their health", async () => {
    const { body } = await get(`${s.url}/vmalert/notifiers`);
    expect(body).toContain("http://am-1:9093/api/v2/alerts");
    expect(body).toContain("connection refused");
    expect(body).toContain('class="badge s-error"');
  });

  it("shows the last reload error as an escaped banner", async () => {
    expect((await get(`${s.url}/vmalert/groups`)).body).not.toContain('class="banner"');
    data.reloadError = `rules.yml: <script>bad</script>`;
    try {
      const { body } = await get(`${s.url}/vmalert/groups`);
      expect(body).toContain('class="banner"');
      expect(body).toContain("rules.yml: &lt;script&gt;bad&lt;/script&gt;");
    } finally {
      data.reloadError = "";
    }
  });

  it("static stylesheet", async () => {
    const r = await get(`${s.url}/vmalert/static/style.css`);
    expect(r.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(r.body).toContain(".timeline");
  });

  it("never links a javascript: URL", async () => {
    const t = await start({ vmuiURL: () => "javascript:alert(1)" });
    try {
      expect((await get(`${t.url}/vmalert/rule?group_id=1001&rule_id=11`)).body).not.toContain("javascript:");
    } finally {
      await t.server.close();
    }
  });
});

describe("timeline and ranking", () => {
  const rule = fakeData().groups[0].rules[0];

  it("orders points oldest first and lists only changes", () => {
    const points = timelinePoints(rule);
    expect(points.map((p) => p.status)).toEqual(["inactive", "inactive", "pending", "firing", "error", "firing"]);
    expect(stateChanges(points).map((c) => `${c.from}>${c.to}`)).toEqual([
      "null>inactive",
      "inactive>pending",
      "pending>firing",
      "firing>error",
      "error>firing",
    ]);
  });

  it("derives states from samples when entries carry none", () => {
    const r = { ...rule, updates: rule.updates!.map(({ state: _, ...u }) => u) };
    expect(timelinePoints(r).map((p) => p.status)).toEqual([
      "inactive",
      "inactive",
      "match",
      "match",
      "error",
      "match",
    ]);
  });

  it("ranks the slowest rules by evaluation time", () => {
    const rules = fakeData().groups[0].rules;
    expect(slowestRules(rules, 2).map((r) => r.name)).toEqual(["HighLoad", "job:up:sum"]);
  });
});

describe("vmui links", () => {
  it("strip credentials and query args of the base URL", () => {
    const link = vmuiLinkBuilder("http://user:pw@vm:8428/prefix/?authKey=k")!;
    expect(link('up{job="a"} > 0')).toBe(
      "http://vm:8428/prefix/vmui/#/?g0.expr=up%7Bjob%3D%22a%22%7D%20%3E%200&g0.relative_time=last_1_hour",
    );
    expect(vmuiLinkBuilder("ftp://vm")).toBeUndefined();
    expect(vmuiLinkBuilder("not a url")).toBeUndefined();
    expect(vmuiLinkBuilder(undefined)).toBeUndefined();
  });
});
