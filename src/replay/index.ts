export {
  type AlertDifference,
  diffHistories,
  type FiringHistory,
  firingHistory,
  formatDifferences,
} from "./compare.js";
export { parseRFC3339, type ReplayOptions, ReplayOptionsError, replayOptions } from "./options.js";
export { createProgress, type Progress } from "./progress.js";
export { type ReplayDeps, ReplayError, type ReplaySummary, replay, replayTimestamps } from "./replay.js";
