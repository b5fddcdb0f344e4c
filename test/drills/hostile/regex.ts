// Hostile input, regular expressions: the real tsalert (built binary) with a firing alert whose labels
// carry 50,000-character values. Catastrophic `match[]` regexps on every route that filters with them
// answer fast (a result, or 400 for syntax RE2 refuses) and /health stays fast meanwhile; an annotation
// template running `match` and `reReplaceAll` with catastrophic patterns on those labels renders every
// second without slowing the group.
import { afterAll, describe, expect, it } from "vitest";
import { CATASTROPHIC } from "../../helpers/catastrophic.js";
import { mib, recordFigures } from "../lib/report.js";
import { debugDump, type Stack, sleep, startStack, waitFor } from "../lib/stack.js";

/** Each answer, which carries 150 KB of labels per rule and alert, on a loaded 2-core machine. */
const ANSWER_BOUND_MS = 250;
/** /health, polled while the hostile requests run. */
const HEALTH_BOUND_MS = 100;
const ROUTES = ["/api/v1/alerts", "/api/v1/rules", "/vmalert/alerts"];

const inputs = [...new Set(CATASTROPHIC.map((c) => c.input))];
const labelOf = (input: string) => `long_${inputs.indexOf(input)}`;
const LONG_A = labelOf(CATASTROPHIC[0].input); // "aaa...a!"
const LONG_X = labelOf(CATASTROPHIC[2].input); // "xxx...x"
const LONG_W = labelOf(CATASTROPHIC[4].input); // "aaaa aaaa ... !"

const labelLines = inputs.map((v) => `          ${labelOf(v)}: "${v}"`).join("\n");
// Each function call below backtracks for hours on a JavaScript RegExp.
const SUMMARY = [
  `{{ if match "(a+)+$" $labels.${LONG_A} }}matched{{ else }}no{{ end }}`,
  `{{ reReplaceAll "(x+x+)+y" "-" $labels.${LONG_X} | len }}`,
  `{{ reReplaceAll "(\\\\w+\\\\s?)+$" "" $labels.${LONG_W} | len }}`,
].join(" ");

const RULES = `
groups:
  - name: drill-regex
    interval: 1s
    rules:
      - alert: DrillRegexTemplate
        expr: drill_value{drill="regex"} > 0
        labels:
${labelLines}
        annotations:
          summary: '${SUMMARY}'
`;

export function regexDrill(): void {
  describe("hostile input: regular expressions", () => {
    let stack: Stack;
    afterAll(async () => {
      await debugDump(stack);
      await stack?.stop();
    });

    it("catastrophic match[] regexps and template regexps stay fast on the real binary", async () => {
      stack = await startStack({ rules: RULES, args: ["-rule.resendDelay=1s"] });
      stack.feeder.set({ __name__: "drill_value", drill: "regex", instance: "a" }, 1);
      await stack.feeder.flush();
      await waitFor(async () => (await stack.alerts()).some((a) => a.state === "firing"), 30_000, "the alert to fire");

      // Template regexps: rendered every second on the long labels, with Go's results.
      const tpl = (await stack.alerts()).find((a) => a.name === "DrillRegexTemplate");
      expect(tpl?.annotations.summary).toBe("no 50000 50001");

      const url = stack.tsalert.url;
      // /health before any hostile request: what the machine and the 1 s evaluations cost by themselves.
      let baselineMaxMs = 0;
      for (const end = Date.now() + 3000; Date.now() < end; ) {
        const t0 = performance.now();
        await (await fetch(`${url}/health`)).arrayBuffer();
        baselineMaxMs = Math.max(baselineMaxMs, performance.now() - t0);
        await sleep(2);
      }
      // The routes' first answers (code not yet optimized by V8), with a harmless pattern: recorded only.
      let firstAnswerMs = 0;
      for (const route of ROUTES) {
        const t0 = performance.now();
        const res = await fetch(`${url}${route}?match[]=${encodeURIComponent(`{${LONG_A}=~"a.*"}`)}`);
        await res.arrayBuffer();
        firstAnswerMs = Math.max(firstAnswerMs, performance.now() - t0);
      }
      let healthMaxMs = 0;
      let healthPolls = 0;
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const t0 = performance.now();
          const res = await fetch(`${url}/health`);
          await res.arrayBuffer();
          expect(res.status).toBe(200);
          healthMaxMs = Math.max(healthMaxMs, performance.now() - t0);
          healthPolls++;
          await sleep(2);
        }
      })();

      const latencies: { route: string; pattern: string; ms: number; status: number }[] = [];
      try {
        for (const route of ROUTES) {
          for (const { pattern, input, error } of CATASTROPHIC) {
            const selector = `{${labelOf(input)}=~${JSON.stringify(pattern)}}`;
            const t0 = performance.now();
            const res = await fetch(`${url}${route}?match[]=${encodeURIComponent(selector)}`);
            const body = await res.text();
            const ms = performance.now() - t0;
            latencies.push({ route, pattern, ms, status: res.status });
            expect(res.status, `${route} ${pattern}`).toBe(error ? 400 : 200);
            if (error) expect(body).toContain(error.split(": `")[0]);
          }
        }
      } finally {
        polling = false;
        await poller;
      }

      // The group kept its schedule: the template rule evaluated recently, without errors and quickly.
      await sleep(1500);
      const rule = await stack.rule("drill-regex", "DrillRegexTemplate");
      expect(rule?.lastError).toBe("");
      expect(Date.now() - Date.parse(rule?.lastEvaluation ?? "")).toBeLessThan(3000);

      const worst = latencies.reduce((a, b) => (b.ms > a.ms ? b : a));
      await recordFigures("hostile-regex", {
        title: "hostile input: regular expressions",
        maxRssMiB: mib((await stack.memory()).hwmKiB),
        extra: {
          requests: latencies.length,
          refused400: latencies.filter((l) => l.status === 400).length,
          firstAnswerMs: Math.round(firstAnswerMs),
          worstAnswerMs: Math.round(worst.ms),
          worstAnswer: `${worst.route} ${worst.pattern}`,
          healthMaxMs: Math.round(healthMaxMs),
          healthBaselineMaxMs: Math.round(baselineMaxMs),
          healthPolls,
          templateEvalSeconds: Number((rule?.evaluationTime ?? 0).toFixed(4)),
        },
      });
      // On a machine busy enough to stall /health by itself (other work on the 2 cores), the bounds grow
      // with what it stalled before the first hostile request; a backtracking regexp stalls for minutes.
      const slack = (bound: number) => Math.max(bound, 2 * baselineMaxMs);
      for (const l of latencies) expect(l.ms, `${l.route} ${l.pattern}`).toBeLessThan(slack(ANSWER_BOUND_MS));
      expect(healthPolls).toBeGreaterThan(0);
      expect(healthMaxMs).toBeLessThan(slack(HEALTH_BOUND_MS));
    });
  });
}
