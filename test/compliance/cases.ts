// The four cases of Prometheus' alert-generator compliance suite (prometheus/compliance,
// `alert_generator/cases/`): their rule groups, the input series the suite remote-writes, and what
// the suite expects from the APIs, the ALERTS series and the notifications. Re-stated from the suite's
// specification and cases; times are ms relative to the "zero time" at which remote writing starts.
import { type ApiAlert, type Labels, RESEND_DELAY_MS, RESOLVED_RESEND_MS } from "./model.js";

export const SOURCE_METRIC = "alert_generator_test_suite";
/** The suite writes one sample per series every 15 s and every group evaluates every 30 s. */
export const RW_INTERVAL_MS = 15_000;
export const GROUP_INTERVAL_MS = 30_000;
/** Slack the suite adds to every state window (2 × its 5 s round-trip allowance), seconds. */
const WINDOW_SLACK_S = 10;

export interface RuleSpec {
  alert: string;
  expr: string;
  forMs: number;
  labels: Labels;
  annotations: Labels;
}

export interface InputSeries {
  labels: Labels;
  /** One value per RW_INTERVAL_MS, the first at the zero time. */
  values: number[];
}

/** One alert the engine may show at some time, and the rule it belongs to. */
export interface ShownAlert {
  rule: string;
  alert: ApiAlert;
}

/**
 * A notification the suite waits for (its ExpectedAlert): due at `ts` (received within `tolerance`
 * plus two round trips after it), firing or resolved, a first send or a re-send.
 */
export interface ExpectedNotification {
  orderingID: number;
  tolerance: number;
  ts: number;
  /** When the alert moves on to its next state; null = never. */
  nextState: number | null;
  resolved: boolean;
  resend: boolean;
  /** When the alert resolves (also the endsAt of a resolved notification); null = never. */
  resolvedTime: number | null;
  /** endsAt of a firing notification, relative to when it is received. */
  endsAtDelta: number;
  labels: Labels;
  annotations: Labels;
  startsAt: number;
}

export interface ComplianceCase {
  group: string;
  description: string;
  intervalMs: number;
  rules: RuleSpec[];
  series: InputSeries[];
  /** ms after the zero time until which the case is checked. */
  testUntil: number;
  /**
   * Every state the rule group may be in at `rel` ms after the zero time (several near a transition):
   * each alternative lists the pending/firing alerts. `zero` makes activeAt absolute.
   */
  alternatives(rel: number, zero: number): ShownAlert[][];
  /** The notifications the suite expects, in order, with absolute times. */
  expectedNotifications(zero: number): ExpectedNotification[];
}

/**
 * Expands the suite's value notation: "V" is the value V; "AxB" adds A to the last value B times, one
 * sample each (from 0 when first). ["1x1","0x3","5x3","9","8","-2x2"] → 1 1 1 1 6 11 16 9 8 6 4.
 */
export function expandValues(notation: string[]): number[] {
  const out: number[] = [];
  let v = 0;
  for (const item of notation) {
    const parts = item.split("x");
    if (parts.length === 2) {
      const step = Number(parts[0]);
      const times = Number(parts[1]);
      if (!Number.isFinite(step) || !Number.isInteger(times) || parts[1] === "") {
        throw new Error(`bad value notation ${JSON.stringify(item)}`);
      }
      for (let i = 0; i < times; i++) {
        v += step;
        out.push(v);
      }
    } else if (parts.length === 1 && item !== "" && Number.isFinite(Number(item))) {
      v = Number(item);
      out.push(v);
    } else {
      throw new Error(`bad value notation ${JSON.stringify(item)}`);
    }
  }
  return out;
}

/** The source series of one alert: `{__name__, rulegroup, alertname}`. */
export function metricLabels(group: string, alert: string): Labels {
  return { __name__: SOURCE_METRIC, rulegroup: group, alertname: alert };
}

/** The selector the suite writes for a label set: `{__name__="x", a="b"}`, names sorted. */
export function selectorText(ls: Labels): string {
  return `{${Object.keys(ls)
    .sort()
    .map((k) => `${k}=${JSON.stringify(ls[k])}`)
    .join(", ")}}`;
}

