// Three of the suite's four checks, as pure functions of what an engine answered at one moment:
// `/api/v1/alerts`, `/api/v1/rules` and the ALERTS series in storage. Each returns null when the answer
// matches one of the states the case may be in at that moment, else why it matches none.
import { children, type Expr, parse, print } from "../../src/metricsql/index.js";
import { type ComplianceCase, GROUP_INTERVAL_MS, type ShownAlert } from "./cases.js";
import {
  type AlertSample,
  type ApiAlert,
  type ApiRule,
  type ApiRuleGroup,
  compareLabels,
  compareStrings,
  iso,
  labelsKey,
  MAX_RTT_MS,
  sameLabels,
} from "./model.js";

/** The rules check starts once the group had time for its first evaluation. */
const RULES_CHECK_FROM_MS = 2 * GROUP_INTERVAL_MS;

function showAlert(a: ApiAlert): string {
  return `{${labelsKey(a.labels)} ${a.state} value=${a.value} activeAt=${iso(a.activeAt)} annotations=${labelsKey(a.annotations)}}`;
}

function showAlerts(list: ApiAlert[]): string {
  return `[${list.map(showAlert).join(" ")}]`;
}

/** Combines the mismatch of every alternative into one message (none matched). */
function noneMatched(what: string, errs: string[]): string {
  if (errs.length === 1) return `${what}: ${errs[0]}`;
  return `${what} match none of the ${errs.length} possible states:${errs.map((e, i) => `\n    (${i + 1}) ${e}`).join("")}`;
}

function byLabels<T extends { labels: Record<string, string> }>(list: T[]): T[] {
  return [...list].sort((a, b) => compareLabels(a.labels, b.labels));
}

/** One alternative: same alerts (labels, annotations, state, value) and activeAt within [exp, exp + interval + 2 RTT]. */
export function compareAlerts(exp: ApiAlert[], act: ApiAlert[], intervalMs: number): string | null {
  if (exp.length !== act.length) {
    return `expected ${exp.length} alerts ${showAlerts(exp)}, got ${act.length} ${showAlerts(act)}`;
  }
  const e = byLabels(exp);
  const a = byLabels(act);
  for (let i = 0; i < e.length; i++) {
    const av = Number(a[i].value);
    if (a[i].value.trim() === "" || Number.isNaN(av))
      return `alert value ${JSON.stringify(a[i].value)} is not a number`;
    const same =
      sameLabels(e[i].labels, a[i].labels) &&
      sameLabels(e[i].annotations, a[i].annotations) &&
      e[i].state === a[i].state &&
      Number(e[i].value) === av;
    if (!same) return `alert differs: expected ${showAlert(e[i])}, got ${showAlert(a[i])}`;
  }
  for (let i = 0; i < a.length; i++) {
    const at = a[i].activeAt;
    if (at === null) return `alert ${labelsKey(a[i].labels)} has no activeAt`;
    const from = e[i].activeAt as number;
    if (at < from || from + intervalMs + 2 * MAX_RTT_MS < at) {
      return `activeAt of ${labelsKey(a[i].labels)} is ${iso(at)}, expected within [${iso(from)}, ${iso(from + intervalMs)}]`;
    }
  }
  return null;
}

function expectedAlerts(alt: ShownAlert[]): ApiAlert[] {
  return alt.map((s) => s.alert);
}

/** `/api/v1/alerts`: the alerts of the case's group (by its `rulegroup` label) at `ts`. */
export function checkAlerts(c: ComplianceCase, zero: number, ts: number, alerts: ApiAlert[]): string | null {
  const errs: string[] = [];
  for (const alt of c.alternatives(ts - zero, zero)) {
    const err = compareAlerts(expectedAlerts(alt), alerts, c.intervalMs);
    if (err === null) return null;
    errs.push(err);
  }
  return noneMatched("alerts", errs);
}

/**
 * The text of a query in one canonical form (label matchers sorted by name), so an engine that prints its
 * parsed query, as Prometheus does, compares equal to the rule file's text, as the suite's printer makes them.
 */
export function canonicalQuery(q: string): string {
  const sortMatchers = (e: Expr): void => {
    if (e.type === "selector") {
      for (const alt of e.matchers) alt.sort((a, b) => compareStrings(a.label, b.label));
    }
    for (const c of children(e)) sortMatchers(c);
  };
  const tree = parse(q);
  sortMatchers(tree);
  return print(tree);
}

function expectedRules(c: ComplianceCase, alt: ShownAlert[]): ApiRule[] {
  return c.rules.map((r) => {
    const alerts = alt.filter((s) => s.rule === r.alert).map((s) => s.alert);
    const state = alerts.some((a) => a.state === "firing")
      ? "firing"
      : alerts.some((a) => a.state === "pending")
        ? "pending"
        : "inactive";
    return {
      state,
      name: r.alert,
      query: r.expr,
      duration: r.forMs / 1000,
      labels: r.labels,
      annotations: r.annotations,
      health: "ok",
      type: "alerting",
      lastError: "",
      lastEvaluation: 0,
      alerts,
    };
  });
}

