// The rule engine's public surface for the CLI and tests.

export { AlertingRule } from "./alerting.js";
export { type Clock, FakeClock, settle, sleep, systemClock } from "./clock.js";
export { Engine, type EngineOptions, type UpdateOptions } from "./engine.js";
export { float32String, goTruncate, rfc3339Nano } from "./format.js";
export { Group, groupConfigID } from "./group.js";
export { alertID, Fnv64, goDuration, groupID, ruleID } from "./ids.js";
export { outboundWriter } from "./outbound.js";
export { isStaleNaN, STALE_NAN } from "./series.js";
export type { CompileTemplate, EngineDeps, EngineSettings, GroupDeps } from "./types.js";