/** `(start, end]` in seconds after the zero time, the end widened by the suite's slack. */
export function within(rel: number, startS: number, endS: number): boolean {
  return rel > Math.round(startS * 1000) && rel <= Math.round((endS + WINDOW_SLACK_S) * 1000);
}

/** The n-th sample time, seconds. */
function nth(n: number): number {
  return (n * RW_INTERVAL_MS) / 1000;
}

const GI_S = GROUP_INTERVAL_MS / 1000;
const ENDS_AT_DELTA = Math.max(4 * RESEND_DELAY_MS, 4 * GROUP_INTERVAL_MS);

function alert(labels: Labels, annotations: Labels, state: string, value: string, activeAt: number): ApiAlert {
  return { labels, annotations, state, value, activeAt };
}

interface NotificationRun {
  labels: Labels;
  annotations: Labels;
  /** Relative ms: first send, end of the run (exclusive), startsAt. */
  from: number;
  until: number;
  startsAt: number;
  resolved: boolean;
  nextState: number | null;
  resolvedTime: number | null;
  /** Every notification of the run is a re-send (the alert already fired before the run starts). */
  continues?: boolean;
}

/** One expected notification per resend delay over each run; the first of a resolved run may be a group interval late. */
function notifications(zero: number, runs: NotificationRun[]): ExpectedNotification[] {
  const out: ExpectedNotification[] = [];
  for (const r of runs) {
    for (let t = r.from; t < r.until; t += RESEND_DELAY_MS) {
      out.push({
        orderingID: out.length + 1,
        tolerance: r.resolved && t === r.from ? 2 * GROUP_INTERVAL_MS : GROUP_INTERVAL_MS,
        ts: zero + t,
        nextState: r.nextState === null ? null : zero + r.nextState,
        resolved: r.resolved,
        resend: r.continues === true || t !== r.from,
        resolvedTime: r.resolvedTime === null ? null : zero + r.resolvedTime,
        endsAtDelta: ENDS_AT_DELTA,
        labels: r.labels,
        annotations: r.annotations,
        startsAt: zero + r.startsAt,
      });
    }
  }
  return out;
}

const ms = (s: number) => Math.round(s * 1000);

// --- PendingAndFiringAndResolved ---

