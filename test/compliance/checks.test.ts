// The harness's API and ALERTS checks: a right answer passes, and each kind of wrong answer fails with
// the reason named (a check that cannot fail would measure nothing).
import { describe, expect, it } from "vitest";
import { allCases, type ComplianceCase, expandValues, RW_INTERVAL_MS } from "./cases.js";
import { canonicalQuery, checkAlerts, checkMetrics, checkRuleGroup } from "./checks.js";
import type { AlertSample, ApiAlert, ApiRuleGroup } from "./model.js";

const ZERO = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
const byName = (name: string) => allCases().find((c) => c.group === name) as ComplianceCase;
const zeroFor = byName("ZeroFor_SmallFor");
const orderCheck = byName("NewAlerts_OrderCheck");
const sec = (s: number) => ZERO + s * 1000;

/** What a compliant engine shows 3 minutes in: ZeroFor firing since 2m (+5s), SmallFor firing. */
function zeroForAlerts(): ApiAlert[] {
  return [
    {
      labels: { alertname: "ZeroFor_SmallFor_ZeroFor", foo: "bar", rulegroup: "ZeroFor_SmallFor" },
      annotations: {
        description: "This should immediately fire",
        template_test: "1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC",
        template_query_test: "Args are: foo bar 99. first_id:101,101:1,102:2,103:3,",
      },
      state: "firing",
      value: "15",
      activeAt: sec(125),
    },
    {
      labels: { alertname: "ZeroFor_SmallFor_SmallFor", ba_dum: "tss", rulegroup: "ZeroFor_SmallFor" },
      annotations: {
        description: "This should fire after an interval",
        template_test: "This Part IS TESTING the strings. ::1 127.0.0.1. 7815. replaced text. .",
      },
      state: "firing",
      value: "15",
      activeAt: sec(125),
    },
  ];
}

function zeroForGroup(now: number, alerts = zeroForAlerts()): ApiRuleGroup {
  return {
    name: "ZeroFor_SmallFor",
    interval: 30,
    lastEvaluation: now - 20_000,
    rules: zeroFor.rules.map((r) => ({
      state: "firing",
      name: r.alert,
      query: r.expr,
      duration: r.forMs / 1000,
      labels: r.labels,
      annotations: r.annotations,
      health: "ok",
      type: "alerting",
      lastError: "",
      lastEvaluation: now - 20_000,
      alerts: alerts.filter((a) => a.labels.alertname === r.alert),
    })),
  };
}

describe("cases", () => {
  it("expands the suite's value notation", () => {
    expect(expandValues(["1x1", "0x3", "5x3", "9", "8", "-2x2"])).toEqual([1, 1, 1, 1, 6, 11, 16, 9, 8, 6, 4]);
    expect(() => expandValues(["1y2"])).toThrow(/bad value notation/);
  });

  it("has the suite's four groups, input lengths and end times", () => {
    const cases = allCases();
    expect(cases.map((c) => c.group)).toEqual([
      "NewAlerts_OrderCheck",
      "PendingAndFiringAndResolved",
      "PendingAndResolved_AlwaysInactive",
      "ZeroFor_SmallFor",
    ]);
    expect(cases.map((c) => c.series[0].values.length)).toEqual([94, 150, 20, 107]);
    expect(cases.map((c) => c.testUntil / RW_INTERVAL_MS)).toEqual([94, 150, 60, 127]);
  });

  it("expects a first notification and a re-send per minute until the state changes", () => {
    const zf = zeroFor.expectedNotifications(ZERO).filter((n) => n.labels.alertname === "ZeroFor_SmallFor_ZeroFor");
    const firing = zf.filter((n) => !n.resolved);
    expect(firing.slice(0, 4).map((n) => (n.ts - ZERO) / 1000)).toEqual([120, 180, 240, 300]);
    expect(firing.slice(0, 4).map((n) => n.resend)).toEqual([false, true, true, true]);
    const resolved = zf.filter((n) => n.resolved && n.resolvedTime === sec(315));
    expect(resolved).toHaveLength(15);
    expect(resolved[0].tolerance).toBe(60_000);
  });
});

describe("canonical queries", () => {
  it("ignores matcher order and spacing, as a PromQL printer does", () => {
    expect(canonicalQuery('(up{b="1", a="2"} + ignoring(x) up) == 2')).toBe(
      canonicalQuery('(up{a="2",b="1"} + ignoring (x) up) == 2'),
    );
    expect(canonicalQuery('up{a="2"}')).not.toBe(canonicalQuery('up{a="3"}'));
  });
});

