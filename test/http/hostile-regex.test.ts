// `match[]` brings a regular expression from the request. Classic catastrophic patterns, matched against
// 50,000-character label values of a rule and its alerts, must answer fast (a result, or 400 for syntax
// RE2 refuses) on every route that filters with match[], while /health stays fast meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATASTROPHIC } from "../helpers/catastrophic.js";
import { fakeData, fakeView } from "./fake-view.js";
import { get, type Started, start } from "./start.js";

/** The latency bound the hardening issue sets for each answer (generous for the regexps themselves). */
const ANSWER_BOUND_MS = 50;
const ROUTES = ["/api/v1/alerts", "/api/v1/rules", "/vmalert/alerts"];

// One label per distinct long input, on every rule and alert.
const inputs = [...new Set(CATASTROPHIC.map((c) => c.input))];
const labelOf = (input: string) => `long_${inputs.indexOf(input)}`;
const longLabels = Object.fromEntries(inputs.map((v) => [labelOf(v), v]));

let s: Started;
beforeAll(async () => {
  // On one alerting rule and its alerts: the fake view clones its data for every request.
  const data = fakeData();
  const r = data.groups.flatMap((g) => g.rules).find((x) => x.name === "HighLoad")!;
  r.labels = { ...r.labels, ...longLabels };
  for (const a of r.alerts ?? []) a.labels = { ...a.labels, ...longLabels };
  s = await start({}, fakeView(data));
  // Warm up the code paths (JIT) with other patterns, so the first case does not pay for compiling them.
  for (const route of ROUTES) {
    for (const re of ["a.*", "(b+)+$", "(.*b){5}", "(b|b?)+$", "(\\\\w+)*$"]) {
      await get(`${s.url}${route}?match[]=${encodeURIComponent(`{long_0=~"${re}"}`)}`);
    }
  }
});
afterAll(() => s.server.close());

/** GETs `path` while polling /health; returns the answer, its latency and the slowest /health. */
async function timed(path: string) {
  let done = false;
  let healthMaxMs = 0;
  let healthPolls = 0;
  const poll = (async () => {
    while (!done) {
      const t0 = performance.now();
      const h = await get(`${s.url}/health`);
      expect(h.status).toBe(200);
      healthMaxMs = Math.max(healthMaxMs, performance.now() - t0);
      healthPolls++;
      // Client and server share this process: leave the request room between polls.
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t0 = performance.now();
  const res = await get(s.url + path);
  const ms = performance.now() - t0;
  done = true;
  await poll;
  return { ...res, ms, healthMaxMs, healthPolls };
}

/**
 * Up to ATTEMPTS tries, stopping at the first within the bound: the suite shares two cores with other
 * test files, whose bursts can delay any single request; a backtracking regexp fails every try.
 */
const ATTEMPTS = 5;
async function fastestOf(path: string) {
  let best = await timed(path);
  for (let i = 1; i < ATTEMPTS && Math.max(best.ms, best.healthMaxMs) >= ANSWER_BOUND_MS; i++) {
    const next = await timed(path);
    if (Math.max(next.ms, next.healthMaxMs) < Math.max(best.ms, best.healthMaxMs)) best = next;
  }
  return best;
}

describe("catastrophic regexps in match[]", () => {
  for (const route of ROUTES) {
    it.each(CATASTROPHIC)(`${route} $pattern`, async ({ pattern, input, error }) => {
      const selector = `{${labelOf(input)}=~${JSON.stringify(pattern)}}`;
      const res = await fastestOf(`${route}?match[]=${encodeURIComponent(selector)}`);
      if (error) {
        expect(res.status).toBe(400);
        const text = route.startsWith("/api/") ? (JSON.parse(res.body) as { error: string }).error : res.body;
        expect(text).toContain(`bad regexp ${JSON.stringify(pattern)}: ${error}`);
      } else {
        expect(res.status).toBe(200);
      }
      expect(res.ms).toBeLessThan(ANSWER_BOUND_MS);
      expect(res.healthPolls).toBeGreaterThan(0);
      expect(res.healthMaxMs).toBeLessThan(ANSWER_BOUND_MS);
    });
  }

  it("filters correctly with RE2 semantics", async () => {
    const alerts = async (sel: string) => {
      const res = await get(`${s.url}/api/v1/alerts?match[]=${encodeURIComponent(sel)}`);
      return (JSON.parse(res.body) as { data: { alerts: unknown[] } }).data.alerts.length;
    };
    expect(await alerts('{long_0=~"(a+)+!"}')).toBe(2);
    expect(await alerts('{long_0=~"(a+)+"}')).toBe(0);
    expect(await alerts('{long_0!~"(a|aa)+$"}')).toBe(2);
    expect(await alerts('{instance=~"web-\\\\d"}')).toBe(2);
    expect(await alerts('{instance=~"WEB-1"}')).toBe(0);
    expect(await alerts('{instance=~"(?i)WEB-1"}')).toBe(1);
  });

  it("refuses a pattern too large to compile quickly, with Go's wording", async () => {
    const big = "a{1000}".repeat(20);
    const res = await fastestOf(`/api/v1/alerts?match[]=${encodeURIComponent(`{long_0=~"${big}"}`)}`);
    expect(res.status).toBe(400);
    expect(res.body).toContain("error parsing regexp: expression too large");
    expect(res.ms).toBeLessThan(ANSWER_BOUND_MS);
  });
});
