// Hostile input, templates: a group whose annotations are valid but expensive to run, beside a healthy
// 1 s group, on the built binary with real VictoriaMetrics and Alertmanager.
// - `{{ range 4900000 }}{{ end }}` over 20 series: each alert's texts stop at -rule.templateTimeout and the
//   alert fires with the budget error as its annotation;
// - `printf "%.*f" 30000000 $value` (and the written forms): Go's limits, `%!(BADPREC)` / `%!(NOVERB)`, no
//   gigabytes of digits;
// - 200 distinct `query` calls per alert: the cap stops them (error annotation), and the alerts of one
//   evaluation share the answers.
// Expected: the healthy group misses no iteration and has no error, /health answers within 100 ms
// throughout, the hostile alerts reach Alertmanager with their error annotations, and SIGTERM completes
// within the documented bound (README, Shutdown: iterations in flight get 5 s).
import { afterAll, describe, expect, it } from "vitest";
import { FLAGS_BY_NAME } from "../../../src/cli/flags.js";
import { amAlerts } from "../../helpers/e2e.js";
import { mib, recordFigures } from "../lib/report.js";
import { debugDump, type Stack, sleep, startStack, waitFor } from "../lib/stack.js";

const SERIES = 20;
/** tsalert runs with the default -rule.templateTimeout; the flag table is where it is decided. */
const TEMPLATE_TIMEOUT = FLAGS_BY_NAME.get("rule.templateTimeout")?.default;
const TIME_UP = `error evaluating template: template execution exceeded the time budget of ${TEMPLATE_TIMEOUT} (-rule.templateTimeout)`;
/** /health must answer within this while the hostile group runs. */
const HEALTH_BOUND_MS = 100;
const WATCH_MS = 20_000;
/** README, Shutdown: iterations in flight get 5 s; one more second to exit. */
const SHUTDOWN_BOUND_MS = 6000;

const RULES = `groups:
  - name: healthy
    interval: 1s
    rules:
      - alert: HealthyUp
        expr: drill_tpl_healthy > 0
        annotations:
          summary: "healthy {{ $value }} on {{ $labels.instance }}"
  - name: hostile
    interval: 1s
    rules:
      - alert: TplRange
        expr: drill_tpl_series > 0
        annotations:
          summary: "{{ range 4900000 }}{{ end }}done"
      - alert: TplPrintf
        expr: drill_tpl_series > 0
        annotations:
          star: '{{ printf "%.*f" 30000000 $value }}'
          written: '{{ printf "%.30000000f" $value }}|{{ printf "%30000000d" 1 }}'
      - alert: TplQueries
        expr: drill_tpl_series > 0
        annotations:
          summary: '{{ range $i := 200 }}{{ query (printf "vector(%d)" $i) | len }}{{ end }}'
`;

