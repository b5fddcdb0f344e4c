// An independent record of what a rule produced: polls the rule's last updates (/api/v1/rule keeps the
// newest -rule.updateEntriesLimit entries, 20 by default) often enough to see every evaluation once.
import type { ApiRule } from "../../../src/rule/api.js";
import type { Stack } from "./stack.js";

export interface Evaluation {
  /** Evaluation timestamp, ms (the timestamp of the samples it wrote, floored to the second). */
  at: number;
  samples: number;
  error: string | null;
}

export interface EvaluationLog {
  /** Evaluations seen so far, by timestamp. */
  evals: Map<number, Evaluation>;
  /** Set when two polls did not overlap: evaluations may have been missed. */
  gap?: string;
  /** Polls once more now. */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export async function watchEvaluations(
  stack: Stack,
  group: string,
  rule: string,
  everyMs = 2000,
): Promise<EvaluationLog> {
  const g = (await stack.groups()).find((x) => x.name === group);
  const r = g?.rules.find((x) => x.name === rule);
  if (!g || !r) throw new Error(`no rule ${group}/${rule}`);
  const path = `/api/v1/rule?group_id=${g.id}&rule_id=${r.id}`;
  const log: EvaluationLog = {
    evals: new Map(),
    async poll() {
      const updates = (await stack.tsalert.get<ApiRule>(path)).updates ?? [];
      if (updates.length === 0) return;
      const ats = updates.map((u) => Math.floor(Date.parse(u.at) / 1000) * 1000);
      const oldest = Math.min(...ats);
      const newestKnown = Math.max(0, ...log.evals.keys());
      if (log.evals.size > 0 && oldest > newestKnown + 1000 && !log.gap) {
        log.gap = `polls did not overlap: nothing seen between ${new Date(newestKnown).toISOString()} and ${new Date(oldest).toISOString()}`;
      }
      updates.forEach((u, i) => {
        const at = ats[i] as number;
        log.evals.set(at, { at, samples: u.samples, error: u.error });
      });
    },
    stop: async () => {
      clearInterval(timer);
      await pending;
    },
  };
  let pending: Promise<void> = log.poll();
  await pending;
  const timer = setInterval(() => {
    pending = pending.then(() => log.poll()).catch(() => {});
  }, everyMs);
  return log;
}
