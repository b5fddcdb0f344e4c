// The read-only view of the engine that the HTTP API and web UI serve: vmalert's JSON shapes (README
// "HTTP API, web UI and /metrics"). The rule engine produces these; src/http only reads them.

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
}

export interface ApiNotifierTarget {
  address: string;
  labels: Record<string, string>;
  lastError: string;
}

export interface ApiNotifierGroup {
  kind: "static" | "consulSD" | "DNSSD" | "blackhole";
  targets: ApiNotifierTarget[];
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
}
