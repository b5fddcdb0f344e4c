// Where newest vmalert and Prometheus evaluate rules differently, and which side tsalert takes:
// `-rule.semantics=vmalert` (default: drop-in for vmalert) or `prometheus` (for users coming from
// Prometheus). This table is the one owner of those choices; README "vmalert vs Prometheus semantics"
// lists the same rows.
import { TsalertError } from "../errors.js";

export type RuleSemantics = "vmalert" | "prometheus";

export const RULE_SEMANTICS: readonly RuleSemantics[] = ["vmalert", "prometheus"];

export interface SemanticsPolicy {
  /**
   * A rule label whose value differs from the series' value: vmalert keeps the series' value as
   * `exported_<name>` (alerting and recording rules, `alertname` included); Prometheus replaces it.
   */
  exportedLabels: boolean;
  /** `$labels` in annotations: vmalert adds the rule's labels the series lacks; Prometheus shows the series' labels. */
  ruleLabelsInTemplates: boolean;
  /** vmalert adds `alertgroup` (unless -disableAlertgroupLabel); Prometheus has no such label. */
  alertgroupLabel: boolean;
  /**
   * Evaluation time: vmalert takes the scheduled time minus eval_delay, aligned to the interval, as the
   * time of everything (query, activeAt, startsAt, ALERTS); Prometheus keeps the scheduled time for
   * the alert state and only queries (and stamps ALERTS) `query_offset` earlier, without alignment.
   */
  alignByDefault: boolean;
  /** Eval delay when neither the group nor -rule.evalDelay sets one; null = the flag's own default. */
  defaultEvalDelay: number | null;
  /** Query time, ALERTS and recording samples to the millisecond (Prometheus) or in whole seconds (vmalert). */
  millisecondTimes: boolean;
  /** Recording samples stamped with the query time (Prometheus) or the datasource's sample timestamp (vmalert). */
  recordAtQueryTime: boolean;
  /**
   * Re-send decisions and a firing alert's endsAt from the evaluation time (Prometheus), or from the
   * wall clock at send time (vmalert), which makes a 1m resend delay with a 30s interval re-send
   * after 60 or 90 s depending on query latency.
   */
  sendAtEvaluationTime: boolean;
  /** An alert that fires again within its 15-minute resolved retention starts over as a new alert (Prometheus) or keeps its send history (vmalert). */
  freshAlertOnReturn: boolean;
  /**
   * -external.label: vmalert adds them to every rule's labels (API, ALERTS, notifications). Prometheus
   * keeps them out of rule evaluation (templates still read them as `$externalLabels`) and adds them, where
   * a label is absent, to alerts sent to Alertmanager and to remote-written series (`outbound.ts`).
   */
  externalLabelsOnRules: boolean;
  /** `$externalURL` in templates: the raw -external.url flag (vmalert) or the computed external URL (Prometheus). */
  computedExternalURLInTemplates: boolean;
  /**
   * A label or annotation template that fails at run time: vmalert marks the rule unhealthy and the text
   * reads `error evaluating template: ...`; Prometheus logs a warning, keeps the rule healthy, and the
   * text reads `<error expanding template: ...>`.
   */
  templateErrorsUnhealthy: boolean;
}

export const SEMANTICS: Readonly<Record<RuleSemantics, Readonly<SemanticsPolicy>>> = {
  vmalert: {
    exportedLabels: true,
    ruleLabelsInTemplates: true,
    alertgroupLabel: true,
    alignByDefault: true,
    defaultEvalDelay: null,
    millisecondTimes: false,
    recordAtQueryTime: false,
    sendAtEvaluationTime: false,
    freshAlertOnReturn: false,
    externalLabelsOnRules: true,
    computedExternalURLInTemplates: false,
    templateErrorsUnhealthy: true,
  },
  prometheus: {
    exportedLabels: false,
    ruleLabelsInTemplates: false,
    alertgroupLabel: false,
    alignByDefault: false,
    // Prometheus' rule_query_offset defaults to 0.
    defaultEvalDelay: 0,
    millisecondTimes: true,
    recordAtQueryTime: true,
    sendAtEvaluationTime: true,
    freshAlertOnReturn: true,
    externalLabelsOnRules: false,
    computedExternalURLInTemplates: true,
    templateErrorsUnhealthy: false,
  },
};

/** The -rule.semantics value; a bad one is a flag error naming the choices. */
export function parseSemantics(text: string): RuleSemantics {
  if ((RULE_SEMANTICS as readonly string[]).includes(text)) return text as RuleSemantics;
  throw new TsalertError(
    "TSA_FLAG",
    `invalid value "${text}" for flag -rule.semantics: want ${RULE_SEMANTICS.join(" or ")}`,
  );
}

/** The policy of an engine's settings (vmalert when unset). */
export function semanticsPolicy(s: { semantics?: RuleSemantics }): Readonly<SemanticsPolicy> {
  return SEMANTICS[s.semantics ?? "vmalert"];
}
