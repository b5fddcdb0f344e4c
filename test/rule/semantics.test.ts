// -rule.semantics: the default follows newest vmalert; `prometheus` takes Prometheus' side of every
// difference in src/rule/semantics.ts (labels, evaluation time, timestamps, re-sends, recording).
import { describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/flagset.js";
import { datasourceOptions, engineSettings, groupDefaults } from "../../src/cli/options.js";
import { buildURL, planGroup } from "../../src/datasource/request.js";
import { Engine } from "../../src/rule/engine.js";
import { alertRule, group, labelMap, makeDeps, nameOf, recordRule, series } from "./fakes.js";
import { alerting, harness, never, recording } from "./harness.js";

const SEC = 1000;
const T0 = Date.UTC(2026, 7, 20, 8, 0, 0) + 123;
const PROM = { semantics: "prometheus" as const };

describe("labels", () => {
  // A rule over ALERTS: the series carries the alertname and a label the rule sets again.
  const seriesLabels = { __name__: "ALERTS", alertname: "Inner", alertstate: "firing", foo: "bar", job: "a" };
  const rule = alertRule({
    alert: "Outer",
    expr: "ALERTS",
    labels: { foo: "baz", severity: "page" },
    annotations: { text: "{{ $labels.alertname }}/{{ $labels.foo }}/{{ $labels.severity }}" },
  });

  it("vmalert keeps clashing series values as exported_ and shows rule labels in $labels", async () => {
    const h = harness();
    h.deps.q.set("ALERTS", [series(seriesLabels)]);
    const r = alerting(h, rule);
    await r.exec(T0, never);
    const [a] = r.alerts.values();
    expect(a.labels).toEqual({
      alertgroup: "grp",
      alertname: "Outer",
      alertstate: "firing",
      exported_alertname: "Inner",
      exported_foo: "bar",
      foo: "baz",
      job: "a",
      severity: "page",
    });
    expect(a.annotations.text).toBe("Inner/bar/page");
  });

  it("prometheus replaces them, adds no alertgroup, and $labels are the series' own", async () => {
    const h = harness(PROM);
    h.deps.q.set("ALERTS", [series(seriesLabels)]);
    const r = alerting(h, rule);
    await r.exec(T0, never);
    const [a] = r.alerts.values();
    expect(a.labels).toEqual({ alertname: "Outer", alertstate: "firing", foo: "baz", job: "a", severity: "page" });
    expect(a.annotations.text).toBe("Inner/bar/");
  });

  it("recording rules: exported_ under vmalert, a plain override under prometheus", async () => {
    for (const [over, want] of [
      [{}, { __name__: "r", exported_job: "a", job: "b" }],
      [PROM, { __name__: "r", job: "b" }],
    ] as const) {
      const h = harness(over);
      h.deps.q.set("x", [series({ __name__: "x", job: "a" }, 1, 0)]);
      const out = await recording(h, recordRule({ record: "r", expr: "x", labels: { job: "b" } })).exec(T0, never);
      expect(labelMap(out.series[0])).toEqual(want);
    }
  });
});

describe("template errors", () => {
  const rule = alertRule({ alert: "A", expr: "x", annotations: { v: '{{ query "nothing" | first | value }}' } });

  it("vmalert: the text says `error evaluating template` and the rule is unhealthy", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, rule);
    await r.exec(T0, never);
    expect([...r.alerts.values()][0].annotations.v).toMatch(/^error evaluating template: .*first\(\)/);
    expect(r.api(false).health).toBe("err");
  });

  it("prometheus: the text says `<error expanding template: ...>` and the rule stays healthy", async () => {
    const h = harness(PROM);
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, rule);
    await r.exec(T0, never);
    expect([...r.alerts.values()][0].annotations.v).toMatch(/^<error expanding template: .*first\(\).*>$/);
    expect(r.api(false)).toMatchObject({ health: "ok", lastError: "" });
  });
});