function pendingAndFiringAndResolved(): ComplianceCase {
  const group = "PendingAndFiringAndResolved";
  const name = `${group}_SimpleAlert`;
  const expr = `${selectorText(metricLabels(group, name))} > 10`;
  const labels = { alertname: name, foo: "bar", rulegroup: group };
  const ann = (v: string) => ({ description: "SimpleAlert is firing", summary: `The value is ${v} ${v}` });
  const values = expandValues([
    "3",
    "5",
    "0x2",
    "9",
    "0x3",
    "11",
    "0x12",
    "15",
    "0x11",
    "0x20",
    "19",
    "0x15",
    "9",
    "0x19",
    "15",
    "0x24",
    "0x20",
    "8",
    "0x15",
  ]);
  const [p1, p2, f1, f2, r1, pAgain, fAgain, r2] = [8, 21, 32, 53, 69, 89, 113, 134].map(nth);
  return {
    group,
    description:
      "pending → firing → inactive, changing annotations, re-sends, resolved re-sends for 15 minutes, pending again",
    intervalMs: GROUP_INTERVAL_MS,
    rules: [
      {
        alert: name,
        expr,
        forMs: 24 * RW_INTERVAL_MS,
        labels: { foo: "bar", rulegroup: group },
        annotations: { description: "SimpleAlert is firing", summary: "The value is {{$value}} {{.Value}}" },
      },
    ],
    series: [{ labels: metricLabels(group, name), values }],
    testUntil: values.length * RW_INTERVAL_MS,
    alternatives(rel, zero) {
      const at = zero + ms(p1);
      const at2 = zero + ms(pAgain);
      const out: ShownAlert[][] = [];
      const one = (state: string, v: string, activeAt: number) => [
        { rule: name, alert: alert(labels, ann(v), state, v, activeAt) },
      ];
      if (within(rel, 0, p1 + GI_S) || within(rel, r1 - 1, pAgain + GI_S) || within(rel, r2, nth(240))) out.push([]);
      if (within(rel, p1 - 1, p2 + GI_S)) out.push(one("pending", "11", at));
      const pending2 = within(rel, p2 - 1, f1 + GI_S);
      const pendingAgain = within(rel, pAgain - 1, fAgain + GI_S);
      if (pending2 || pendingAgain) out.push(one("pending", "15", pendingAgain ? at2 : at));
      const firing1 = within(rel, f1 - 1, f2 + GI_S);
      const firingAgain = within(rel, fAgain - 1, r2 + GI_S);
      if (firing1 || firingAgain) out.push(one("firing", "15", firingAgain ? at2 : at));
      if (within(rel, f2 - 1, r1 + GI_S)) out.push(one("firing", "19", at));
      return out;
    },
    expectedNotifications(zero) {
      const common = { labels };
      return notifications(zero, [
        {
          ...common,
          annotations: ann("15"),
          from: ms(f1),
          until: ms(f2),
          startsAt: ms(f1),
          resolved: false,
          nextState: ms(f2),
          resolvedTime: ms(r1),
        },
        {
          ...common,
          annotations: ann("19"),
          from: ms(f2),
          until: ms(r1),
          startsAt: ms(f1),
          resolved: false,
          nextState: ms(r1),
          resolvedTime: ms(r1),
          continues: true,
        },
        {
          ...common,
          annotations: ann("19"),
          from: ms(r1),
          until: ms(pAgain),
          startsAt: ms(f1),
          resolved: true,
          nextState: ms(pAgain),
          resolvedTime: ms(r1),
        },
        {
          ...common,
          annotations: ann("15"),
          from: ms(fAgain),
          until: ms(r2),
          startsAt: ms(fAgain),
          resolved: false,
          nextState: ms(r2),
          resolvedTime: ms(r2),
        },
        {
          ...common,
          annotations: ann("15"),
          from: ms(r2),
          until: ms(r2) + RESOLVED_RESEND_MS,
          startsAt: ms(fAgain),
          resolved: true,
          nextState: null,
          resolvedTime: ms(r2),
        },
      ]);
    },
  };
}

// --- PendingAndResolved_AlwaysInactive ---

function pendingAndResolvedAlwaysInactive(): ComplianceCase {
  const group = "PendingAndResolved_AlwaysInactive";
  const pendingName = `${group}_PendingAlert`;
  const inactiveName = `${group}_InactiveAlert`;
  const values = expandValues(["3", "5", "0x2", "9", "0x3", "11", "0x10", "9"]);
  const [p1, gone] = [8, 19].map(nth);
  return {
    group,
    description: "pending → inactive (never fires), a rule that never becomes active, no data while pending",
    intervalMs: GROUP_INTERVAL_MS,
    rules: [
      {
        alert: pendingName,
        expr: `${selectorText(metricLabels(group, pendingName))} > 10`,
        forMs: 12 * RW_INTERVAL_MS,
        labels: { foo: "bar", rulegroup: group },
        annotations: { description: "SimpleAlert is firing" },
      },
      {
        alert: inactiveName,
        expr: `${selectorText(metricLabels(group, inactiveName))} > 99`,
        forMs: 12 * RW_INTERVAL_MS,
        labels: { ba_dum: "tss", rulegroup: group },
        annotations: { description: "This should never fire" },
      },
    ],
    series: [
      { labels: metricLabels(group, pendingName), values },
      { labels: metricLabels(group, inactiveName), values },
    ],
    // The suite keeps checking for 40 more samples' time to see the rule stay inactive.
    testUntil: (values.length + 40) * RW_INTERVAL_MS,
    alternatives(rel, zero) {
      const out: ShownAlert[][] = [];
      if (within(rel, 0, p1 + GI_S) || within(rel, gone, nth(240))) out.push([]);
      if (within(rel, p1 - 1, gone + GI_S)) {
        out.push([
          {
            rule: pendingName,
            alert: alert(
              { alertname: pendingName, foo: "bar", rulegroup: group },
              { description: "SimpleAlert is firing" },
              "pending",
              "11",
              zero + ms(p1),
            ),
          },
        ]);
      }
      return out;
    },
    expectedNotifications: () => [],
  };
}