function sortRules(list: ApiRule[]): ApiRule[] {
  return [...list].sort((a, b) => compareStrings(a.name, b.name) || compareLabels(a.labels, b.labels));
}

function compareRules(ts: number, intervalMs: number, expRules: ApiRule[], actRules: ApiRule[]): string | null {
  const exp = sortRules(expRules);
  const act = sortRules(actRules);
  const cutOff = ts - MAX_RTT_MS - intervalMs;
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i];
    const a = act[i];
    let actQuery: string;
    try {
      actQuery = canonicalQuery(a.query);
    } catch (err) {
      return `rule ${a.name}: cannot parse its query ${JSON.stringify(a.query)}: ${(err as Error).message}`;
    }
    const field =
      e.state !== a.state
        ? "state"
        : e.name !== a.name
          ? "name"
          : canonicalQuery(e.query) !== actQuery
            ? "query"
            : e.duration !== a.duration
              ? "duration"
              : !sameLabels(e.labels, a.labels)
                ? "labels"
                : !sameLabels(e.annotations, a.annotations)
                  ? "annotations"
                  : e.health !== a.health
                    ? "health"
                    : e.type !== a.type
                      ? "type"
                      : e.lastError !== a.lastError
                        ? "lastError"
                        : "";
    if (field !== "") {
      const show = (r: ApiRule) =>
        `${r.name} state=${r.state} health=${r.health} duration=${r.duration} labels=${labelsKey(r.labels)} lastError=${JSON.stringify(r.lastError)}`;
      return `rule ${e.name}: ${field} differs: expected ${show(e)}, got ${show(a)}`;
    }
    if (a.lastEvaluation < cutOff) {
      return `rule ${a.name} was last evaluated at ${iso(a.lastEvaluation)}, expected after ${iso(cutOff)}`;
    }
  }
  const expAlerts = exp.flatMap((r) => r.alerts);
  const actAlerts = actRules.flatMap((r) => r.alerts);
  const err = compareAlerts(expAlerts, actAlerts, intervalMs);
  return err === null ? null : `alerts of the group: ${err}`;
}

/** `/api/v1/rules`: the case's group (by name), from the second group interval on. */
export function checkRuleGroup(
  c: ComplianceCase,
  zero: number,
  ts: number,
  group: ApiRuleGroup | undefined,
): string | null {
  if (ts - zero < RULES_CHECK_FROM_MS) return null;
  if (!group) return "the group is not listed";
  const errs: string[] = [];
  for (const alt of c.alternatives(ts - zero, zero)) {
    if (group.name !== c.group) {
      errs.push(`group name ${JSON.stringify(group.name)}, expected ${JSON.stringify(c.group)}`);
      continue;
    }
    if (group.interval * 1000 !== c.intervalMs) {
      errs.push(`group interval ${group.interval}s, expected ${c.intervalMs / 1000}s`);
      continue;
    }
    const cutOff = ts - MAX_RTT_MS - c.intervalMs;
    if (group.lastEvaluation < cutOff) {
      errs.push(`group last evaluated at ${iso(group.lastEvaluation)}, expected after ${iso(cutOff)}`);
      continue;
    }
    if (group.rules.length !== c.rules.length) {
      errs.push(`${group.rules.length} rules, expected ${c.rules.length}`);
      continue;
    }
    const err = compareRules(ts, c.intervalMs, expectedRules(c, alt), group.rules);
    if (err === null) return null;
    errs.push(err);
  }
  return noneMatched("rules", errs);
}

function showSample(s: AlertSample): string {
  return `${labelsKey(s.labels)} ${s.v} @${s.t}`;
}

/** One alternative of the ALERTS check: same series, each with value 1 at the query time. */
export function compareSamples(exp: AlertSample[], act: AlertSample[]): string | null {
  if (exp.length !== act.length) {
    return `expected ${exp.length} series [${exp.map(showSample).join(" ")}], got ${act.length} [${act.map(showSample).join(" ")}]`;
  }
  const e = byLabels(exp);
  const a = byLabels(act);
  for (let i = 0; i < e.length; i++) {
    if (!sameLabels(e[i].labels, a[i].labels) || e[i].t !== a[i].t || e[i].v !== a[i].v) {
      return `series differs: expected ${showSample(e[i])}, got ${showSample(a[i])}`;
    }
  }
  return null;
}

/** The ALERTS series of the case's group (by `rulegroup`) in an instant query at `ts` (whole seconds). */
export function checkMetrics(c: ComplianceCase, zero: number, ts: number, samples: AlertSample[]): string | null {
  const t = Math.floor(ts / 1000);
  const errs: string[] = [];
  for (const alt of c.alternatives(ts - zero, zero)) {
    const exp = alt.map((s) => ({
      labels: { ...s.alert.labels, __name__: "ALERTS", alertstate: s.alert.state },
      t,
      v: 1,
    }));
    const err = compareSamples(exp, samples);
    if (err === null) return null;
    errs.push(err);
  }
  return noneMatched("ALERTS series", errs);
}
