// What the loader hands to the rest of the engine. Durations are milliseconds.

export interface SourcePos {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

export type DatasourceType = "prometheus" | "graphite" | "vlogs";

export interface RuleConfig {
  /** Set for alerting rules. */
  alert?: string;
  /** Set for recording rules. */
  record?: string;
  expr: string;
  for: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  debug: boolean;
  updateEntriesLimit?: number;
  pos: SourcePos;
  /** Where the expr text starts in the file, for mapping parser errors. */
  exprPos?: SourcePos;
}

export interface GroupConfig {
  name: string;
  /** The path as matched by the -rule pattern (or URL). */
  file: string;
  /** Explicit interval; undefined means -evaluationInterval. */
  interval?: number;
  /** tsalert extension: cron schedule instead of interval. */
  cron?: string;
  evalOffset?: number;
  evalDelay?: number;
  evalAlignment?: boolean;
  /** Prometheus 3 `query_offset`. */
  queryOffset?: number;
  /** As written; undefined means -rule.resultsLimit. */
  limit?: number;
  /** As written; 0 (not set) means the engine's -rule.maxConcurrency. */
  concurrency: number;
  type: DatasourceType;
  labels: Record<string, string>;
  params: Record<string, string[]>;
  headers: string[];
  notifierHeaders: string[];
  debug: boolean;
  /** tsalert extension with -clusterMode: "accountID[:projectID]". */
  tenant?: string;
  rules: RuleConfig[];
  /** Stable hash of the parsed group, for change detection on reload. */
  checksum: string;
  pos: SourcePos;
}

/** The flags that give groups their defaults; durations in ms. */
export interface GroupDefaults {
  /** -evaluationInterval (1m): the interval of groups without one. */
  evaluationInterval: number;
  /** -rule.evalDelay (30s): the eval delay of groups without `eval_delay` or `query_offset`. */
  evalDelay: number;
  /** -rule.resultsLimit (0): the limit of groups without `limit`. */
  resultsLimit: number;
  /** `eval_alignment` of groups without one: true (vmalert), false with -rule.semantics=prometheus. */
  evalAlignment?: boolean;
}

/** How a group runs, every default applied (`withGroupDefaults`): the engine reads these, not the written fields. */
export interface EffectiveGroupSettings {
  /** ms: `interval`, else -evaluationInterval (a cron group's scheduler measures its own). */
  interval: number;
  /** ms: `eval_delay`, else `query_offset`, else -rule.evalDelay; not applied with eval_offset or cron. */
  evalDelay: number;
  /** `eval_alignment`, else true (false with -rule.semantics=prometheus). */
  evalAlignment: boolean;
  /** Rules evaluated at once, at least 1. */
  concurrency: number;
  /** Series or alerts one rule may produce: `limit`, else -rule.resultsLimit; 0 = none. */
  limit: number;
}

/** A group as the loader hands it to the engine. */
export interface EffectiveGroupConfig extends GroupConfig {
  effective: EffectiveGroupSettings;
}

export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: "error" | "warning";
  /** The lint check that reported it (`tsalert lint`), e.g. "rate-on-gauge"; unset for loader problems. */
  rule?: string;
}

/**
 * Hooks the expression parser and the template engine plug into. Each returns null when the text is
 * valid, else a message with a position relative to the text (1-based line/col) when known.
 */
export interface Validators {
  expr?(expr: string, type: DatasourceType): { message: string; line?: number; col?: number } | null;
  /** The language `expr` checks prometheus-type expressions in, for messages (default "MetricsQL"). */
  exprLanguage?: string;
  template?(text: string, where: "annotation" | "label"): { message: string; line?: number; col?: number } | null;
}

/** Options of loadRules; every field has the vmalert flag default. */
export interface LoadOptions {
  validators?: Validators;
  /** -rule.validateExpressions (true). */
  validateExpressions?: boolean;
  /** -rule.validateTemplates (true). */
  validateTemplates?: boolean;
  /** -rule.defaultRuleType ("prometheus"). */
  defaultRuleType?: DatasourceType;
  /** -evaluationInterval, -rule.evalDelay, -rule.resultsLimit (vmalert's defaults when unset). */
  groupDefaults?: GroupDefaults;
  /** -clusterMode (false): group `tenant` is only allowed with it. */
  clusterMode?: boolean;
  /** Environment for `%{NAME}` placeholders (process.env). */
  env?: NodeJS.ProcessEnv;
  /** Timeout of fetching an http(s) rule URL in ms (30000). */
  fetchTimeoutMs?: number;
}

export interface LoadResult {
  groups: EffectiveGroupConfig[];
  /**
   * Every file (or URL) the patterns matched, in load order, as shown: a URL without its credentials
   * (userinfo, credential-like query values), like GroupConfig.file and ConfigProblem.file.
   */
  files: string[];
  /** Where a shown URL was read from, for the few that differ (`tsalert lint` reads them again). */
  sources?: Map<string, string>;
  /** Errors and warnings of all files; the load failed when any has severity "error". */
  problems: ConfigProblem[];
}
