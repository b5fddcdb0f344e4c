import { describe, expect, it } from "vitest";
import type { AlertRestorer, RestoreQuery } from "../../src/remoteread/types.js";
import { RESOLVED_RETENTION } from "../../src/rule/alerting.js";
import { alertID } from "../../src/rule/ids.js";
import { alertRule, labelMap, nameOf, series } from "./fakes.js";
import { alerting, harness, never } from "./harness.js";

const MIN = 60_000;
const T0 = Date.UTC(2026, 7, 20, 8, 0, 0);

function states(rule: ReturnType<typeof alerting>): string[] {
  return [...rule.alerts.values()].map((a) => a.state);
}

describe("alerting state machine", () => {
  it("for: 0 fires on the first evaluation", async () => {
    const h = harness();
    h.deps.q.set("up == 0", [series({ __name__: "up", job: "a" })]);
    const r = alerting(h, alertRule({ alert: "Down", expr: "up == 0" }));
    const out = await r.exec(T0, never);
    expect(states(r)).toEqual(["firing"]);
    const [a] = r.alerts.values();
    expect(a.activeAt).toBe(T0);
    expect(a.start).toBe(T0);
    expect(a.labels).toEqual({ alertgroup: "grp", alertname: "Down", job: "a" });
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0].startsAt.getTime()).toBe(T0);
  });

  it("for = interval: pending on the first evaluation, firing on the second", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: MIN }));
    let out = await r.exec(T0, never);
    expect(states(r)).toEqual(["pending"]);
    expect(out.alerts).toHaveLength(0);
    out = await r.exec(T0 + MIN, never);
    expect(states(r)).toEqual(["firing"]);
    const [a] = r.alerts.values();
    expect(a.activeAt).toBe(T0);
    expect(a.start).toBe(T0 + MIN);
    expect(out.alerts).toHaveLength(1);
    expect(r.api(false).state).toBe("firing");
  });

  it("a pending alert whose series disappears is deleted; coming back restarts for", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: 2 * MIN }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    await r.exec(T0 + MIN, never);
    expect(r.alerts.size).toBe(0);
    h.deps.q.set("x", [series({ job: "a" })]);
    await r.exec(T0 + 2 * MIN, never);
    await r.exec(T0 + 3 * MIN, never);
    expect(states(r)).toEqual(["pending"]);
    expect([...r.alerts.values()][0].activeAt).toBe(T0 + 2 * MIN);
  });

  it("firing -> inactive when the series vanishes; resolved is sent and kept 15 minutes", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    h.deps.clock.jump(1000);
    const out = await r.exec(T0 + MIN, never);
    const [a] = r.alerts.values();
    expect(a.state).toBe("inactive");
    expect(a.resolvedAt).toBe(T0 + MIN);
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0].endsAt.getTime()).toBe(T0 + MIN);
    // re-sent on every evaluation (resendDelay 0) while retained
    let t = T0 + 2 * MIN;
    for (; t - (T0 + MIN) <= RESOLVED_RETENTION; t += MIN) {
      h.deps.clock.jump(MIN);
      const o = await r.exec(t, never);
      expect(o.alerts).toHaveLength(1);
      expect(r.alerts.size).toBe(1);
    }
    await r.exec(t, never);
    expect(r.alerts.size).toBe(0);
  });

  it("resolved notifications carry the annotations of the last firing evaluation, also after the data they query changed", async () => {
    // The compliance suite's ZeroFor_SmallFor case: an annotation reads other series through `query`,
    // whose values change after the alert resolved; vmalert and Prometheus keep the last firing text.
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    h.deps.q.set("ids", [series({ id: "101" }, 1)]);
    const r = alerting(
      h,
      alertRule({ alert: "A", expr: "x", annotations: { v: '{{ query "ids" | first | value }}' } }),
    );
    const first = await r.exec(T0, never);
    expect(first.alerts[0].annotations.v).toBe("1");
    h.deps.q.set("x", []);
    h.deps.clock.jump(MIN);
    const resolved = await r.exec(T0 + MIN, never);
    expect(resolved.alerts[0].endsAt.getTime()).toBe(T0 + MIN);
    expect(resolved.alerts[0].annotations.v).toBe("1");
    h.deps.q.set("ids", [series({ id: "101" }, 2)]);
    let resent = 0;
    for (let i = 2; i < 6; i++) {
      h.deps.clock.jump(MIN);
      for (const a of (await r.exec(T0 + i * MIN, never)).alerts) {
        expect(a.annotations.v).toBe("1");
        resent++;
      }
    }
    expect(resent).toBe(4);
  });

  it("a resolved alert whose series comes back becomes pending with a new activeAt", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: MIN }));
    await r.exec(T0, never);
    await r.exec(T0 + MIN, never);
    h.deps.q.set("x", []);
    await r.exec(T0 + 2 * MIN, never);
    h.deps.q.set("x", [series({ job: "a" })]);
    await r.exec(T0 + 3 * MIN, never);
    const [a] = r.alerts.values();
    expect(a.state).toBe("pending");
    expect(a.activeAt).toBe(T0 + 3 * MIN);
  });

  it("flapping series never reach firing with for > interval", async () => {
    const h = harness();
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: 2 * MIN }));
    for (let i = 0; i < 8; i++) {
      h.deps.q.set("x", i % 2 === 0 ? [series({ job: "a" })] : []);
      await r.exec(T0 + i * MIN, never);
      expect(states(r).includes("firing")).toBe(false);
    }
  });

  it("keep_firing_for keeps the alert firing (stabilizing) and resolves after it", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", keepFiringFor: 2 * MIN }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    await r.exec(T0 + MIN, never);
    let [a] = r.alerts.values();
    expect(a.state).toBe("firing");
    expect(a.keepFiringSince).toBe(T0 + MIN);
    expect(r.apiAlert(a).stabilizing).toBe(true);
    await r.exec(T0 + 2 * MIN, never);
    expect(states(r)).toEqual(["firing"]);
    await r.exec(T0 + 3 * MIN, never);
    [a] = r.alerts.values();
    expect(a.state).toBe("inactive");
    expect(a.resolvedAt).toBe(T0 + 3 * MIN);
  });

  it("keep_firing_for is cleared when the series returns", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", keepFiringFor: 2 * MIN }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    await r.exec(T0 + MIN, never);
    h.deps.q.set("x", [series({ job: "a" })]);
    await r.exec(T0 + 2 * MIN, never);
    const [a] = r.alerts.values();
    expect(a.keepFiringSince).toBe(0);
    expect(r.apiAlert(a).stabilizing).toBe(false);
  });

  it("a query error freezes the state and records the error", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: MIN }));
    await r.exec(T0, never);
    h.deps.q.set("x", new Error("connection refused"));
    const out = await r.exec(T0 + MIN, never);
    expect(out).toEqual({ series: [], alerts: [] });
    expect(states(r)).toEqual(["pending"]);
    const api = r.api(true);
    expect(api.health).toBe("err");
    expect(api.lastError).toBe("connection refused");
    h.deps.q.set("x", [series({ job: "a" })]);
    await r.exec(T0 + 2 * MIN, never);
    expect(states(r)).toEqual(["firing"]);
    expect([...r.alerts.values()][0].activeAt).toBe(T0);
    expect(r.api(true).health).toBe("ok");
  });

  it("limit: too many alerts drop all of them with an error and no stale markers", async () => {
    const h = harness({}, { limit: 2 });
    h.deps.q.set("x", [series({ i: "1" }), series({ i: "2" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: MIN }));
    await r.exec(T0, never);
    expect(r.alerts.size).toBe(2);
    h.deps.q.set("x", [series({ i: "1" }), series({ i: "2" }), series({ i: "3" })]);
    const out = await r.exec(T0 + MIN, never);
    expect(r.alerts.size).toBe(0);
    expect(out.series).toEqual([]);
    expect(r.api(false).lastError).toBe("exec exceeded limit of 2 with 3 alerts");
  });

  it("duplicate label sets after dropping __name__ are an error", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ __name__: "a", job: "j" }), series({ __name__: "b", job: "j" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    const out = await r.exec(T0, never);
    expect(out.alerts).toEqual([]);
    expect(r.api(false).lastError).toMatch(
      /^labels map\[alertgroup:grp alertname:A job:j\]: result contains metrics with the same labelset/,
    );
  });

  it("an empty result resolves firing alerts and resets for", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" }), series({ job: "b" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    await r.exec(T0 + MIN, never);
    expect(states(r)).toEqual(["inactive", "inactive"]);
    expect(r.api(false).state).toBe("inactive");
    expect(r.api(false).alerts).toEqual([]);
  });
});

