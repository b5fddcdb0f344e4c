// The lint seam: checks read loaded rules (with their parsed expression and file positions) and return
// findings; the runner turns findings into ConfigProblem warnings and applies disable comments.
import type { EffectiveGroupConfig, RuleConfig, SourcePos } from "../config/types.js";
import type { Expr } from "../metricsql/index.js";

/** File positions of the parts of one rule, resolved from its YAML nodes. */
export interface RulePositions {
  /** The rule itself (its first key). */
  rule(): SourcePos;
  /** The value of a top-level key of the rule (`for`, `expr`, `record`), or the rule when absent. */
  key(name: string): SourcePos;
  /** The value of `labels.NAME` / `annotations.NAME`, or the map, or the rule. */
  entry(map: "labels" | "annotations", name: string): SourcePos;
  /** A character offset inside the expr text. */
  expr(offset: number): SourcePos;
  /** A character offset inside the text of `labels.NAME` / `annotations.NAME`. */
  entryText(map: "labels" | "annotations", name: string, offset: number): SourcePos;
}

export interface LintRule {
  group: EffectiveGroupConfig;
  rule: RuleConfig;
  /** The parsed expression; undefined for graphite/vlogs groups and expressions that do not parse. */
  ast?: Expr;
  at: RulePositions;
}

export interface Finding {
  rule: LintRule;
  at: SourcePos;
  message: string;
}

export interface LintContext {
  /** Every rule of every loaded file, in load order. */
  rules: readonly LintRule[];
  /** -evaluationInterval in ms: the interval of groups without their own. */
  defaultInterval: number;
}

export interface LintCheck {
  /** Stable id used in output and in `# tsalert-disable-next-line ID`. */
  id: string;
  /** One line for docs and `--help`. */
  summary: string;
  run(ctx: LintContext): Finding[];
}

/** Answers which metric names exist in a datasource (the `missing-metric` check). */
export interface MetricSource {
  /** Returns the subset of `names` that has series; throws when the datasource cannot be asked. */
  existing(names: readonly string[]): Promise<Set<string>>;
  /** Where it looks, for messages ("http://vm:8428, last 1d"). */
  readonly description: string;
}

export interface LintOptions {
  /** -evaluationInterval in ms (default 60000). */
  defaultInterval?: number;
  /** Check ids switched off for every rule (`--disable`). */
  disabled?: readonly string[];
  /** The checks to run (default: all of CHECKS); for tests and embedders. */
  checks?: readonly LintCheck[];
  /** When set, the `missing-metric` check runs against it. */
  metrics?: MetricSource;
}
