// Runs single rules without a scheduler: the inputs a group would hand its rules, over the fakes.
import type { RuleConfig } from "../../src/config/types.js";
import { AlertingRule } from "../../src/rule/alerting.js";
import { RecordingRule } from "../../src/rule/recording.js";
import type { AlertBudget, RuleGroup, RuleInputs } from "../../src/rule/rule.js";
import type { EngineSettings } from "../../src/rule/types.js";
import { makeDeps, type TestDeps } from "./fakes.js";

export interface Harness {
  deps: TestDeps;
  inputs: RuleInputs;
  budget: AlertBudget;
}

export function harness(
  over: Partial<EngineSettings> = {},
  g: Partial<Pick<RuleGroup, "interval" | "limit" | "name">> = {},
): Harness {
  const deps = makeDeps(over);
  const budget: AlertBudget = { max: deps.settings.maxActiveAlerts, active: 0 };
  const interval = g.interval ?? 60_000;
  const inputs: RuleInputs = {
    group: {
      id: "123",
      name: g.name ?? "grp",
      file: "test.rules",
      shownFile: "test.rules",
      type: "prometheus",
      interval,
      limit: g.limit ?? 0,
      querySettings: { type: "prometheus", evaluationInterval: interval, params: {}, headers: [] },
    },
    querier: deps.q,
    clock: deps.clock,
    logger: deps.logger,
    settings: deps.settings,
    writes: true,
    budget,
    queryTime: (ts) => ts,
  };
  return { deps, inputs, budget };
}

/** An alerting rule; its templates compile with `h.deps.compileTemplate` as it is when the rule is made. */
export function alerting(h: Harness, cfg: RuleConfig, labels = cfg.labels): AlertingRule {
  return new AlertingRule(cfg, labels, h.inputs, { compile: h.deps.compileTemplate });
}

export function recording(h: Harness, cfg: RuleConfig, labels = cfg.labels): RecordingRule {
  return new RecordingRule(cfg, labels, h.inputs);
}

export const never = new AbortController().signal;