describe("timestamps", () => {
  it("vmalert writes ALERTS in whole seconds; prometheus at the evaluation time to the millisecond", async () => {
    for (const [over, at] of [
      [{}, T0 - 123],
      [PROM, T0],
    ] as const) {
      const h = harness(over);
      h.deps.q.set("x", [series({ job: "a" })]);
      const out = await alerting(h, alertRule({ alert: "A", expr: "x" })).exec(T0, never);
      const alerts = out.series.filter((s) => nameOf(s) === "ALERTS");
      expect(alerts[0].samples[0].timestamp).toBe(at);
    }
  });

  it("prometheus recording rules stamp samples with the query time, not the datasource's timestamp", async () => {
    const h = harness(PROM);
    // A datasource answering a millisecond query time may return a fractional timestamp (read as 0).
    h.deps.q.set("x", [series({ job: "a" }, 5, 0)]);
    const out = await recording(h, recordRule({ record: "r", expr: "x" })).exec(T0, never);
    expect(out.series[0].samples[0]).toMatchObject({ value: 5, timestamp: T0 });
  });

  it("prometheus sends the query time to the millisecond; vmalert in whole seconds", () => {
    const settings = { type: "prometheus" as const, evaluationInterval: 30 * SEC, params: {}, headers: [] };
    const at = Date.UTC(2026, 7, 20, 8, 0, 3, 179);
    const prom = buildURL(planGroup({ url: "http://vm:8428", millisecondTime: true }, settings), "up", at);
    const vm = buildURL(planGroup({ url: "http://vm:8428" }, settings), "up", at);
    expect(new URL(prom).searchParams.get("time")).toBe(((at as number) / 1000).toFixed(3));
    expect(new URL(vm).searchParams.get("time")).toBe("2026-08-20T08:00:03Z");
  });
});

describe("evaluation time", () => {
  // Group defaults as groupDefaults(flags) gives them: Prometheus semantics do not align unless asked.
  async function firstQuery(
    over: Parameters<typeof makeDeps>[0],
    cfg: Partial<Parameters<typeof group>[0]> = {},
    evalDelay = 0,
  ) {
    const deps = makeDeps(over);
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    const evalAlignment = over?.semantics !== "prometheus";
    const rules = [alertRule({ alert: "A", expr: "x" })];
    await e.start([group({ name: "g1", interval: 30 * SEC, rules, ...cfg }, { evalDelay, evalAlignment })]);
    await deps.clock.advance(30 * SEC);
    const [g] = e.groups();
    const scheduled = new Date(g.lastEvaluation).getTime();
    const activeAt = new Date(g.rules[0].alerts?.[0]?.activeAt ?? 0).getTime();
    await e.stop();
    return { query: deps.q.calls[0].time, scheduled, activeAt };
  }

  it("vmalert aligns the query time (and activeAt) to the interval", async () => {
    const t = await firstQuery({});
    expect(t.query % (30 * SEC)).toBe(0);
    expect(t.activeAt).toBe(t.query);
  });

  it("prometheus evaluates at the scheduled time, without alignment", async () => {
    const t = await firstQuery(PROM);
    expect(t.scheduled % (30 * SEC)).not.toBe(0);
    expect(t.query).toBe(t.scheduled);
    expect(t.activeAt).toBe(t.scheduled);
  });

  it("prometheus queries eval_delay (its query_offset) earlier; the alert state keeps the scheduled time", async () => {
    const t = await firstQuery(PROM, {}, 20 * SEC);
    expect(t.query).toBe(t.scheduled - 20 * SEC);
    expect(t.activeAt).toBe(t.scheduled);
    const g = await firstQuery(PROM, { evalDelay: 5 * SEC });
    expect(g.query).toBe(g.scheduled - 5 * SEC);
  });
});

describe("re-sends", () => {
  it("prometheus decides re-sends and endsAt by evaluation time: 1m resend delay, 30s interval = every 90s", async () => {
    const h = harness({ ...PROM, resendDelay: 60 * SEC }, { interval: 30 * SEC });
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    const sentAt: number[] = [];
    for (let i = 0; i <= 6; i++) {
      const ts = T0 + i * 30 * SEC;
      const out = await r.exec(ts, never);
      for (const a of out.alerts) {
        sentAt.push((ts - T0) / SEC);
        expect(a.endsAt.getTime()).toBe(ts + 4 * 60 * SEC);
      }
    }
    expect(sentAt).toEqual([0, 90, 180]);
  });

  it("vmalert decides by the wall clock at send time (here it does not move: one send)", async () => {
    const h = harness({ resendDelay: 60 * SEC }, { interval: 30 * SEC });
    h.deps.q.set("x", [series({ job: "a" })]);
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    let sends = 0;
    for (let i = 0; i <= 6; i++) sends += (await r.exec(T0 + i * 30 * SEC, never)).alerts.length;
    expect(sends).toBe(1);
  });

  it("prometheus: an alert that comes back while its resolved state is kept starts over and is sent at once", async () => {
    const h = harness({ ...PROM, resendDelay: 60 * SEC }, { interval: 30 * SEC });
    const r = alerting(h, alertRule({ alert: "A", expr: "x" }));
    h.deps.q.set("x", [series({ job: "a" })]);
    expect((await r.exec(T0, never)).alerts).toHaveLength(1);
    h.deps.q.set("x", []);
    const resolved = (await r.exec(T0 + 30 * SEC, never)).alerts;
    expect(resolved[0].endsAt.getTime()).toBe(T0 + 30 * SEC);
    h.deps.q.set("x", [series({ job: "a" })]);
    const back = (await r.exec(T0 + 60 * SEC, never)).alerts;
    expect(back).toHaveLength(1);
    expect(back[0].startsAt.getTime()).toBe(T0 + 60 * SEC);
    expect(back[0].endsAt.getTime()).toBe(T0 + 60 * SEC + 4 * 60 * SEC);
  });
});