describe("alert labels", () => {
  it("rule labels override series labels and keep the series value as exported_", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ __name__: "m", job: "series", alertname: "fromSeries", drop: "me" })]);
    const cfg = alertRule({ alert: "A", expr: "x", labels: { job: "rule", drop: "", sev: "page" } });
    const r = alerting(h, cfg);
    await r.exec(T0, never);
    const [a] = r.alerts.values();
    expect(a.labels).toEqual({
      alertgroup: "grp",
      alertname: "A",
      exported_alertname: "fromSeries",
      exported_job: "series",
      job: "rule",
      sev: "page",
    });
    expect(a.id).toBe(alertID(a.labels));
  });

  it("-disableAlertgroupLabel leaves alertgroup out", async () => {
    const h = harness({ disableAlertgroupLabel: true });
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    await r.exec(T0, never);
    expect([...r.alerts.values()][0].labels).toEqual({ alertname: "A", job: "a" });
  });

  it("templated labels see series labels and value; annotations see the series value of overridden labels", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "series", inst: "i1" }, 7)]);
    const cfg = alertRule({
      alert: "A",
      expr: "x",
      labels: { job: "rule", where: "{{ $labels.inst }}" },
      annotations: { summary: "job={{ $labels.job }} v={{ $value }} where={{ $labels.where }}" },
    });
    const r = alerting(h, cfg);
    await r.exec(T0, never);
    const [a] = r.alerts.values();
    expect(a.labels.where).toBe("i1");
    expect(a.annotations.summary).toBe("job=series v=7 where=i1");
  });

  it("annotation template errors become the value and mark the rule unhealthy without failing it", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(
      h,
      alertRule({ alert: "A", expr: "x", annotations: { s: '{{ "abc" | humanize }}', ok: "fine" } }),
    );
    const out = await r.exec(T0, never);
    const [a] = r.alerts.values();
    expect(a.state).toBe("firing");
    expect(a.annotations.s).toMatch(/^error evaluating template: template: .*strconv.ParseFloat: parsing "abc"/);
    expect(a.annotations.ok).toBe("fine");
    expect(out.alerts).toHaveLength(1);
    expect(r.api(false).health).toBe("err");
  });

  it("$activeAt is the existing alert's activeAt, $alertID and $for are set", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(
      h,
      alertRule({
        alert: "A",
        expr: "x",
        for: 5 * MIN,
        annotations: { at: "{{ $activeAt.Unix }}", id: "{{ $alertID }}", f: "{{ $for }}", g: "{{ $groupID }}" },
      }),
    );
    await r.exec(T0, never);
    await r.exec(T0 + MIN, never);
    const [a] = r.alerts.values();
    expect(a.annotations).toEqual({ at: String(T0 / 1000), id: a.id, f: "5m0s", g: "123" });
  });

  it("the query template function asks the group querier at the evaluation time", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    h.deps.q.set("up", [series({ job: "a" }, 42)]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", annotations: { v: '{{ query "up" | first | value }}' } }));
    await r.exec(T0, never);
    expect([...r.alerts.values()][0].annotations.v).toBe("42");
    expect(h.deps.q.calls).toEqual([
      { expr: "x", time: T0 },
      { expr: "up", time: T0 },
    ]);
  });
});

