import { describe, expect, it } from "vitest";
import { RecordingNotifier, staticNotifierSet } from "../../src/notifier/fake.js";
import { sleep } from "../../src/rule/clock.js";
import { Engine } from "../../src/rule/engine.js";
import * as m from "../../src/rule/metrics.js";
import type { StateSnapshot } from "../../src/state/types.js";
import { alertRule, group, makeDeps, recordRule, series } from "./fakes.js";

const MIN = 60_000;

async function metricValue(
  metric: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> },
  labels: object,
) {
  const v = (await metric.get()).values.find((x) => JSON.stringify(x.labels) === JSON.stringify(labels));
  return v?.value ?? 0;
}

describe("group loop", () => {
  it("starts within one interval, then evaluates every interval at aligned timestamps", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([group({ name: "loop", rules: [alertRule({ alert: "A", expr: "x" })] })]);
    await deps.clock.advance(MIN);
    expect(deps.q.calls).toHaveLength(1);
    await deps.clock.advance(3 * MIN);
    expect(deps.q.calls).toHaveLength(4);
    const times = deps.q.calls.map((c) => c.time);
    for (const t of times) expect(t % MIN).toBe(0);
    expect(times[1] - times[0]).toBe(MIN);
    await e.stop();
  });

  it("a slow evaluation never overlaps: missed ticks are skipped and counted", async () => {
    const deps = makeDeps();
    let slow = true;
    deps.q.set("x", async (_expr, opts) => {
      if (slow) await sleep(deps.clock, 2.5 * MIN, opts.signal);
      return [];
    });
    const e = new Engine(deps, {});
    const g = group({ name: "slowgroup", file: "slow.rules", rules: [recordRule({ record: "r", expr: "x" })] });
    await e.start([g]);
    await deps.clock.advance(MIN); // first evaluation started, hangs 2.5 min
    expect(deps.q.calls).toHaveLength(1);
    slow = false;
    await deps.clock.advance(2.6 * MIN);
    expect(deps.q.calls.length).toBeGreaterThanOrEqual(2);
    expect(deps.q.calls[1].time - deps.q.calls[0].time).toBe(2 * MIN);
    expect(await metricValue(m.iterationMissed, { group: "slowgroup", file: "slow.rules" })).toBe(1);
    await e.stop();
  });

  it("a wall clock stepped back or forth neither stalls nor rushes the group; evaluation time follows it", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    const g = group({ name: "steps", file: "steps.rules", rules: [alertRule({ alert: "A", expr: "x" })] });
    await e.start([g]);
    await deps.clock.advance(MIN);
    expect(deps.q.calls).toHaveLength(1);
    const first = deps.q.calls[0].time;
    deps.clock.jump(-60 * MIN); // an hour back
    await deps.clock.advance(3 * MIN);
    expect(deps.q.calls).toHaveLength(4);
    const back = deps.q.calls.slice(1).map((c) => c.time);
    expect(back[0]).toBeLessThan(first);
    expect(back[1] - back[0]).toBe(MIN);
    expect(back[2] - back[1]).toBe(MIN);
    deps.clock.jump(120 * MIN); // two hours forward
    await deps.clock.advance(2 * MIN);
    expect(deps.q.calls).toHaveLength(6);
    const fwd = deps.q.calls.slice(4).map((c) => c.time);
    expect(fwd[0]).toBeGreaterThan(first + 60 * MIN);
    expect(fwd[1] - fwd[0]).toBe(MIN);
    expect(await metricValue(m.iterationReset, { group: "steps", file: "steps.rules" })).toBe(2);
    expect(await metricValue(m.iterationMissed, { group: "steps", file: "steps.rules" })).toBe(0);
    await e.stop();
  });

  it("a query timeout (the querier's, -datasource.queryTimeout) is an error of the rule; the group continues", async () => {
    const deps = makeDeps();
    const timeout = "query to http://ds/api/v1/query timed out after 5s (-datasource.queryTimeout)";
    deps.q.set("x", new Error(timeout));
    deps.q.set("y", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "t", rules: [alertRule({ alert: "A", expr: "x" }), recordRule({ record: "r", expr: "y" })] }),
    ]);
    await deps.clock.advance(2 * MIN);
    const [gr] = e.groups();
    expect(gr.rules[0].lastError).toBe(timeout);
    expect(gr.rules[0].health).toBe("err");
    expect(gr.rules[1].health).toBe("ok");
    expect(deps.q.calls.filter((c) => c.expr === "y").length).toBe(2);
    await e.stop();
  });

  it("concurrency runs rules in waves of N", async () => {
    const deps = makeDeps();
    let inflight = 0;
    let peak = 0;
    const slow = async () => {
      inflight++;
      peak = Math.max(peak, inflight);
      await sleep(deps.clock, 1000);
      inflight--;
      return [];
    };
    const rules = ["a", "b", "c", "d", "e"].map((x) => {
      deps.q.set(x, slow);
      return recordRule({ record: x, expr: x });
    });
    const e = new Engine(deps);
    await e.start([group({ name: "c", concurrency: 2, rules })]);
    await deps.clock.advance(MIN + 10_000);
    expect(deps.q.calls).toHaveLength(5);
    expect(peak).toBe(2);
    await e.stop();
  });

  it("a rule's results are pushed and flushed before a later rule that reads them queries", async () => {
    const deps = makeDeps();
    const log: string[] = [];
    deps.q.log = log;
    deps.w.log = log;
    deps.q.set("a", [series({ i: "1" })]);
    deps.q.set("ra", [series({ i: "1" })]);
    deps.q.set("c", []);
    const e = new Engine(deps);
    await e.start([
      group({
        name: "chain",
        rules: [
          recordRule({ record: "ra", expr: "a" }),
          recordRule({ record: "rb", expr: "ra" }),
          recordRule({ record: "rc", expr: "c" }),
        ],
      }),
    ]);
    await deps.clock.advance(MIN);
    expect(log).toEqual([
      "query a",
      "query c",
      "push ra",
      "flush start",
      "flush done",
      "query ra",
      "push rb",
      "flush start",
      "flush done",
    ]);
    await e.stop();
  });

  it("a slow notifier does not delay the next evaluation", async () => {
    const deps = makeDeps();
    let release!: () => void;
    const slowAM = new RecordingNotifier("http://slow/api/v2/alerts");
    slowAM.gate = new Promise<void>((r) => {
      release = r;
    });
    const fast = new RecordingNotifier();
    deps.notifiers = staticNotifierSet(slowAM, fast);
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "n", notifierHeaders: ["X-Team: ops"], rules: [alertRule({ alert: "A", expr: "x" })] }),
    ]);
    await deps.clock.advance(3 * MIN);
    expect(deps.q.calls).toHaveLength(3);
    expect(fast.sent).toHaveLength(3);
    expect(fast.sent[0].headers).toEqual({ "X-Team": "ops" });
    expect(slowAM.sent).toHaveLength(0);
    release();
    await e.settleSends();
    expect(slowAM.sent).toHaveLength(3);
    await e.stop();
  });

  it("the API shows group headers, notifier headers and credential-like params without their values", async () => {
    const deps = makeDeps();
    const e = new Engine(deps);
    await e.start([
      group({
        name: "h",
        headers: ["X-Scope-OrgID: grpHdrSecret1"],
        notifierHeaders: ["X-Team-Token: ntfHdrSecret2"],
        params: { nocache: ["1"], authToken: ["grpParamSecret3"] },
        rules: [alertRule({ alert: "A", expr: "x" })],
      }),
    ]);
    const g = e.groups()[0];
    expect(g.headers).toEqual(["X-Scope-OrgID: <secret>"]);
    expect(g.notifier_headers).toEqual(["X-Team-Token: <secret>"]);
    expect(g.params).toEqual(["authToken=secret", "nocache=1"]);
    await e.stop();
  });

  it("stop cancels an in-flight evaluation without recording an error", async () => {
    const deps = makeDeps();
    deps.q.set("x", async (_expr, opts) => {
      await sleep(deps.clock, 10 * MIN, opts.signal);
      return [];
    });
    const e = new Engine(deps);
    await e.start([group({ name: "s", rules: [alertRule({ alert: "A", expr: "x" })] })]);
    await deps.clock.advance(MIN);
    const before = await metricValue(m.executionErrors, {});
    const [gr] = e.groups();
    const group1 = e.group(gr.id);
    await e.stop();
    // No history entry, so no `updates` field at all (omitted when empty, as vmalert).
    expect(group1?.rules[0].api(true)).not.toHaveProperty("updates");
    expect(await metricValue(m.executionErrors, {})).toBe(before);
  });

  it("cron groups evaluate at fire times with ts = the fire time", async () => {
    const deps = makeDeps();
    deps.q.set("x", []);
    const e = new Engine(deps);
    const cfg = group({ name: "cron", cron: "*/5 * * * *", rules: [recordRule({ record: "r", expr: "x" })] });
    cfg.interval = undefined;
    await e.start([cfg]);
    await deps.clock.advance(11 * MIN);
    const times = deps.q.calls.map((c) => c.time);
    expect(times.length).toBe(2);
    for (const t of times) expect(new Date(t).getMinutes() % 5).toBe(0);
    expect(e.groups()[0].cron).toBe("*/5 * * * *");
    expect(e.groups()[0].interval).toBe(300);
    await e.stop();
  });
});

