// The template seam: rules compile annotation/label texts once and render them per alert.
import type { Metric } from "../datasource/types.js";

/** Data a rule template sees as `$labels`, `$value`, ... and `.Labels`, `.Value`, ... */
export interface AlertTemplateData {
  labels: Record<string, string>;
  value: number;
  expr: string;
  type?: string;
  /** Group interval, ms (`$interval`, a Go duration). */
  interval?: number;
  alertID?: string;
  groupID?: string;
  activeAt?: Date;
  /** ms (`$for`, a Go duration). */
  for?: number;
  isPartial?: boolean;
  externalLabels: Record<string, string>;
  /** The raw -external.url flag value (empty when unset), as vmalert. */
  externalURL: string;
}

export interface RenderContext {
  /** Instant query at the evaluation time with the rule's datasource settings (`query` function). */
  query?(expr: string): Promise<Metric[]>;
  /** The computed external URL (`externalURL`, `pathPrefix` functions). */
  externalURL: string;
  /** Shared by every text of one alert; without it a render has no time budget (createRenderBudget). */
  budget?: RenderBudget;
}

/**
 * What one alert's templates may still spend, labels and annotations together. The time is the time the
 * alert's rendering holds the event loop: from the start of its first text until `deadline`, less the
 * time spent waiting for `query` answers (the datasource timeout bounds those), which moves the deadline.
 */
export interface RenderBudget {
  /** The whole budget, ms (0 = no time budget). */
  readonly timeoutMs: number;
  /** performance.now() at which the time runs out; +Infinity without a time budget. */
  deadline: number;
  /** The setting the budget comes from, named in the error (e.g. "-rule.templateTimeout"). */
  readonly source: string;
  /** Distinct `query` expressions asked so far (made on the first query). */
  queries: Set<string> | undefined;
  /** Set once a text ran out of time: the alert's later texts fail without running. */
  exhausted: boolean;
}

export interface CompiledTemplate {
  render(data: AlertTemplateData, ctx: RenderContext): Promise<string>;
}

/** `define`d templates shared by every rule template (`-rule.templates`); build with loadTemplateFiles. */
export interface TemplateSet {
  /** Template names, for diagnostics. */
  readonly names: readonly string[];
}

/** Data of the `-external.alert.source` template (README "Templates", "Variables"). */
export interface AlertSourceData {
  labels: Record<string, string>;
  value: number;
  expr: string;
  type?: string;
  alertID?: string;
  groupID?: string;
  activeAt?: Date;
}
