// Runs single rules without a scheduler: a GroupContext over fake deps.
import type { RuleConfig } from "../../src/config/types.js";
import { AlertingRule } from "../../src/rule/alerting.js";
import { RecordingRule } from "../../src/rule/recording.js";
import type { AlertBudget, GroupContext } from "../../src/rule/rule.js";
import type { EngineSettings } from "../../src/rule/types.js";
import { makeDeps, type TestDeps } from "./fakes.js";

export interface Harness {
  deps: TestDeps;
  ctx: GroupContext;
  budget: AlertBudget;
}

export function harness(
  over: Partial<EngineSettings> = {},
  g: Partial<Pick<GroupContext, "interval" | "limit" | "name">> = {},
): Harness {
  const deps = makeDeps(over);
  const budget: AlertBudget = { max: deps.settings.maxActiveAlerts, active: 0 };
  const ctx: GroupContext = {
    id: "123",
    name: g.name ?? "grp",
    file: "test.rules",
    shownFile: "test.rules",
    type: "prometheus",
    interval: g.interval ?? 60_000,
    limit: g.limit ?? 0,
    querier: deps.q,
    querySettings: { type: "prometheus", evaluationInterval: g.interval ?? 60_000, params: {}, headers: [] },
    deps,
    budget,
  };
  return { deps, ctx, budget };
}

export function alerting(h: Harness, cfg: RuleConfig, labels = cfg.labels): AlertingRule {
  return new AlertingRule(cfg, labels, h.ctx);
}

export function recording(h: Harness, cfg: RuleConfig, labels = cfg.labels): RecordingRule {
  return new RecordingRule(cfg, labels, h.ctx);
}

export const never = new AbortController().signal;