describe("alerts check", () => {
  const now = sec(180);

  it("passes the right alerts", () => {
    expect(checkAlerts(zeroFor, ZERO, now, zeroForAlerts())).toBeNull();
  });

  it("passes no alerts before the first one is due", () => {
    expect(checkAlerts(zeroFor, ZERO, sec(60), [])).toBeNull();
  });

  it("fails a missing alert", () => {
    expect(checkAlerts(zeroFor, ZERO, now, zeroForAlerts().slice(0, 1))).toMatch(/expected 2 alerts/);
  });

  it("fails a wrong state, value, annotation or label", () => {
    // The ZeroFor alert (for: 0) can only be firing at this time; SmallFor may still be pending.
    const wrong = (f: (a: ApiAlert) => void) => {
      const list = zeroForAlerts();
      f(list[0]);
      return checkAlerts(zeroFor, ZERO, now, list);
    };
    expect(wrong((a) => (a.state = "pending"))).toMatch(/alert differs/);
    expect(wrong((a) => (a.value = "16"))).toMatch(/alert differs/);
    expect(wrong((a) => (a.value = "fifteen"))).toMatch(/not a number/);
    expect(wrong((a) => (a.annotations.description = "x"))).toMatch(/alert differs/);
    expect(wrong((a) => (a.labels.exported_foo = "bar"))).toMatch(/alert differs/);
  });

  it("fails an activeAt before the sample or more than an interval (+2 round trips) after it", () => {
    const at = (t: number | null) => {
      const list = zeroForAlerts();
      list[0].activeAt = t;
      return checkAlerts(zeroFor, ZERO, now, list);
    };
    expect(at(sec(119))).toMatch(/activeAt of .*ZeroFor_SmallFor_ZeroFor/);
    expect(at(sec(161))).toMatch(/activeAt/);
    expect(at(sec(159))).toBeNull();
    expect(at(null)).toMatch(/no activeAt/);
  });

  it("fails the overridden labels newest vmalert keeps as exported_ (rule reading ALERTS)", () => {
    const t = sec(700);
    const alerts =
      orderCheck
        .alternatives(t - ZERO, ZERO)
        .at(-1)
        ?.map((s) => structuredClone(s.alert)) ?? [];
    expect(alerts).toHaveLength(3);
    expect(checkAlerts(orderCheck, ZERO, t, alerts)).toBeNull();
    const r2 = alerts.find((a) => a.labels.alertname === "NewAlerts_OrderCheck_Rule2") as ApiAlert;
    r2.labels.exported_alertname = "NewAlerts_OrderCheck_Rule1";
    r2.labels.exported_foo = "bar";
    expect(checkAlerts(orderCheck, ZERO, t, alerts)).toMatch(/exported_alertname/);
  });
});

describe("rules check", () => {
  const now = sec(180);

  it("passes the right group", () => {
    expect(checkRuleGroup(zeroFor, ZERO, now, zeroForGroup(now))).toBeNull();
  });

  it("does not judge before the second interval, then wants the group listed", () => {
    expect(checkRuleGroup(zeroFor, ZERO, sec(50), undefined)).toBeNull();
    expect(checkRuleGroup(zeroFor, ZERO, now, undefined)).toMatch(/not listed/);
  });

  it("fails a wrong rule field", () => {
    const wrong = (f: (g: ApiRuleGroup) => void) => {
      const g = zeroForGroup(now);
      f(g);
      return checkRuleGroup(zeroFor, ZERO, now, g);
    };
    expect(wrong((g) => (g.rules[0].health = "err"))).toMatch(/health differs/);
    expect(wrong((g) => (g.rules[0].lastError = "boom"))).toMatch(/differs/);
    expect(wrong((g) => (g.rules[1].duration = 30))).toMatch(/duration differs/);
    expect(wrong((g) => (g.rules[0].query = "up > 10"))).toMatch(/query differs/);
    expect(wrong((g) => (g.rules[0].state = "pending"))).toMatch(/state differs/);
    expect(wrong((g) => (g.interval = 60))).toMatch(/group interval/);
    expect(wrong((g) => (g.lastEvaluation = now - 60_000))).toMatch(/last evaluated/);
    expect(wrong((g) => (g.rules[0].lastEvaluation = now - 60_000))).toMatch(/last evaluated/);
    expect(wrong((g) => g.rules.pop())).toMatch(/1 rules, expected 2/);
    expect(wrong((g) => (g.rules[0].alerts[0].activeAt = sec(100)))).toMatch(/activeAt/);
  });
});

describe("ALERTS check", () => {
  const now = sec(180);
  const t = Math.floor(now / 1000);
  const right = (): AlertSample[] =>
    zeroForAlerts().map((a) => ({ labels: { ...a.labels, __name__: "ALERTS", alertstate: "firing" }, t, v: 1 }));

  it("passes the right series", () => {
    expect(checkMetrics(zeroFor, ZERO, now, right())).toBeNull();
  });

  it("fails a missing, extra, stale or wrong series", () => {
    expect(checkMetrics(zeroFor, ZERO, now, right().slice(1))).toMatch(/expected 2 series/);
    const extra = right();
    extra.push({ labels: { ...extra[0].labels, alertstate: "pending" }, t, v: 1 });
    expect(checkMetrics(zeroFor, ZERO, now, extra)).toMatch(/expected 2 series/);
    const late = right();
    late[0].t = t - 1;
    expect(checkMetrics(zeroFor, ZERO, now, late)).toMatch(/series differs/);
    const exported = right();
    exported[0].labels.exported_foo = "bar";
    expect(checkMetrics(zeroFor, ZERO, now, exported)).toMatch(/series differs/);
  });
});
