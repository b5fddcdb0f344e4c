import { describe, expect, it } from "vitest";
import type { GroupPlan } from "../../src/graph/types.js";
import { runPlan } from "../../src/rule/plan.js";
import type { ExecOutcome, Rule } from "../../src/rule/rule.js";
import { Slots } from "../../src/rule/slots.js";

/** A rule whose evaluation waits for `gate` (when given) and then yields one series. */
function rule(name: string, log: string[], gate?: Promise<void>): Rule {
  return {
    id: name,
    kind: "recording",
    name,
    async exec(): Promise<ExecOutcome> {
      log.push(`start ${name}`);
      if (gate) await gate;
      log.push(`end ${name}`);
      return { series: [{ labels: [{ name: "__name__", value: name }], samples: [] }] as never, alerts: [] };
    },
    adopt() {},
    api: () => ({}) as never,
    close() {},
  };
}

function plan(size: number, over: Partial<GroupPlan>): GroupPlan {
  return {
    startAfter: Array.from({ length: size }, () => []),
    pushAfter: Array.from({ length: size }, () => []),
    flushAfter: new Array<boolean>(size).fill(false),
    upstream: [],
    ...over,
  };
}

function gate(): { p: Promise<void>; open(): void } {
  let open!: () => void;
  const p = new Promise<void>((r) => {
    open = r;
  });
  return { p, open };
}

async function run(rules: Rule[], p: GroupPlan, log: string[], slots = 8): Promise<boolean> {
  return runPlan({
    rules,
    plan: p,
    signal: new AbortController().signal,
    slots: [new Slots(slots)],
    exec: (r) => r.exec(0, new AbortController().signal),
    onOutcome: () => {},
    push: (s) => log.push(`push ${(s[0] as { labels: { value: string }[] }).labels[0].value}`),
    flush: async () => {
      log.push("flush");
    },
  });
}

describe("runPlan", () => {
  it("a producer whose output an earlier rule reads pushes only after that rule ran", async () => {
    const log: string[] = [];
    const slow = gate();
    const rules = [rule("early", log, slow.p), rule("late", log)];
    const done = run(rules, plan(2, { pushAfter: [[], [0]] }), log);
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(["start early", "start late", "end late"]);
    slow.open();
    await done;
    expect(log).toEqual(["start early", "start late", "end late", "end early", "push early", "push late"]);
  });

  it("a reader starts after its producer pushed and flushed; independent rules run meanwhile", async () => {
    const log: string[] = [];
    const slow = gate();
    const rules = [rule("producer", log, slow.p), rule("free", log), rule("reader", log)];
    const done = run(rules, plan(3, { startAfter: [[], [], [0]], flushAfter: [true, false, false] }), log);
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(["start producer", "start free", "end free", "push free"]);
    slow.open();
    expect(await done).toBe(true);
    expect(log.slice(4)).toEqual([
      "end producer",
      "push producer",
      "flush",
      "start reader",
      "end reader",
      "push reader",
    ]);
  });

  it("never runs more rules at once than the slots allow", async () => {
    const log: string[] = [];
    let now = 0;
    let peak = 0;
    const rules = Array.from({ length: 10 }, (_, i) => {
      const r = rule(`r${i}`, log);
      const exec = r.exec.bind(r);
      r.exec = async (ts, s) => {
        peak = Math.max(peak, ++now);
        await new Promise((res) => setTimeout(res, 2));
        now--;
        return exec(ts, s);
      };
      return r;
    });
    await run(rules, plan(10, {}), log, 3);
    expect(peak).toBe(3);
  });
});
