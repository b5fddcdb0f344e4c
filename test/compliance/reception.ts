// The suite's fourth check: the notifications an engine sends, judged as they arrive against the
// expected ones (time window, labels, annotations, startsAt, endsAt), with the suite's rules for
// re-sends (each match moves the next re-send's due time to one resend delay later), notifications
// that may be skipped near a state change, and the 15-minute end of resolved re-sends.
import type { ExpectedNotification } from "./cases.js";
import {
  iso,
  labelsKey,
  MAX_RTT_MS,
  type NotifiedAlert,
  RESEND_DELAY_MS,
  RESOLVED_RESEND_MS,
  sameLabels,
} from "./model.js";

export interface ReceptionErrors {
  /** Expected notifications that never came in their window. */
  missed: ExpectedNotification[];
  /** A notification that came in a window but differs from every expected one there (first difference). */
  mismatched: { at: number; alert: NotifiedAlert; expected: ExpectedNotification; reason: string }[];
  /** Notifications nothing was expected for at that time (unknown alert, out of its window, duplicate). */
  unexpected: { at: number; alert: NotifiedAlert }[];
}

/** The window in which a notification due at `ts` is accepted. */
function windowEnd(e: ExpectedNotification): number {
  return e.ts + e.tolerance + 2 * MAX_RTT_MS;
}

function inWindow(e: ExpectedNotification, now: number): boolean {
  return now > e.ts && now < windowEnd(e);
}

/** `now` falls in the window or the notification is not due yet. */
function notLateAt(e: ExpectedNotification, t: number): boolean {
  return inWindow(e, t) || e.ts > t;
}

/** May be skipped: it resolves or changes state around its due time, or it is past the 15-minute resolved window. */
export function canBeSkipped(e: ExpectedNotification): boolean {
  return (
    (e.resolved && e.resolvedTime !== null && e.ts - e.resolvedTime > RESOLVED_RESEND_MS) ||
    (e.nextState !== null && notLateAt(e, e.nextState)) ||
    (e.resolvedTime !== null && !e.resolved && notLateAt(e, e.resolvedTime))
  );
}

/** No longer wanted at all: past the resolved window or past the next state. */
export function isObsolete(e: ExpectedNotification): boolean {
  return (
    (e.resolved && e.resolvedTime !== null && e.ts - e.resolvedTime > RESOLVED_RESEND_MS) ||
    (e.nextState !== null && e.ts > e.nextState)
  );
}

function within(exp: number, act: number, tolerance: number): boolean {
  return act > exp && act < exp + tolerance;
}

/** Why `a`, received at `now`, is not the expected notification `e` (null when it is). */
export function mismatch(e: ExpectedNotification, now: number, a: NotifiedAlert): string | null {
  if (!sameLabels(e.labels, a.labels)) return `labels: expected ${labelsKey(e.labels)}, got ${labelsKey(a.labels)}`;
  if (!sameLabels(e.annotations, a.annotations)) {
    return `annotations: expected ${labelsKey(e.annotations)}, got ${labelsKey(a.annotations)}`;
  }
  if (!inWindow(e, now)) {
    return `received at ${iso(now)}, expected within (${iso(e.ts)}, ${iso(e.ts + e.tolerance)})`;
  }
  if (a.startsAt !== null && !within(e.startsAt, a.startsAt, e.tolerance)) {
    return `startsAt ${iso(a.startsAt)}, expected within (${iso(e.startsAt)}, ${iso(e.startsAt + e.tolerance)})`;
  }
  if (a.endsAt !== null) {
    // A firing alert's endsAt counts from when it was sent, which may be a little before it arrived.
    const exp = e.resolved ? (e.resolvedTime as number) : now + e.endsAtDelta;
    const early = exp - 2 * MAX_RTT_MS;
    const ok = within(exp, a.endsAt, e.tolerance) || within(early, a.endsAt, e.tolerance);
    if (!ok) return `endsAt ${iso(a.endsAt)}, expected within (${iso(exp)}, ${iso(exp + e.tolerance)})`;
  }
  if (a.generatorURL !== "" && !URL.canParse(a.generatorURL, "http://localhost/")) {
    return `generatorURL ${JSON.stringify(a.generatorURL)} is not a URL`;
  }
  return null;
}