async function vmInstantQueries(stack: Stack): Promise<number> {
  const text = await (await fetch(`${stack.vm.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('vm_http_requests_total{path="/api/v1/query"}'));
  return Number(line?.split(" ")[1] ?? 0);
}

export function templatesDrill(): void {
  describe("hostile input: template budgets", () => {
    let stack: Stack;
    afterAll(async () => {
      await debugDump(stack);
      await stack?.stop();
    });

    it("a hostile group fires with budget errors while a healthy 1 s group, /health and SIGTERM keep their bounds", async () => {
      stack = await startStack({
        rules: RULES,
        alertmanagers: 1,
        args: ["-rule.resendDelay=1s"],
      });
      stack.feeder.set({ __name__: "drill_tpl_healthy", instance: "h" }, 1);
      for (let i = 0; i < SERIES; i++) stack.feeder.set({ __name__: "drill_tpl_series", i: String(i) }, i + 0.5);
      await stack.feeder.flush();

      // The first hostile evaluation is through once all three hostile rules hold their 20 alerts.
      await waitFor(
        async () => {
          const alerts = await stack.alerts();
          return ["TplRange", "TplPrintf", "TplQueries"].every(
            (name) => alerts.filter((a) => a.name === name && a.state === "firing").length === SERIES,
          );
        },
        60_000,
        "the hostile alerts firing",
      );
      await waitFor(async () => (await stack.rule("healthy", "HealthyUp"))?.state === "firing", 20_000, "HealthyUp");

      const missed0 = await stack.metric("vmalert_iteration_missed_total", { group: "healthy" });
      const iterations0 = await stack.metric("vmalert_iteration_total", { group: "healthy" });
      const hostile0 = await stack.metric("vmalert_iteration_total", { group: "hostile" });
      const errors0 = await stack.metric("vmalert_alerting_rules_errors_total", { alertname: "HealthyUp" });
      const queries0 = await vmInstantQueries(stack);
      // Reading /metrics restarts prom-client's event-loop delay histogram: the max read after the watch is
      // tsalert's own worst delay during it, apart from what the network and the test process add.
      await stack.metrics();
      const watchStart = Date.now();
      const latencies: number[] = [];
      while (Date.now() - watchStart < WATCH_MS) {
        const t = performance.now();
        const res = await fetch(`${stack.tsalert.url}/health`);
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        latencies.push(performance.now() - t);
        await sleep(50);
      }
      const watchedSeconds = (Date.now() - watchStart) / 1000;
      const loopDelayMaxMs = 1000 * (await stack.metric("nodejs_eventloop_lag_max_seconds"));
      const maxHealthMs = Math.max(...latencies);
      const polls = latencies.length;
      if (process.env.DRILLS_DEBUG) {
        const slow = latencies.map((ms, i) => [Math.round(ms), i * 50]).sort((a, b) => b[0] - a[0]);
        console.log(
          `slowest /health (ms, ~offset ms): ${JSON.stringify(slow.slice(0, 8))}; loop delay max ${loopDelayMaxMs} ms`,
        );
      }
      const healthyMissed = (await stack.metric("vmalert_iteration_missed_total", { group: "healthy" })) - missed0;
      const healthyIterations = (await stack.metric("vmalert_iteration_total", { group: "healthy" })) - iterations0;
      const hostileIterations = (await stack.metric("vmalert_iteration_total", { group: "hostile" })) - hostile0;
      const healthyErrors =
        (await stack.metric("vmalert_alerting_rules_errors_total", { alertname: "HealthyUp" })) - errors0;
      const queries = (await vmInstantQueries(stack)) - queries0;

      expect(maxHealthMs, "slowest /health answer, ms").toBeLessThan(HEALTH_BOUND_MS);
      expect(healthyMissed, "iterations the healthy group missed").toBe(0);
      expect(healthyErrors, "errors of the healthy rule (a blocked loop shows as query timeouts)").toBe(0);
      expect(healthyIterations).toBeGreaterThanOrEqual(Math.floor(watchedSeconds) - 1);
      expect((await stack.rule("healthy", "HealthyUp"))?.lastError).toBe("");
      expect(stack.tsalert.logs()).not.toMatch(/rule "HealthyUp"/);

      // The hostile alerts: firing, with the error (or Go's printf annotation) as their text.
      const alerts = await stack.alerts();
      const of = (name: string) => alerts.filter((a) => a.name === name);
      for (const a of of("TplRange")) expect(a.annotations.summary).toBe(TIME_UP);
      for (const a of of("TplPrintf")) {
        const value = Number(a.labels.i) + 0.5;
        expect(a.annotations.star).toBe(`%!(BADPREC)${value.toFixed(6)}`);
        expect(a.annotations.written).toBe(`%!(NOVERB)%!(EXTRA float64=${value})|%!(NOVERB)%!(EXTRA int=1)`);
      }
      for (const a of of("TplQueries")) {
        expect(a.annotations.summary).toMatch(
          /^error evaluating template: template: :1:\d+: executing "" at <query .*>: error calling query: too many distinct queries in one rendering: at most 32 are allowed$/,
        );
      }
      const range = await stack.rule("hostile", "TplRange");
      expect(range?.lastError).toBe(`failed to expand templates: summary: ${TIME_UP}`);
      const queriesRule = await stack.rule("hostile", "TplQueries");
      expect(queriesRule?.lastError).toContain("too many distinct queries");

      // Alertmanager holds them with the same texts.
      const am = stack.alertmanagers[0].server.url;
      await waitFor(async () => (await amAlerts(am, "TplRange")).length === SERIES, 20_000, "TplRange in Alertmanager");
      for (const a of await amAlerts(am, "TplRange")) expect(a.annotations.summary).toBe(TIME_UP);
      await waitFor(async () => (await amAlerts(am, "TplQueries")).length === SERIES, 20_000, "TplQueries in AM");
      expect((await amAlerts(am, "HealthyUp")).length).toBe(1);

      const mem = await stack.memory();
      const termAt = Date.now();
      stack.tsalert.proc.kill("SIGTERM");
      const code = await Promise.race([stack.tsalert.exited, sleep(30_000).then(() => "still running")]);
      const exitSeconds = (Date.now() - termAt) / 1000;
      expect(code).toBe(0);
      expect(exitSeconds * 1000).toBeLessThan(SHUTDOWN_BOUND_MS);
      expect(stack.tsalert.logs()).toMatch(/stopped/);

      await recordFigures("hostile-templates", {
        title: "hostile templates beside a healthy 1 s group",
        maxRssMiB: mib(mem.hwmKiB),
        extra: {
          healthMaxMs: Math.round(maxHealthMs),
          healthPolls: polls,
          loopDelayMaxMs: Math.round(loopDelayMaxMs),
          healthyIterations,
          healthyMissed,
          hostileIterations,
          datasourceQueriesPerSecond: Math.round(queries / watchedSeconds),
          exitSeconds,
        },
      });
    });
  });
}