describe("external labels", () => {
  const MIN = 60 * SEC;
  const EXT = { externalLabels: { cluster: "eu", team: "ops" } };
  const rule = alertRule({
    alert: "A",
    expr: "x",
    labels: { severity: "page" },
    annotations: { where: "{{ $externalLabels.cluster }}/{{ $labels.cluster }}" },
  });

  async function run(over: Parameters<typeof makeDeps>[0]) {
    const deps = makeDeps({ ...over, ...EXT });
    // The series has its own team: an external label never replaces a label the alert has.
    deps.q.set("x", [series({ job: "a", team: "db" })]);
    const e = new Engine(deps);
    await e.start([group({ name: "g1", interval: 30 * SEC, rules: [rule] })]);
    await deps.clock.advance(30 * SEC);
    await e.settleSends();
    const alert = e.groups()[0].rules[0].alerts?.[0];
    const sent = deps.am.alerts()[0];
    await e.stop();
    return { alert, sent };
  }

  it("vmalert adds them to the rule's labels: the API, ALERTS and notifications carry them", async () => {
    const { alert, sent } = await run({});
    expect(alert?.labels).toEqual({
      alertgroup: "g1",
      alertname: "A",
      cluster: "eu",
      exported_team: "db",
      job: "a",
      severity: "page",
      team: "ops",
    });
    expect(alert?.annotations.where).toBe("eu/eu");
    expect(sent.labels.cluster).toBe("eu");
  });

  it("prometheus keeps them out of the alert, templates read them, notifications get the absent ones", async () => {
    const { alert, sent } = await run(PROM);
    expect(alert?.labels).toEqual({ alertname: "A", job: "a", severity: "page", team: "db" });
    expect(alert?.annotations.where).toBe("eu/");
    expect(sent.labels).toEqual({ alertname: "A", cluster: "eu", job: "a", severity: "page", team: "db" });
  });

  it("prometheus restores from ALERTS_FOR_STATE series that remote write gave the external labels", async () => {
    const deps = makeDeps(
      { ...PROM, ...EXT },
      {
        restorer: {
          restore: async (q) => [
            { labels: { alertname: "A", cluster: "eu", job: "a", team: "db" }, activeAt: q.time - 10 * MIN },
          ],
        },
      },
    );
    deps.q.set("x", [series({ job: "a", team: "db" })]);
    const e = new Engine(deps);
    await e.start([group({ name: "g1", rules: [alertRule({ alert: "A", expr: "x", for: 5 * MIN })] })]);
    await deps.clock.advance(3 * MIN);
    const r = e.groups()[0].rules[0];
    expect(r.alerts?.[0].restored).toBe(true);
    expect(r.state).toBe("firing");
    await e.stop();
  });
});

describe("-rule.semantics flag", () => {
  const flagsOf = (argv: string[]) => parseFlags(argv, {}).flags;
  const base = ["-datasource.url=http://vm:8428"];

  it("defaults to vmalert: its eval delay, alertgroup label and whole-second query times", () => {
    const f = flagsOf(base);
    expect(engineSettings(f)).toMatchObject({ semantics: "vmalert", disableAlertgroupLabel: false });
    expect(groupDefaults(f)).toMatchObject({ evalDelay: 30_000, evalAlignment: true });
    expect(datasourceOptions(f).millisecondTime).toBe(false);
  });

  it("prometheus: eval delay 0 unless -rule.evalDelay is given, no alertgroup, millisecond query times", () => {
    const f = flagsOf([...base, "-rule.semantics=prometheus"]);
    expect(engineSettings(f)).toMatchObject({ semantics: "prometheus", disableAlertgroupLabel: true });
    expect(groupDefaults(f)).toMatchObject({ evalDelay: 0, evalAlignment: false });
    expect(datasourceOptions(f).millisecondTime).toBe(true);
    expect(groupDefaults(flagsOf([...base, "-rule.semantics=prometheus", "-rule.evalDelay=10s"])).evalDelay).toBe(
      10_000,
    );
  });

  it("rejects other values, naming the flag and the choices", () => {
    expect(() => engineSettings(flagsOf([...base, "-rule.semantics=thanos"]))).toThrow(
      /invalid value "thanos" for flag -rule.semantics: want vmalert or prometheus/,
    );
  });
});
