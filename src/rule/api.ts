// The read-only view of the engine that the HTTP API and web UI serve: vmalert's JSON shapes (README
// "HTTP API, web UI and /metrics"). The rule engine produces these; src/http only reads them.
import type { ApiNotifierGroup } from "../notifier/types.js";

export type { ApiNotifierGroup, ApiNotifierTarget } from "../notifier/types.js";

export interface ApiStateEntry {
  /** Wall-clock start of the evaluation, RFC3339Nano. */
  time: string;
  /** Evaluation timestamp (query time), RFC3339Nano. */
  at: string;
  /** Nanoseconds. */
  duration: number;
  error: string | null;
  samples: number;
  series_fetched: number | null;
  curl: string;
  /** tsalert extension (optional): the rule's state after this evaluation (firing|pending|inactive for
   * alerting rules); the UI's state timeline uses it and falls back to error/samples without it. */
  state?: string;
}

export interface ApiAlert {
  state: "pending" | "firing" | "inactive";
  name: string;
  value: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  activeAt: string;
  id: string;
  rule_id: string;
  group_id: string;
  expression: string;
  source: string;
  restored: boolean;
  stabilizing: boolean;
}

/** tsalert extension: another rule in a "depends on" / "used by" list. */
export interface ApiRuleLink {
  group_id: string;
  rule_id: string;
  group: string;
  name: string;
  type: "alerting" | "recording";
}

export interface ApiRule {
  /** alerting: firing|pending|inactive; recording: "" (extended states computed by the API layer). */
  state: string;
  name: string;
  query: string;
  /** `for` in seconds. */
  duration: number;
  keep_firing_for: number;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  lastError: string;
  /** Seconds. */
  evaluationTime: number;
  lastEvaluation: string;
  alerts?: ApiAlert[];
  health: "ok" | "err";
  type: "alerting" | "recording";
  datasourceType: string;
  lastSamples: number;
  lastSeriesFetched?: number | null;
  id: string;
  group_id: string;
  group_name: string;
  file: string;
  debug: boolean;
  max_updates_entries: number;
  /** tsalert extension, only when not empty: the rules whose output this rule's query can read. */
  depends_on?: ApiRuleLink[];
  /** tsalert extension, only when not empty: the rules whose queries can read this rule's output. */
  used_by?: ApiRuleLink[];
  /** Only for the single-rule endpoint: newest first. */
  updates?: ApiStateEntry[];
}

export interface ApiGroup {
  name: string;
  rules: ApiRule[];
  /** Seconds. */
  interval: number;
  lastEvaluation: string;
  type: string;
  id: string;
  file: string;
  concurrency: number;
  params?: string[];
  headers?: string[];
  notifier_headers?: string[];
  labels?: Record<string, string>;
  eval_offset?: number;
  eval_delay?: number;
  /** tsalert extension: the cron schedule of a cron group. */
  cron?: string;
  /** tsalert extension with -cluster.membersCount > 1: the members that run the group. */
  owners?: number[];
}

/** One member as the merged view of a cluster saw it (README "Scaling out"). */
export interface ApiClusterMember {
  member: number;
  /** Redacted base URL of the member; "" for this one or without -cluster.memberURLTemplate. */
  url: string;
  /** self: the member answering; ok / unreachable: asked for this answer; unknown: not asked (no template). */
  state: "self" | "ok" | "unreachable" | "unknown";
  error?: string;
}

/** tsalert extension: the cluster behind a merged answer. */
export interface ApiClusterStatus {
  members_count: number;
  member_num: number;
  replication_factor: number;
  members: ApiClusterMember[];
  /** Groups of the rule files no member reported (all their owners unreachable). */
  missing_groups: { name: string; file: string; owners: number[] }[];
}

/** What src/http reads from the running engine. */
export interface EngineView {
  groups(): ApiGroup[];
  /** Full rule with `updates`, or undefined. */
  rule(groupID: string, ruleID: string): ApiRule | undefined;
  alert(groupID: string, alertID: string): ApiAlert | undefined;
  notifiers(): ApiNotifierGroup[];
  /** Last config reload error, shown in the UI; "" when the last reload succeeded. */
  lastReloadError(): string;
  /** With -cluster.membersCount > 1: which members the answer covers (API `data.cluster`, UI banner). */
  cluster?(): ApiClusterStatus | undefined;
}

/** What one request reads, so a view assembled per request (a cluster's merged view) fetches only that. */
export type ViewNeed =
  | { kind: "groups" }
  | { kind: "notifiers" }
  | { kind: "rule"; groupID: string; ruleID: string }
  | { kind: "alert"; groupID: string; alertID: string };

/** The view one request reads; `local`: this process only (`?local=1`, what cluster members ask each other). */
export type ViewProvider = (need: ViewNeed, local: boolean) => Promise<EngineView>;