/** The receiving side of the reception check for one engine. */
export class Reception {
  /** Expected notifications by alert label set, in the suite's order. */
  private expected = new Map<string, ExpectedNotification[]>();
  private errs = new Map<string, ReceptionErrors>();

  constructor(list: ExpectedNotification[] = []) {
    this.expect(list);
  }

  /** Adds expected notifications (kept per alert in the suite's order). */
  expect(list: ExpectedNotification[]): void {
    const touched = new Set<string>();
    for (const e of list) {
      const id = labelsKey(e.labels);
      let l = this.expected.get(id);
      if (!l) {
        l = [];
        this.expected.set(id, l);
      }
      l.push(e);
      touched.add(id);
    }
    for (const id of touched) this.expected.get(id)?.sort((a, b) => a.orderingID - b.orderingID);
  }

  private errorsOf(group: string): ReceptionErrors {
    let e = this.errs.get(group);
    if (!e) {
      e = { missed: [], mismatched: [], unexpected: [] };
      this.errs.set(group, e);
    }
    return e;
  }

  private addMissed(list: ExpectedNotification[]): void {
    for (const m of list) this.errorsOf(m.labels.rulegroup ?? "").missed.push(m);
  }

  /**
   * Drops what is no longer wanted, records what was due and never came, and returns the expected
   * notifications of `id` whose window contains `now`.
   */
  private candidates(now: number, id: string): ExpectedNotification[] {
    const out: ExpectedNotification[] = [];
    const missed: ExpectedNotification[] = [];
    for (const [key, list] of this.expected) {
      const keep: ExpectedNotification[] = [];
      for (const e of list) {
        if (isObsolete(e)) continue;
        if (windowEnd(e) < now) {
          if (!canBeSkipped(e)) missed.push(e);
        } else if (key === id && inWindow(e, now)) {
          out.push(e);
        } else {
          keep.push(e);
        }
      }
      this.expected.set(key, keep);
    }
    this.addMissed(missed);
    return out;
  }

  /** One notification request received at `now`. */
  receive(now: number, alerts: NotifiedAlert[]): void {
    const addBack: ExpectedNotification[] = [];
    const missed: ExpectedNotification[] = [];
    const matched = new Map<string, ExpectedNotification>();
    for (const a of alerts) {
      const id = labelsKey(a.labels);
      const exp = this.candidates(now, id);
      const errs = this.errorsOf(a.labels.rulegroup ?? "");
      if (exp.length === 0) {
        errs.unexpected.push({ at: now, alert: a });
        continue;
      }
      let first: { expected: ExpectedNotification; reason: string } | null = null;
      let idx = -1;
      for (let i = 0; i < exp.length; i++) {
        const reason = mismatch(exp[i], now, a);
        if (reason === null) {
          idx = i;
          break;
        }
        first ??= { expected: exp[i], reason };
      }
      if (idx < 0) {
        addBack.push(...exp);
        errs.mismatched.push({ at: now, alert: a, ...(first as { expected: ExpectedNotification; reason: string }) });
        continue;
      }
      matched.set(id, exp[idx]);
      addBack.push(...exp.slice(idx + 1));
      // Earlier ones were due before this one: missed, unless they could be skipped. A re-send right after
      // a skipped one may be skipped too (its due time was never moved by a match).
      let lastSkippedResend = false;
      for (const m of exp.slice(0, idx)) {
        if (canBeSkipped(m)) {
          lastSkippedResend = m.resend;
          continue;
        }
        if (lastSkippedResend && m.resend) continue;
        lastSkippedResend = false;
        missed.push(m);
      }
    }
    this.expect(addBack);
    this.addMissed(missed);
    // Re-sends follow the send they repeat: move the next ones to one resend delay after this one.
    for (const [id, m] of matched) {
      const list = this.expected.get(id) ?? [];
      for (let i = 0; i < list.length; i++) {
        if (!sameLabels(list[i].labels, m.labels)) continue;
        if (!list[i].resend) break;
        list[i] = { ...list[i], ts: now + RESEND_DELAY_MS - MAX_RTT_MS };
      }
    }
  }