describe("notifications", () => {
  it("re-sends firing alerts after resendDelay, endsAt = now + 4 x max(interval, resendDelay)", async () => {
    const h = harness({ resendDelay: 3 * MIN });
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    const clock = h.deps.clock;
    let out = await r.exec(T0, never);
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0].endsAt.getTime()).toBe(clock.now() + 12 * MIN);
    clock.jump(MIN);
    out = await r.exec(T0 + MIN, never);
    expect(out.alerts).toHaveLength(0);
    clock.jump(2 * MIN + 1);
    out = await r.exec(T0 + 3 * MIN, never);
    expect(out.alerts).toHaveLength(1);
  });

  it("maxResolveDuration caps endsAt; resend every evaluation with resendDelay 0", async () => {
    const h = harness({ maxResolveDuration: 90_000 });
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    const out1 = await r.exec(T0, never);
    expect(out1.alerts[0].endsAt.getTime()).toBe(h.deps.clock.now() + 90_000);
    h.deps.clock.jump(1);
    const out2 = await r.exec(T0 + MIN, never);
    expect(out2.alerts).toHaveLength(1);
  });

  it("pending alerts are never sent; generatorURL links the alert", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: MIN }));
    expect((await r.exec(T0, never)).alerts).toEqual([]);
    const out = await r.exec(T0 + MIN, never);
    const [a] = r.alerts.values();
    expect(out.alerts[0].generatorURL).toBe(`http://tsalert:8880/vmalert/alert?group_id=123&alert_id=${a.id}`);
  });

  it("a resolved alert is sent even within resendDelay", async () => {
    const h = harness({ resendDelay: 10 * MIN });
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    h.deps.clock.jump(MIN);
    const out = await r.exec(T0 + MIN, never);
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0].endsAt.getTime()).toBe(T0 + MIN);
  });
});

