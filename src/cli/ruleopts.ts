// The loader options the rule-related flags stand for.
import type { DatasourceType, LoadOptions } from "../config/types.js";
import { TsalertError } from "../errors.js";
import type { FlagSet } from "./flagset.js";
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
    defaultLimit: flags.int("rule.resultsLimit"),
    clusterMode: flags.bool("clusterMode"),
  };
}

/** Checks of flag values the table's types cannot express. */
export function checkFlagValues(flags: FlagSet): void {
  for (const label of flags.list("external.label")) {
    if (!label.includes("=")) {
      throw new TsalertError("TSA_FLAG", `invalid value "${label}" for flag -external.label: want name=value`);
    }
  }
  loadOptionsFromFlags(flags);
}