// --- ZeroFor_SmallFor ---

const ZF_TEMPLATE_TEST =
  "{{humanize 1048576}} {{humanize1024 1048576}} {{humanizeDuration 135.3563}} {{humanizePercentage 0.959}} {{humanizeTimestamp 1643114203}}";
const SF_TEMPLATE_TEST =
  '{{title "this part"}} {{toUpper "is testing"}} {{toLower "THE STRINGS"}}. {{ stripPort "[::1]:6006"}} {{ stripPort "127.0.0.1:4004"}}. {{parseDuration "2h10m15s"}}. {{if match "[0-9]+" "1234"}}{{reReplaceAll "r.*d" "replaced" "rpld text"}}{{end}}. {{if match "[0-9]+$" "1234a"}}WRONG{{end}}.';

function zeroForSmallFor(): ComplianceCase {
  const group = "ZeroFor_SmallFor";
  const zf = `${group}_ZeroFor`;
  const sf = `${group}_SmallFor`;
  const templateQueryTest = `{{ define "testtemplate" }}Args are: {{.arg0}} {{.arg1}} {{.arg2}}. {{ with query "${SOURCE_METRIC}{rulegroup='${group}',for='template'}" }}first_id:{{ . | sortByLabel "id" | first | label "id"}},{{ range $v := sortByLabel "id" .}}{{ . | label "id" }}:{{ . | value }},{{end}}{{end}}{{ end }}{{ template "testtemplate" (args "foo" "bar" 99) }}`;
  const values = expandValues(["3", "5", "0x2", "9", "0x3", "15", "0x12", "9", "0x71", "11", "0x12", "9"]);
  const [s8, s21, s93, s106] = [8, 21, 93, 106].map(nth);
  const zfLabels = { alertname: zf, foo: "bar", rulegroup: group };
  const sfLabels = { alertname: sf, ba_dum: "tss", rulegroup: group };
  const zfAnn = (ids: string) => ({
    description: "This should immediately fire",
    template_test: "1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC",
    template_query_test: `Args are: foo bar 99. first_id:101,${ids}`,
  });
  const firstIDs = "101:1,102:2,103:3,";
  const laterIDs = "101:2,102:4,103:6,";
  const sfAnn = {
    description: "This should fire after an interval",
    template_test: "This Part IS TESTING the strings. ::1 127.0.0.1. 7815. replaced text. .",
  };
  const series: InputSeries[] = [
    { labels: metricLabels(group, zf), values },
    { labels: metricLabels(group, sf), values },
  ];
  // What the annotations' `query` reads: 1/2/3 for the first 7 minutes, doubled afterwards.
  for (let i = 1; i <= 3; i++) {
    series.push({
      labels: { __name__: SOURCE_METRIC, rulegroup: group, for: "template", id: String(100 + i), __value__: `val${i}` },
      values: expandValues([String(i), "0x27", String(2 * i), "0x200"]),
    });
  }
  return {
    group,
    description:
      "for: 0 fires at once; a small for fires on the second evaluation; a for: 0 alert fires again after its resolved re-sends stopped; templates and `query` in annotations",
    intervalMs: GROUP_INTERVAL_MS,
    rules: [
      {
        alert: zf,
        expr: `${selectorText(metricLabels(group, zf))} > 10`,
        forMs: 0,
        labels: { foo: "bar", rulegroup: group },
        annotations: {
          description: "This should immediately fire",
          template_test: ZF_TEMPLATE_TEST,
          template_query_test: templateQueryTest,
        },
      },
      {
        alert: sf,
        expr: `${selectorText(metricLabels(group, sf))} > 13`,
        forMs: GROUP_INTERVAL_MS / 2,
        labels: { ba_dum: "tss", rulegroup: group },
        annotations: { description: "This should fire after an interval", template_test: SF_TEMPLATE_TEST },
      },
    ],
    series,
    // The suite waits 20 more samples' time to see the resolved re-sends.
    testUntil: (values.length + 20) * RW_INTERVAL_MS,
    alternatives(rel, zero) {
      const at = zero + ms(s8);
      const at2 = zero + ms(s93);
      const out: ShownAlert[][] = [];
      if (within(rel, 0, s8 + GI_S) || within(rel, s21 - 1, s93 + GI_S) || within(rel, s106, nth(240))) out.push([]);
      const zfFiring = within(rel, s8 - 1, s21 + GI_S);
      const zfFiringAgain = within(rel, s93 - 1, s106 + GI_S);
      const sfPending = within(rel, s8 - 1, s8 + 2 * GI_S);
      const sfFiring = within(rel, s8 + GI_S, s21 + GI_S);
      const zfShown = { rule: zf, alert: alert(zfLabels, zfAnn(firstIDs), "firing", "15", at) };
      if (zfFiring && sfPending) out.push([zfShown, { rule: sf, alert: alert(sfLabels, sfAnn, "pending", "15", at) }]);
      if (zfFiring && sfFiring) out.push([zfShown, { rule: sf, alert: alert(sfLabels, sfAnn, "firing", "15", at) }]);
      if (zfFiringAgain) out.push([{ rule: zf, alert: alert(zfLabels, zfAnn(laterIDs), "firing", "11", at2) }]);
      return out;
    },
    expectedNotifications(zero) {
      const sfFires = ms(s8) + GROUP_INTERVAL_MS;
      return notifications(zero, [
        {
          labels: zfLabels,
          annotations: zfAnn(firstIDs),
          from: ms(s8),
          until: ms(s21),
          startsAt: ms(s8),
          resolved: false,
          nextState: ms(s21),
          resolvedTime: ms(s21),
        },
        {
          labels: zfLabels,
          annotations: zfAnn(firstIDs),
          from: ms(s21),
          until: ms(s21) + RESOLVED_RESEND_MS,
          startsAt: ms(s8),
          resolved: true,
          nextState: ms(s93),
          resolvedTime: ms(s21),
        },
        {
          labels: zfLabels,
          annotations: zfAnn(laterIDs),
          from: ms(s93),
          until: ms(s106),
          startsAt: ms(s93),
          resolved: false,
          nextState: ms(s106),
          resolvedTime: ms(s106),
        },
        {
          labels: zfLabels,
          annotations: zfAnn(laterIDs),
          from: ms(s106),
          until: ms(s106) + RESOLVED_RESEND_MS,
          startsAt: ms(s93),
          resolved: true,
          nextState: null,
          resolvedTime: ms(s106),
        },
        {
          labels: sfLabels,
          annotations: sfAnn,
          from: sfFires,
          until: ms(s21),
          startsAt: sfFires,
          resolved: false,
          nextState: ms(s21),
          resolvedTime: ms(s21),
        },
        {
          labels: sfLabels,
          annotations: sfAnn,
          from: ms(s21),
          until: ms(s21) + RESOLVED_RESEND_MS,
          startsAt: sfFires,
          resolved: true,
          nextState: null,
          resolvedTime: ms(s21),
        },
      ]);
    },
  };
}