describe("ALERTS series", () => {
  it("writes ALERTS and ALERTS_FOR_STATE at ts in whole seconds, stale markers on transitions", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a", alertstate: "x" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: MIN }));
    const ts = T0 + 1500;
    let out = await r.exec(ts, never);
    expect(
      out.series.map((s) => [nameOf(s), labelMap(s).alertstate, s.samples[0].value, s.samples[0].timestamp]),
    ).toEqual([
      ["ALERTS", "pending", 1, T0 + 1000],
      ["ALERTS_FOR_STATE", "x", Math.floor(ts / 1000), T0 + 1000],
    ]);
    const names = out.series[0].labels.map((l) => l.name);
    expect(names).toEqual([...names].sort());
    out = await r.exec(ts + MIN, never);
    const stale = out.series.filter((s) => s.samples[0].stale);
    expect(stale.map((s) => [nameOf(s), labelMap(s).alertstate])).toEqual([["ALERTS", "pending"]]);
    expect(out.series.filter((s) => !s.samples[0].stale).map((s) => labelMap(s).alertstate)).toEqual(["firing", "x"]);
    h.deps.q.set("x", []);
    out = await r.exec(ts + 2 * MIN, never);
    expect(out.series.map((s) => [nameOf(s), labelMap(s).alertstate, s.samples[0].stale])).toEqual([
      ["ALERTS", "firing", true],
      ["ALERTS_FOR_STATE", "x", true],
    ]);
  });

  it("a deleted pending alert gets stale ALERTS{pending} and ALERTS_FOR_STATE", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: 5 * MIN }));
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    const out = await r.exec(T0 + MIN, never);
    expect(out.series.map((s) => [nameOf(s), labelMap(s).alertstate, s.samples[0].stale])).toEqual([
      ["ALERTS", "pending", true],
      ["ALERTS_FOR_STATE", undefined, true],
    ]);
  });
});

describe("-rule.maxActiveAlerts", () => {
  it("refuses new alerts beyond the global cap, keeping the previous state", async () => {
    const h = harness({ maxActiveAlerts: 3 });
    h.deps.q.set("a", [series({ i: "1" }), series({ i: "2" })]);
    h.deps.q.set("b", [series({ i: "1" })]);
    const ra = alerting(h, alertRule({ alert: "A", expr: "a" }));
    const rb = alerting(h, alertRule({ alert: "B", expr: "b" }));
    await ra.exec(T0, never);
    await rb.exec(T0, never);
    expect(h.budget.active).toBe(3);
    h.deps.q.set("b", [series({ i: "1" }), series({ i: "2" })]);
    const out = await rb.exec(T0 + MIN, never);
    expect(out.alerts).toEqual([]);
    expect(rb.alerts.size).toBe(1);
    expect(rb.api(false).lastError).toMatch(/maxActiveAlerts=3/);
    expect(h.budget.active).toBe(3);
    // rule A shrinking frees room for B
    h.deps.q.set("a", [series({ i: "1" })]);
    await ra.exec(T0 + MIN, never);
    await rb.exec(T0 + 2 * MIN, never);
    expect(rb.alerts.size).toBe(2);
    expect(rb.api(false).health).toBe("ok");
    expect(h.budget.active).toBe(3);
  });
});