  /** The suite's periodic sweep for notifications that never came. */
  sweep(now: number): void {
    const missed: ExpectedNotification[] = [];
    for (const [key, list] of this.expected) {
      const keep: ExpectedNotification[] = [];
      for (const e of list) {
        if (isObsolete(e)) continue;
        if (windowEnd(e) < now) {
          if (!canBeSkipped(e)) missed.push(e);
        } else {
          keep.push(e);
        }
      }
      this.expected.set(key, keep);
    }
    this.addMissed(missed);
  }

  /** Errors recorded for a group so far. */
  errors(group: string): ReceptionErrors {
    return this.errs.get(group) ?? { missed: [], mismatched: [], unexpected: [] };
  }

  hasErrors(group: string): boolean {
    const e = this.errors(group);
    return e.missed.length + e.mismatched.length + e.unexpected.length > 0;
  }

  /** First sends (not re-sends) still waited for: at the end of a run, they never came. */
  stillExpected(group: string): ExpectedNotification[] {
    const out: ExpectedNotification[] = [];
    for (const list of this.expected.values()) {
      for (const e of list) if (!e.resend && e.labels.rulegroup === group) out.push(e);
    }
    return out;
  }
}

function showNotification(a: NotifiedAlert): string {
  return `${labelsKey(a.labels)} annotations=${labelsKey(a.annotations)} startsAt=${iso(a.startsAt)} endsAt=${iso(a.endsAt)}`;
}

function showExpected(e: ExpectedNotification): string {
  return `${e.resolved ? "resolved" : "firing"}${e.resend ? " re-send" : ""} due ${iso(e.ts)} ${labelsKey(e.labels)} annotations=${labelsKey(e.annotations)}`;
}

/** The reasons of a failed reception check, one per line, at most `limit` per kind. */
export function describeReception(errs: ReceptionErrors, still: ExpectedNotification[], limit = 5): string[] {
  const out: string[] = [];
  const take = <T>(list: T[], show: (x: T) => string, title: string) => {
    if (list.length === 0) return;
    out.push(`${title} (${list.length}):`);
    for (const x of list.slice(0, limit)) out.push(`  ${show(x)}`);
    if (list.length > limit) out.push(`  … ${list.length - limit} more`);
  };
  take(errs.missed, (e) => `missed ${showExpected(e)}`, "expected notifications that never came in their window");
  take(
    errs.mismatched,
    (m) => `at ${iso(m.at)} ${showNotification(m.alert)}: ${m.reason}`,
    "notifications that came in a window but differ",
  );
  take(
    errs.unexpected,
    (u) => `at ${iso(u.at)} ${showNotification(u.alert)}`,
    "unexpected notifications (unknown, out of their window, or one too many)",
  );
  take(still, (e) => `never received ${showExpected(e)}`, "first notifications still expected at the end");
  return out;
}

/** Parses an Alertmanager v2 request body (a JSON list of alerts); throws on anything else. */
export function parseNotification(body: string): NotifiedAlert[] {
  const raw: unknown = JSON.parse(body);
  if (!Array.isArray(raw)) throw new Error("body is not a JSON list");
  return raw.map((x) => {
    const o = (x ?? {}) as Record<string, unknown>;
    return {
      labels: stringRecord(o.labels),
      annotations: stringRecord(o.annotations),
      startsAt: goTime(o.startsAt),
      endsAt: goTime(o.endsAt),
      generatorURL: typeof o.generatorURL === "string" ? o.generatorURL : "",
    };
  });
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

/** RFC 3339 time; absent or Go's zero time (0001-01-01) is null. */
function goTime(v: unknown): number | null {
  if (typeof v !== "string" || v === "") return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Error(`bad time ${JSON.stringify(v)}`);
  return t <= GO_ZERO_TIME_MS ? null : t;
}

/** 0001-01-01T00:00:00Z, what Go sends for an unset time. */
const GO_ZERO_TIME_MS = -62_135_596_800_000;
