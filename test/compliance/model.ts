// What the compliance harness compares: alerts and rule groups as the engines' APIs return them,
// ALERTS samples as the storage returns them, notifications as the receiver gets them, and the
// suite's fixed timing constants. Times are Unix ms; label sets are plain records.

export type Labels = Record<string, string>;

/** The suite's resend delay (engines run with -rule.resendDelay=1m) and its allowance for one request. */
export const RESEND_DELAY_MS = 60_000;
export const MAX_RTT_MS = 5_000;
/** How long an engine keeps re-sending a resolved alert. */
export const RESOLVED_RESEND_MS = 15 * 60_000;

/** One alert of `/api/v1/alerts` or of a rule in `/api/v1/rules`. */
export interface ApiAlert {
  labels: Labels;
  annotations: Labels;
  state: string;
  value: string;
  /** null when the API left it out. */
  activeAt: number | null;
}

export interface ApiRule {
  state: string;
  name: string;
  query: string;
  /** `for`, seconds. */
  duration: number;
  labels: Labels;
  annotations: Labels;
  health: string;
  type: string;
  lastError: string;
  /** ms; 0 = never. */
  lastEvaluation: number;
  alerts: ApiAlert[];
}

export interface ApiRuleGroup {
  name: string;
  /** seconds */
  interval: number;
  lastEvaluation: number;
  rules: ApiRule[];
}

/** One ALERTS sample of an instant query; `t` in whole seconds as the query API returns it. */
export interface AlertSample {
  labels: Labels;
  t: number;
  v: number;
}

/** One alert of a notification (Alertmanager v2 body). Times null when absent or Go's zero time. */
export interface NotifiedAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number | null;
  endsAt: number | null;
  generatorURL: string;
}

/** The label set in Prometheus' text form, `{a="1", b="2"}`, names sorted: the suite's key for an alert. */
export function labelsKey(ls: Labels): string {
  const names = Object.keys(ls).sort(compareStrings);
  return `{${names.map((n) => `${n}=${JSON.stringify(ls[n])}`).join(", ")}}`;
}

/** Byte-order comparison, as Go compares strings. */
export function compareStrings(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** Orders label sets as Prometheus' labels.Compare does: name by name, then value, then length. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort(compareStrings);
  const bn = Object.keys(b).sort(compareStrings);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(an[i], bn[i]) || compareStrings(a[an[i]], b[bn[i]]);
    if (c !== 0) return c;
  }
  return an.length - bn.length;
}

export function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  return compareLabels(a ?? {}, b ?? {}) === 0;
}

export function iso(ms: number | null): string {
  return ms === null ? "(none)" : new Date(ms).toISOString();
}