describe("-rule.maxActiveAlerts storm", () => {
  it("refuses a storm before rendering any template", async () => {
    const h = harness({ maxActiveAlerts: 3 });
    let renders = 0;
    h.deps.compileTemplate = () => ({
      render: async () => {
        renders++;
        return "x";
      },
    });
    h.deps.q.set(
      "storm",
      Array.from({ length: 1000 }, (_, i) => series({ i: String(i) })),
    );
    const r = alerting(h, alertRule({ alert: "S", expr: "storm", annotations: { s: "{{ $value }}" } }));
    const out = await r.exec(T0, never);
    expect(out).toEqual({ series: [], alerts: [] });
    expect(renders).toBe(0);
    expect(r.alerts.size).toBe(0);
    expect(r.api(false).lastError).toBe(
      "exec exceeded -rule.maxActiveAlerts=3: the rule would hold 1000 active alerts while other rules hold 0",
    );
  });
});

describe("restore", () => {
  it("remote restore, as the group runs it: the first evaluation restores its new alerts before it returns", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" }), series({ job: "b" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: 10 * MIN }));
    const labelsA = { alertgroup: "grp", alertname: "A", job: "a" };
    const labelsB = { alertgroup: "grp", alertname: "B", job: "b" };
    const calls: RestoreQuery[] = [];
    const restorer: AlertRestorer = {
      async restore(q) {
        calls.push(q);
        return [
          { labels: { __name__: "ALERTS_FOR_STATE", ...labelsA }, activeAt: T0 - 12 * MIN },
          { labels: labelsB, activeAt: T0 - 3 * MIN },
          { labels: { ...labelsA, job: "b" }, activeAt: T0 - 4 * MIN },
        ];
      },
    };
    const out = await r.exec(T0, never, restorer);
    expect(out.restored).toBe(true);
    expect(calls).toEqual([expect.objectContaining({ groupName: "grp", alertName: "A", time: T0 - 1000 })]);
    const a = r.findAlert(alertID(labelsA));
    expect(a).toMatchObject({ state: "firing", activeAt: T0 - 12 * MIN, start: T0 - 2 * MIN, restored: true });
    const b = r.findAlert(alertID({ ...labelsA, job: "b" }));
    expect(b).toMatchObject({ state: "pending", activeAt: T0 - 4 * MIN, restored: true });
    // Written and sent with the restored state: A fires (a stale pending marker ends its ALERTS{pending}).
    const alerts = out.series.filter((s) => nameOf(s) === "ALERTS").map(labelMap);
    expect(alerts).toContainEqual(expect.objectContaining({ job: "a", alertstate: "firing" }));
    expect(out.alerts.map((x) => x.labels.job)).toEqual(["a"]);
    expect(out.alerts[0].startsAt.getTime()).toBe(T0 - 2 * MIN);
    await r.exec(T0 + 6 * MIN, never);
    expect(b?.state).toBe("firing");
  });

  it("remote restore waits for an evaluation whose query succeeds", async () => {
    const h = harness();
    h.deps.q.set("x", new Error("datasource down"));
    const r = alerting(h, alertRule({ alert: "A", expr: "x", for: 10 * MIN }));
    let asked = 0;
    const restorer: AlertRestorer = {
      async restore() {
        asked++;
        return [{ labels: { alertgroup: "grp", alertname: "A", job: "a" }, activeAt: T0 - 12 * MIN }];
      },
    };
    expect((await r.exec(T0, never, restorer)).restored).toBeUndefined();
    expect(asked).toBe(0);
    h.deps.q.set("x", [series({ job: "a" })]);
    expect((await r.exec(T0 + MIN, never, restorer)).restored).toBe(true);
    expect(asked).toBe(1);
    expect([...r.alerts.values()][0]).toMatchObject({ state: "firing", restored: true });
  });

  it("state snapshot round trip keeps resolved-but-unsent and keep_firing_for state", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" }), series({ job: "b" })]);
    const cfg = alertRule({ alert: "A", expr: "x", keepFiringFor: 5 * MIN });
    const r = alerting(h, cfg);
    await r.exec(T0, never);
    h.deps.q.set("x", []);
    await r.exec(T0 + MIN, never);
    const snap = r.snapshot();
    expect(snap.map((s) => s.keepFiringSince)).toEqual([T0 + MIN, T0 + MIN]);
    const h2 = harness();
    const r2 = alerting(h2, cfg);
    r2.loadSnapshot(snap);
    expect(h2.budget.active).toBe(2);
    expect([...r2.alerts.values()].map((a) => a.state)).toEqual(["firing", "firing"]);
    h2.deps.q.set("x", []);
    await r2.exec(T0 + 6 * MIN, never);
    expect([...r2.alerts.values()].map((a) => a.state)).toEqual(["inactive", "inactive"]);
  });
});