// --- NewAlerts_OrderCheck ---

function newAlertsOrderCheck(): ComplianceCase {
  const group = "NewAlerts_OrderCheck";
  const r1 = `${group}_Rule1`;
  const r2 = `${group}_Rule2`;
  const base = metricLabels(group, r1);
  const r2Expr = `(ALERTS{alertstate="firing", alertname="${r1}", foo="bar", rulegroup="${group}", variant="one"} + ignoring(variant) ALERTS{alertstate="firing", alertname="${r1}", foo="bar", rulegroup="${group}", variant="two"}) == 2`;
  const values1 = expandValues(["1", "0x7", "11", "0x64", "9", "0x20"]);
  const values2 = expandValues(["1", "0x31", "11", "0x32", "9", "0x20"]);
  const [p11, f11, r11] = [8, 20, 73].map(nth);
  const [p12, f12, r12] = [32, 44, 65].map(nth);
  const r1Labels = (variant: string) => ({ alertname: r1, foo: "bar", rulegroup: group, variant });
  const r1Ann = { description: "This should produce more alerts later" };
  const r2Labels = { alertname: r2, alertstate: "firing", foo: "baz", ba_dum: "tss", rulegroup: group };
  const r2Ann = { description: `Based on ALERTS. Old alertname was ${r1}. foo was bar.` };
  return {
    group,
    description:
      "new alerts while others are active; a rule reading the ALERTS its group wrote earlier in the same evaluation; annotations see the series' labels, not the rule's overrides",
    intervalMs: GROUP_INTERVAL_MS,
    rules: [
      {
        alert: r1,
        expr: `${selectorText(base)} > 10`,
        forMs: 12 * RW_INTERVAL_MS,
        labels: { foo: "bar", rulegroup: group },
        annotations: r1Ann,
      },
      {
        alert: r2,
        expr: r2Expr,
        forMs: 0,
        labels: { foo: "baz", ba_dum: "tss", rulegroup: group },
        annotations: {
          description: "Based on ALERTS. Old alertname was {{$labels.alertname}}. foo was {{.Labels.foo}}.",
        },
      },
    ],
    series: [
      { labels: { ...base, variant: "one" }, values: values1 },
      { labels: { ...base, variant: "two" }, values: values2 },
    ],
    testUntil: Math.max(values1.length, values2.length) * RW_INTERVAL_MS,
    alternatives(rel, zero) {
      const one = (state: string) => ({
        rule: r1,
        alert: alert(r1Labels("one"), r1Ann, state, "11", zero + ms(p11)),
      });
      const two = (state: string) => ({
        rule: r1,
        alert: alert(r1Labels("two"), r1Ann, state, "11", zero + ms(p12)),
      });
      const r11Inactive = within(rel, 0, p11 + GI_S) || within(rel, r11, nth(240));
      const r11Pending = within(rel, p11 - 1, f11 + GI_S);
      const r11Firing = within(rel, f11 - 1, r11 + GI_S);
      const r12Inactive = within(rel, 0, p12 + GI_S) || within(rel, r12, nth(240));
      const r12Pending = within(rel, p12 - 1, f12 + GI_S);
      // The suite keeps the second variant "possibly firing" until the first one resolves.
      const r12Firing = within(rel, f12 - 1, r11 + GI_S);
      const out: ShownAlert[][] = [];
      if (r11Inactive && r12Inactive) out.push([]);
      if (r11Pending && r12Inactive) out.push([one("pending")]);
      if (r11Firing && r12Inactive) out.push([one("firing")]);
      if (r11Firing && r12Pending) out.push([one("firing"), two("pending")]);
      if (r11Firing && r12Firing) {
        out.push([
          one("firing"),
          two("firing"),
          { rule: r2, alert: alert(r2Labels, r2Ann, "firing", "2", zero + ms(f12)) },
        ]);
      }
      return out;
    },
    expectedNotifications(zero) {
      const list = notifications(zero, [
        {
          labels: r1Labels("one"),
          annotations: r1Ann,
          from: ms(f11),
          until: ms(r11),
          startsAt: ms(f11),
          resolved: false,
          nextState: ms(r11),
          resolvedTime: ms(r11),
        },
        {
          labels: r1Labels("one"),
          annotations: r1Ann,
          from: ms(r11),
          until: ms(r11) + RESOLVED_RESEND_MS,
          startsAt: ms(f11),
          resolved: true,
          nextState: null,
          resolvedTime: ms(r11),
        },
      ]);
      for (const labels of [r1Labels("two"), r2Labels]) {
        const annotations = labels === r2Labels ? r2Ann : r1Ann;
        for (const n of notifications(zero, [
          {
            labels,
            annotations,
            from: ms(f12),
            until: ms(r12),
            startsAt: ms(f12),
            resolved: false,
            nextState: ms(r12),
            resolvedTime: ms(r12),
          },
          {
            labels,
            annotations,
            from: ms(r12),
            until: ms(r12) + RESOLVED_RESEND_MS,
            startsAt: ms(f12),
            resolved: true,
            nextState: null,
            resolvedTime: ms(r12),
          },
        ])) {
          list.push({ ...n, orderingID: list.length + 1 });
        }
      }
      return list;
    },
  };
}

/** All four cases, sorted by group name as the suite runs them. */
export function allCases(): ComplianceCase[] {
  return [newAlertsOrderCheck(), pendingAndFiringAndResolved(), pendingAndResolvedAlwaysInactive(), zeroForSmallFor()];
}