describe("engine", () => {
  it("hot reload keeps alert state of unchanged rules, drops removed ones, starts new groups", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" })]);
    deps.q.set("y", [series({ job: "b" })]);
    const e = new Engine(deps);
    const a = alertRule({ alert: "A", expr: "x", for: 2 * MIN });
    const b = alertRule({ alert: "B", expr: "y" });
    await e.start([group({ name: "g", rules: [a, b] })]);
    await deps.clock.advance(2 * MIN);
    const before = e.groups()[0];
    const ruleA = before.rules.find((r) => r.name === "A");
    expect(ruleA?.state).toBe("pending");
    const activeAt = ruleA?.alerts?.[0].activeAt;
    const a2 = { ...a, annotations: { summary: "changed" } };
    await e.update([
      group({ name: "g", rules: [a2] }),
      group({ name: "new", rules: [alertRule({ alert: "C", expr: "x" })] }),
    ]);
    const after = e.groups();
    expect(after.map((g) => g.name)).toEqual(["g", "new"]);
    expect(after[0].id).toBe(before.id);
    expect(after[0].rules.map((r) => r.name)).toEqual(["A"]);
    expect(after[0].rules[0].alerts?.[0].activeAt).toBe(activeAt);
    await deps.clock.advance(MIN);
    const r = e.groups()[0].rules[0];
    expect(r.state).toBe("firing");
    expect(r.alerts?.[0].annotations).toEqual({ summary: "changed" });
    await e.stop();
  });

  it("an unchanged checksum keeps the group running untouched", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    const cfg = group({ name: "g", rules: [alertRule({ alert: "A", expr: "x", for: 5 * MIN })] });
    await e.start([cfg]);
    await deps.clock.advance(MIN);
    const g1 = e.group(e.groups()[0].id);
    await e.update([{ ...cfg }]);
    expect(e.group(e.groups()[0].id)).toBe(g1);
    expect(e.groups()[0].rules[0].updates).toBeUndefined();
    expect(e.rule(e.groups()[0].id, e.groups()[0].rules[0].id)?.updates).toHaveLength(1);
    await e.stop();
  });

  it("changing the interval makes a new group (new ID, state lost)", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    const cfg = group({ name: "g", rules: [alertRule({ alert: "A", expr: "x", for: 5 * MIN })] });
    await e.start([cfg]);
    await deps.clock.advance(MIN);
    const id1 = e.groups()[0].id;
    await e.update([group({ name: "g", interval: 2 * MIN, rules: cfg.rules })]);
    expect(e.groups()[0].id).not.toBe(id1);
    expect(e.groups()[0].rules[0].alerts).toEqual([]);
    await e.stop();
  });

  it("state file: saved after iterations, restored before the first evaluation", async () => {
    let saved: StateSnapshot | null = null;
    let saves = 0;
    const stateFile = {
      load: async () => saved,
      save: async (s: StateSnapshot) => {
        saves++;
        saved = structuredClone(s);
      },
    };
    const deps = makeDeps({}, { stateFile });
    deps.q.set("x", [series({ job: "a" })]);
    const cfg = group({ name: "g", rules: [alertRule({ alert: "A", expr: "x", for: 3 * MIN })] });
    const e = new Engine(deps);
    await e.start([cfg]);
    await deps.clock.advance(2 * MIN);
    await e.flushState();
    expect(saves).toBeGreaterThanOrEqual(2);
    const snap = saved as StateSnapshot | null;
    const keys = Object.keys(snap?.rules ?? {});
    expect(keys).toHaveLength(1);
    const activeAt = snap?.rules[keys[0]][0].activeAt ?? 0;
    await e.stop();

    // restart 1 minute later: the alert keeps counting `for` from the original activeAt
    const deps2 = makeDeps({}, { stateFile });
    deps2.clock.jump(deps.clock.now() - deps2.clock.now() + MIN);
    deps2.q.set("x", [series({ job: "a" })]);
    const e2 = new Engine(deps2);
    await e2.start([cfg]);
    const alerts = e2.groups()[0].rules[0].alerts ?? [];
    expect(alerts).toHaveLength(1);
    expect(alerts[0].restored).toBe(true);
    expect(new Date(alerts[0].activeAt).getTime()).toBe(activeAt);
    await deps2.clock.advance(MIN);
    expect(e2.groups()[0].rules[0].state).toBe("firing");
    await e2.stop();
  });

  it("remote-read restore runs once after the first evaluation at process start", async () => {
    const queries: number[] = [];
    const ruleLabels: Record<string, string>[] = [];
    const deps = makeDeps(
      {},
      {
        restorer: {
          restore: async (q) => {
            queries.push(q.time);
            ruleLabels.push(q.ruleLabels);
            const labels = { alertgroup: "g", alertname: "A", job: "a", team: "db", owner: "a", half: "{{ open" };
            return [{ labels, activeAt: q.time - 10 * MIN }];
          },
        },
      },
    );
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    const labels = { team: "db", owner: "{{ $labels.job }}", half: "{{ open" };
    await e.start([group({ name: "g", rules: [alertRule({ alert: "A", expr: "x", for: 5 * MIN, labels })] })]);
    await deps.clock.advance(3 * MIN);
    expect(queries).toHaveLength(1);
    // A templated value cannot be matched before rendering; a text that is no template is a literal.
    expect(ruleLabels).toEqual([{ team: "db", half: "{{ open" }]);
    const r = e.groups()[0].rules[0];
    expect(r.state).toBe("firing");
    expect(r.alerts?.[0].restored).toBe(true);
    await e.settleSends();
    const sent = deps.am.alerts()[0];
    expect(sent.startsAt.getTime()).toBe(queries[0] - 10 * MIN + 5 * MIN);
    await e.stop();
  });

  it("view: alert lookup, rule updates newest first, groups sorted", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" }, 2.5)]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "z", rules: [alertRule({ alert: "A", expr: "x" })] }),
      group({ name: "b", rules: [recordRule({ record: "r", expr: "x" })] }),
    ]);
    await deps.clock.advance(2 * MIN);
    const groups = e.groups();
    expect(groups.map((g) => g.name)).toEqual(["b", "z"]);
    const z = groups[1];
    const alert = z.rules[0].alerts?.[0];
    expect(alert?.value).toBe("2.5");
    expect(e.alert(z.id, alert?.id ?? "")).toEqual(alert);
    const rule = e.rule(z.id, z.rules[0].id);
    expect(rule?.updates?.map((u) => u.at)).toEqual([...(rule?.updates?.map((u) => u.at) ?? [])].sort().reverse());
    expect(rule?.updates?.[0].state).toBe("firing");
    expect(e.notifiers()).toEqual([
      { kind: "static", targets: [{ address: "http://am:9093/api/v2/alerts", labels: {}, lastError: "" }] },
    ]);
    await e.stop();
  });
});

