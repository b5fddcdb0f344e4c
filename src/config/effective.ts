// The one place group defaults are computed: the loader hands the engine groups with every default applied
// (README "Flags the engine reads"), so the scheduler, the rules, the API and replay read one value each.
import type { EffectiveGroupConfig, GroupConfig, GroupDefaults } from "./types.js";

/** vmalert's flag defaults: -evaluationInterval=1m, -rule.evalDelay=30s, -rule.resultsLimit=0. */
export const DEFAULT_GROUP_DEFAULTS: GroupDefaults = { evaluationInterval: 60_000, evalDelay: 30_000, resultsLimit: 0 };

export function withGroupDefaults(cfg: GroupConfig, d: GroupDefaults): EffectiveGroupConfig {
  return {
    ...cfg,
    effective: {
      interval: cfg.interval !== undefined && cfg.interval > 0 ? cfg.interval : d.evaluationInterval,
      // Prometheus' query_offset stands in for eval_delay when that is not set.
      evalDelay: cfg.evalDelay ?? cfg.queryOffset ?? d.evalDelay,
      evalAlignment: cfg.evalAlignment ?? d.evalAlignment ?? true,
      concurrency: Math.max(1, cfg.concurrency || 1),
      limit: cfg.limit ?? d.resultsLimit,
    },
  };
}
