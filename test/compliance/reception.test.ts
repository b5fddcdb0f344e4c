// The harness's notification check: a compliant sequence of notifications leaves no error, and each
// wrong one (late, early, missing, extra, wrong annotations, startsAt or endsAt) is reported.
import { describe, expect, it } from "vitest";
import { allCases, type ComplianceCase } from "./cases.js";
import type { NotifiedAlert } from "./model.js";
import { describeReception, parseNotification, Reception } from "./reception.js";

const ZERO = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
const sec = (s: number) => ZERO + s * 1000;
const zeroFor = allCases().find((c) => c.group === "ZeroFor_SmallFor") as ComplianceCase;
const ZF = "ZeroFor_SmallFor_ZeroFor";
const zfLabels = { alertname: ZF, foo: "bar", rulegroup: "ZeroFor_SmallFor" };
const zfAnnotations = (ids: string) => ({
  description: "This should immediately fire",
  template_test: "1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC",
  template_query_test: `Args are: foo bar 99. first_id:101,${ids}`,
});

/** A reception waiting for the ZeroFor alert only (the other alert of the group is left out). */
function zfReception(): Reception {
  return new Reception(zeroFor.expectedNotifications(ZERO).filter((n) => n.labels.alertname === ZF));
}

/** What an engine evaluating at +5s +35s … sends, re-sending after more than a minute (Prometheus' rule). */
function prometheusLike(): { at: number; alert: NotifiedAlert }[] {
  const out: { at: number; alert: NotifiedAlert }[] = [];
  const firing = (at: number, start: number, ids: string) => ({
    at: at + 20,
    alert: {
      labels: zfLabels,
      annotations: zfAnnotations(ids),
      startsAt: start,
      endsAt: at + 240_000,
      generatorURL: "",
    },
  });
  const resolved = (at: number, start: number, end: number, ids: string) => ({
    at: at + 20,
    alert: { labels: zfLabels, annotations: zfAnnotations(ids), startsAt: start, endsAt: end, generatorURL: "" },
  });
  // Fires at 125 s (sample at 120 s), resolves at 335 s (sample at 315 s).
  for (const t of [125, 215, 305]) out.push(firing(sec(t), sec(125), "101:1,102:2,103:3,"));
  for (let t = 335; t <= 335 + 900; t += 90) out.push(resolved(sec(t), sec(125), sec(335), "101:1,102:2,103:3,"));
  // Fires again at 1415 s (sample at 1395 s), resolves at 1595 s (sample at 1590 s).
  for (const t of [1415, 1505]) out.push(firing(sec(t), sec(1415), "101:2,102:4,103:6,"));
  for (let t = 1595; t <= 1595 + 900; t += 90) out.push(resolved(sec(t), sec(1415), sec(1595), "101:2,102:4,103:6,"));
  return out;
}

function feed(r: Reception, list: { at: number; alert: NotifiedAlert }[]): void {
  let lastSweep = ZERO;
  for (const n of list) {
    while (lastSweep + 60_000 < n.at) {
      lastSweep += 60_000;
      r.sweep(lastSweep);
    }
    r.receive(n.at, [n.alert]);
  }
}

function problems(r: Reception): string[] {
  return describeReception(r.errors("ZeroFor_SmallFor"), r.stillExpected("ZeroFor_SmallFor"));
}

describe("notification check", () => {
  it("accepts a compliant sequence: first sends, re-sends, resolved re-sends for 15 minutes", () => {
    const r = zfReception();
    feed(r, prometheusLike());
    r.sweep(sec(2600));
    expect(problems(r)).toEqual([]);
  });

  it("reports a resolved notification whose annotations come from a later evaluation", () => {
    const r = zfReception();
    const list = prometheusLike();
    const third = list.filter((n) => n.alert.endsAt === sec(335))[2];
    third.alert = { ...third.alert, annotations: zfAnnotations("101:2,102:4,103:6,") };
    feed(r, list);
    expect(problems(r).join("\n")).toMatch(/came in a window but differ[\s\S]*annotations: expected/);
  });

  it("reports a startsAt on the sample's own timestamp (it must come after the sample)", () => {
    const r = zfReception();
    const list = prometheusLike();
    list[0].alert = { ...list[0].alert, startsAt: sec(120) };
    feed(r, list);
    expect(problems(r).join("\n")).toMatch(/startsAt .* expected within/);
  });

  it("reports a first notification that never came, and one sent too late", () => {
    const missing = zfReception();
    feed(missing, prometheusLike().slice(1));
    missing.sweep(sec(2600));
    expect(problems(missing).join("\n")).toMatch(/never came|still expected/);

    const late = zfReception();
    const list = prometheusLike();
    list[0].at = sec(165);
    feed(late, list);
    expect(problems(late).join("\n")).toMatch(/unexpected|never came/);
  });

  it("reports one re-send too many after the 15 minutes of resolved re-sends (once a minute)", () => {
    const r = zfReception();
    const list = prometheusLike().filter((n) => n.alert.endsAt !== sec(335));
    for (let t = 335; t <= 335 + 900; t += 60) {
      list.push({
        at: sec(t) + 20,
        alert: {
          labels: zfLabels,
          annotations: zfAnnotations("101:1,102:2,103:3,"),
          startsAt: sec(125),
          endsAt: sec(335),
          generatorURL: "",
        },
      });
    }
    list.sort((a, b) => a.at - b.at);
    feed(r, list);
    const e = r.errors("ZeroFor_SmallFor");
    expect(e.unexpected.map((u) => (u.at - ZERO - 20) / 1000)).toEqual([1235]);
  });

  it("reports an endsAt that does not follow the send time (firing) or the resolve time (resolved)", () => {
    const r = zfReception();
    const list = prometheusLike();
    list[0].alert = { ...list[0].alert, endsAt: list[0].at + 60_000 };
    list[3].alert = { ...list[3].alert, endsAt: sec(300) };
    feed(r, list);
    const text = problems(r).join("\n");
    expect(text.match(/endsAt .* expected within/g)).toHaveLength(2);
  });

  it("parses Alertmanager v2 bodies and Go's zero time", () => {
    const [a] = parseNotification(
      '[{"labels":{"a":"1"},"annotations":{},"startsAt":"2026-01-01T00:00:00.5Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://x/"}]',
    );
    expect(a.startsAt).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
    expect(a.endsAt).toBeNull();
    expect(() => parseNotification('{"labels":{}}')).toThrow(/not a JSON list/);
  });
});
