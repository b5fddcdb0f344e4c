// The rule dependency graph (README "The rule dependency graph"): which rule reads which rule's output,
// the order a group's rules keep when they run concurrently, and which groups wait for which.
import type { SourcePos } from "../config/types.js";

/** A rule by position: index of its group in the loaded groups, index of the rule in that group. */
export interface RuleRef {
  group: number;
  rule: number;
}

/** What the graph needs beyond the rule files (group defaults come with the groups); vmalert flag defaults. */
export interface GraphOptions {
  /** -external.label: labels every output carries (a matcher that contradicts one rules out an edge). */
  externalLabels?: Record<string, string>;
  /** -disableAlertgroupLabel: ALERTS series carry no `alertgroup`. */
  disableAlertgroupLabel?: boolean;
  /**
   * Matcher checks one group may spend on selectors without a metric name and on rules that read
   * everything (template `query` calls, graphite/vlogs expressions); above it the group runs its
   * rules in file order. Default MAX_GROUP_WORK.
   */
  maxGroupWork?: number;
}

/** How one group runs its rules. Indexes are rule indexes in the group. */
export interface GroupPlan {
  /** Rule i starts once these earlier rules have run and their output is flushed (i reads it). */
  startAfter: number[][];
  /** Rule i pushes its output only after these earlier rules have run (they read what i writes). */
  pushAfter: number[][];
  /** Rule i's output is read by a later rule of the group: flush it before that rule starts. */
  flushAfter: boolean[];
  /** Groups (indexes) whose iteration for the same evaluation time must have written before this one runs. */
  upstream: number[];
  /** Set when the group runs its rules one after another in file order, and why. */
  sequential?: string;
}

/** A cycle of rules, each reading the next one's output; the last reads the first's. */
export interface GraphCycle {
  rules: RuleRef[];
}

/** Why a dependency cannot be ordered: the reader sees its producer's output of an earlier iteration. */
export type UnorderedReason = "later-in-group" | "longer-interval" | "other-schedule" | "cycle";

export interface UnorderedEdge {
  reader: RuleRef;
  producer: RuleRef;
  reason: UnorderedReason;
}

export interface RuleGraph {
  plans: GroupPlan[];
  /** For every rule, the rules whose output it can read (any group, any order), in load order. */
  dependsOn: RuleRef[][][];
  /** For every rule, the rules that can read its output. */
  usedBy: RuleRef[][][];
  cycles: GraphCycle[];
  /** Dependencies the engine cannot order (lint reports them). */
  unordered: UnorderedEdge[];
  /** Dependencies between groups the engine orders: [producer group, reader group]. */
  groupEdges: Array<[number, number]>;
}

/** Where a rule is, for messages. */
export interface RuleWhere {
  pos: SourcePos;
  name: string;
  group: string;
}
