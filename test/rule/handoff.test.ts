// Groups that move between cluster members on a reload (Engine.update options): a group moved here
// restores its alerts before its first notification; a group moved away finishes its iteration, flushes
// its writes and sends nothing for its alerts.
import { describe, expect, it } from "vitest";
import type { RestoreQuery } from "../../src/remoteread/types.js";
import { sleep } from "../../src/rule/clock.js";
import { Engine } from "../../src/rule/engine.js";
import { alertRule, group, makeDeps, nameOf, series } from "./fakes.js";

const MIN = 60_000;
const FOR = 3 * MIN;

function restorerFor(activeAt: number) {
  const calls: RestoreQuery[] = [];
  return {
    calls,
    restorer: {
      async restore(q: RestoreQuery) {
        calls.push(q);
        return [{ labels: { alertgroup: q.groupName, alertname: q.alertName, job: "a" }, activeAt }];
      },
    },
  };
}

describe("groups moved here by a reload", () => {
  const moved = group({ name: "moved", rules: [alertRule({ alert: "M", expr: "x", for: FOR })] });

  it("restore their alerts in the first evaluation, so a firing alert is sent firing with its original start", async () => {
    const deps = makeDeps();
    const firstActive = deps.clock.now() - 10 * MIN;
    const r = restorerFor(firstActive);
    deps.restorer = r.restorer;
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([]);
    await e.update([moved], { restore: (cfg) => cfg.name === "moved" });
    await deps.clock.advance(MIN);
    await e.settleSends();
    expect(r.calls.map((c) => c.alertName)).toEqual(["M"]);
    const sent = deps.am.alerts();
    expect(sent.length).toBeGreaterThan(0);
    // The very first notification already carries the original start (activeAt + for), never a pending restart.
    expect(sent[0]?.startsAt.getTime()).toBe(firstActive + FOR);
    expect(e.groups()[0]?.rules[0]?.alerts?.[0]).toMatchObject({ state: "firing", restored: true });
    await e.stop();
  });

  it("other new groups start without restore, as vmalert starts them", async () => {
    const deps = makeDeps();
    const r = restorerFor(deps.clock.now() - 10 * MIN);
    deps.restorer = r.restorer;
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([]);
    await e.update([moved]);
    await deps.clock.advance(MIN);
    await e.settleSends();
    expect(r.calls).toEqual([]);
    expect(deps.am.alerts()).toEqual([]);
    expect(e.groups()[0]?.rules[0]?.alerts?.[0]?.state).toBe("pending");
    await e.stop();
  });
});

describe("groups moved away by a reload", () => {
  async function firingThenMoved(handOff: boolean) {
    const deps = makeDeps();
    deps.w.log = [];
    let slow = false;
    deps.q.set("x", async (_expr, opts) => {
      if (slow) await sleep(deps.clock, 20_000, opts.signal);
      return [series({ job: "a" })];
    });
    const g = group({ name: "leaving", interval: MIN, rules: [alertRule({ alert: "L", expr: "x" })] });
    const e = new Engine(deps);
    await e.start([g]);
    await deps.clock.advance(2 * MIN);
    await e.settleSends();
    const sentBefore = deps.am.alerts().length;
    expect(sentBefore).toBeGreaterThan(0);
    // The next evaluation hangs in its query when the group moves away.
    slow = true;
    await deps.clock.advance(MIN);
    const pushedBefore = deps.w.series.length;
    const update = e.update([], { handOff: () => handOff, handOffGraceMs: 30_000 });
    await deps.clock.advance(30_000);
    await update;
    await e.settleSends();
    return { deps, sentBefore, pushedBefore, e };
  }

  it("finish the iteration in flight, flush its writes and send no resolved alert", async () => {
    const { deps, sentBefore, pushedBefore, e } = await firingThenMoved(true);
    const afterUpdate = deps.w.log?.slice(deps.w.log.lastIndexOf("flush start")) ?? [];
    expect(afterUpdate).toEqual(["flush start", "flush done"]);
    expect(deps.w.series.slice(pushedBefore).map(nameOf)).toContain("ALERTS");
    // Nothing is resolved: the alerts sent after the move (the finished iteration's re-send) are still firing.
    for (const a of deps.am.alerts().slice(sentBefore)) expect(a.endsAt.getTime()).toBeGreaterThan(deps.clock.now());
    await e.stop();
  });

  it("a group removed from the rule files is cancelled instead (vmalert's reload)", async () => {
    const { deps, pushedBefore, e } = await firingThenMoved(false);
    expect(deps.w.series.length).toBe(pushedBefore);
    await e.stop();
  });
});
