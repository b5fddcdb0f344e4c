// One iteration of a group's rules by its plan from the dependency graph (README "The rule dependency
// graph"): rules without a path between them run concurrently within the slots; a rule starts once the
// rules it reads have run and their output is flushed; a rule whose output an earlier rule reads pushes
// only after that rule ran. Output nobody in the group reads is only pushed: the iteration's closing
// flush writes it.
import type { GroupPlan } from "../graph/types.js";
import type { TimeSeries } from "../remotewrite/types.js";
import type { ExecOutcome, Rule } from "./rule.js";
import type { Slots } from "./slots.js";

export interface PlanRun {
  rules: readonly Rule[];
  plan: GroupPlan;
  signal: AbortSignal;
  /** The group's slots, and the process-wide ones when capped. */
  slots: readonly Slots[];
  /** Evaluates one rule; never rejects (errors become an empty outcome). */
  exec(rule: Rule): Promise<ExecOutcome>;
  /** Alerts to send and other per-outcome work, right after the evaluation. */
  onOutcome(rule: Rule, outcome: ExecOutcome): void;
  /** Hands series to remote write (undefined: no remote write). */
  push?(series: TimeSeries[]): void;
  /** Confirms everything pushed so far (bounded by the caller). */
  flush(): Promise<void>;
}

function noop(): void {}

/** Runs every rule once; resolves when all have finished. Returns whether anything was pushed. */
export async function runPlan(run: PlanRun): Promise<boolean> {
  const { rules, plan, signal } = run;
  const n = rules.length;
  // ran[i] resolves once rule i has run, with whether it pushed anything.
  const ran: Promise<boolean>[] = new Array(n);
  const flushed: Promise<void>[] = new Array(n);
  let pushed = false;
  // A flush covers what was pushed before it starts: a producer finishing while one is on the wire
  // queues (at most) one more, which every producer finishing meanwhile shares.
  let queued: Promise<void> | null = null;
  let last: Promise<void> = Promise.resolve();
  const flushAfterPush = (): Promise<void> => {
    if (queued) return queued;
    const p = last.then(() => {
      queued = null;
      return run.flush();
    });
    queued = p;
    last = p;
    return p;
  };
  const evaluate = async (i: number): Promise<boolean> => {
    const after = plan.startAfter[i];
    if (after.length > 0) await Promise.all(after.map((j) => flushed[j]));
    if (signal.aborted) return false;
    for (const s of run.slots) await s.acquire();
    let outcome: ExecOutcome;
    try {
      outcome = await run.exec(rules[i]);
    } finally {
      for (const s of run.slots) s.release();
    }
    run.onOutcome(rules[i], outcome);
    if (outcome.series.length === 0 || !run.push) return false;
    // Earlier rules that read this rule's output see the previous iteration's, as in file order.
    const readers = plan.pushAfter[i];
    if (readers.length > 0) await Promise.all(readers.map((j) => ran[j]));
    run.push(outcome.series);
    pushed = true;
    return true;
  };
  for (let i = 0; i < n; i++) {
    ran[i] = evaluate(i);
    flushed[i] = plan.flushAfter[i]
      ? ran[i].then((wrote) => (wrote ? flushAfterPush() : undefined))
      : ran[i].then(noop);
  }
  await Promise.all(flushed);
  return pushed;
}