describe("notifier in-flight cap", () => {
  it("sends skipped because a notifier hangs are counted per target, in tsalert's and vmalert's counters", async () => {
    const deps = makeDeps({ maxInflightSends: 2 });
    const hung = new RecordingNotifier("http://hung:9093/api/v2/alerts");
    let release!: () => void;
    hung.gate = new Promise<void>((r) => {
      release = r;
    });
    deps.notifiers = staticNotifierSet(hung, deps.am);
    deps.q.set("x", [series({ job: "a" }), series({ job: "b" })]);
    const { registry } = await import("../../src/metrics.js");
    const value = async (name: string, addr: string) =>
      ((await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.addr === addr)?.value as number) ?? 0;
    const skippedBefore = await value("tsalert_alerts_send_skipped_total", hung.addr());
    const errorsBefore = await value("vmalert_alerts_send_errors_total", hung.addr());
    const e = new Engine(deps);
    await e.start([group({ name: "cap", interval: MIN, rules: [alertRule({ alert: "A", expr: "x" })] })]);
    await deps.clock.advance(5 * MIN);
    // 5 iterations with 2 firing alerts each: 2 sends hang, 3 are skipped.
    expect(await value("tsalert_alerts_send_skipped_total", hung.addr())).toBe(skippedBefore + 6);
    expect(await value("vmalert_alerts_send_errors_total", hung.addr())).toBe(errorsBefore + 6);
    expect(await value("tsalert_alerts_send_skipped_total", deps.am.addr())).toBe(0);
    expect(deps.am.sent).toHaveLength(5);
    release();
    await e.stop();
  });
});
