export { type CronSchedule, cronInterval, parseCron } from "./cron.js";
export { parseRuleDuration } from "./duration.js";
export { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "./effective.js";
export { substituteEnv } from "./envsubst.js";
export { loadRules, parseRuleText } from "./load.js";
export { formatProblem, hasErrors } from "./problems.js";
export { MAX_RULE_FILE_BYTES } from "./read.js";
export { schemaUrl } from "./schema.js";
export type * from "./types.js";
