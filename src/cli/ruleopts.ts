// The loader options the rule-related flags stand for.
import type { ConfigProblem, DatasourceType, LoadOptions } from "../config/types.js";
import { errorMessage, TsalertError } from "../errors.js";
import { parseSemantics } from "../rule/semantics.js";
import { loadTemplateFiles, type TemplateSet } from "../template/index.js";
import type { FlagSet } from "./flagset.js";
import { clusterPeerLimits, groupDefaults, membershipFromFlags } from "./options.js";
import { buildValidators } from "./validators.js";

const RULE_TYPES = ["prometheus", "graphite", "vlogs"];

export function loadOptionsFromFlags(flags: FlagSet): LoadOptions {
  const type = flags.string("rule.defaultRuleType");
  if (!RULE_TYPES.includes(type)) {
    throw new TsalertError(
      "TSA_FLAG",
      `invalid value "${type}" for flag -rule.defaultRuleType: want prometheus, graphite or vlogs`,
    );
  }
  return {
    validators: buildValidators(),
    validateExpressions: flags.bool("rule.validateExpressions"),
    validateTemplates: flags.bool("rule.validateTemplates"),
    defaultRuleType: type as DatasourceType,
    groupDefaults: groupDefaults(flags),
    clusterMode: flags.bool("clusterMode"),
  };
}

/** Checks of flag values the table's types cannot express. */
export function checkFlagValues(flags: FlagSet): void {
  for (const name of ["external.label", "pushmetrics.extraLabel"]) {
    for (const label of flags.list(name)) {
      if (!label.includes("=")) {
        throw new TsalertError("TSA_FLAG", `invalid value "${label}" for flag -${name}: want name=value`);
      }
    }
  }
  loadOptionsFromFlags(flags);
  membershipFromFlags(flags);
  clusterPeerLimits(flags);
  parseSemantics(flags.string("rule.semantics"));
}

/** Loads -rule.templates; a problem (file "-rule.templates") when a file does not parse or run. */
export async function loadRuleTemplates(patterns: string[]): Promise<{ set?: TemplateSet; problem?: ConfigProblem }> {
  if (patterns.length === 0) return {};
  try {
    return { set: await loadTemplateFiles(patterns) };
  } catch (err) {
    const message = errorMessage(err);
    return { problem: { file: "-rule.templates", line: 0, col: 0, message, severity: "error" } };
  }
}
