// Templates inside the engine: -rule.templateTimeout per alert, the rule yielding to the event loop while it
// works through many series, and `query` results shared by the alerts of one evaluation.
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CompileTemplate } from "../../src/rule/types.js";
import { MAX_QUERIES } from "../../src/template/limits.js";
import { alertRule, series } from "./fakes.js";
import { alerting, harness, never } from "./harness.js";

const T0 = Date.UTC(2026, 7, 20, 8, 0, 0);
const BUDGET_MS = 20;
const TIME_UP = `error evaluating template: template execution exceeded the time budget of ${BUDGET_MS}ms (-rule.templateTimeout)`;
/**
 * How long a 10 ms timer may be held up by work on the event loop while a rule evaluates. Generous for a
 * busy 2-core machine; without yielding, the rules below hold the event loop for seconds.
 */
const MAX_TIMER_LAG_MS = 250;

/**
 * Runs fn while a 10 ms interval timer measures how late it fires; returns fn's result and the worst lag.
 * A late tick counts only the CPU time the process spent in between: on a machine busy with other
 * processes the kernel may not run this one for a while, which is no work of the rule's.
 */
async function withLagProbe<T>(fn: () => Promise<T>): Promise<{ result: T; maxLagMs: number }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let maxLagMs = 0;
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    maxLagMs = Math.max(maxLagMs, Math.min(now - last - 10, cpuMs));
    last = now;
    lastCpu = process.cpuUsage();
  };
  const timer = setInterval(tick, 10);
  try {
    const result = await fn();
    tick();
    return { result, maxLagMs };
  } finally {
    clearInterval(timer);
  }
}

function hostileSeries(n: number) {
  return Array.from({ length: n }, (_, i) => series({ __name__: "x", i: String(i) }, i));
}

describe("-rule.templateTimeout", () => {
  it("fails the texts of each alert past the budget; the alerts still fire and the rule shows the error", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const h = harness({ templateTimeout: BUDGET_MS });
    h.inputs.logger = logger;
    h.deps.q.set("x", hostileSeries(20));
    const r = alerting(
      h,
      alertRule({
        alert: "Hostile",
        expr: "x",
        annotations: {
          before: "series {{ $labels.i }}",
          summary: "{{ range 4900000 }}{{ end }}",
          after: "{{ $value }}",
        },
      }),
    );
    const { result: out, maxLagMs } = await withLagProbe(() => r.exec(T0, never));
    expect(r.alerts.size).toBe(20);
    expect(out.alerts).toHaveLength(20);
    for (const a of r.alerts.values()) {
      expect(a.state).toBe("firing");
      expect(a.annotations.before).toBe(`series ${a.labels.i}`);
      // One budget for the alert: once spent, its later texts fail without running.
      expect(a.annotations.summary).toBe(TIME_UP);
      expect(a.annotations.after).toBe(TIME_UP);
    }
    const api = r.api(false);
    expect(api.health).toBe("err");
    expect(api.lastError).toBe(`failed to expand templates: summary: ${TIME_UP}`);
    expect(lines.join("")).toContain(
      `rule \\"Hostile\\": failed to execute: failed to expand templates: summary: ${TIME_UP}`,
    );
    expect(maxLagMs).toBeLessThan(MAX_TIMER_LAG_MS);
  });

  it("renders an alert once more after its texts ran out of time; only a second failure counts", async () => {
    // A stand-in engine whose texts run out of time on the first attempt for series "0" (as when the
    // machine stalls the render) and on every attempt for series "1" (as a hostile template does).
    const attempts = new Map<string, number>();
    const compile: CompileTemplate = (text) => ({
      async render(data, ctx) {
        const n = (attempts.get(data.labels.i) ?? 0) + 1;
        attempts.set(data.labels.i, n);
        if (data.labels.i === "1" || (data.labels.i === "0" && n === 1)) {
          if (ctx.budget) ctx.budget.exhausted = true;
          throw new Error("template execution exceeded the time budget of 20ms (-rule.templateTimeout)");
        }
        return `${text}:${data.labels.i}`;
      },
    });
    const h = harness({ templateTimeout: BUDGET_MS });
    h.deps.compileTemplate = compile;
    h.deps.q.set("x", hostileSeries(3));
    const r = alerting(h, alertRule({ alert: "Retry", expr: "x", annotations: { s: "{{ s }}" } }));
    await r.exec(T0, never);
    const byI = Object.fromEntries([...r.alerts.values()].map((a) => [a.labels.i, a.annotations.s]));
    expect(byI).toEqual({ "0": "{{ s }}:0", "1": TIME_UP, "2": "{{ s }}:2" });
    expect(Object.fromEntries(attempts)).toEqual({ "0": 2, "1": 2, "2": 1 });
    // The error reported is the second attempt's, once.
    expect(r.api(false).lastError).toBe(`failed to expand templates: s: ${TIME_UP}`);
  });

  it("label templates share the alert's budget", async () => {
    const h = harness({ templateTimeout: BUDGET_MS });
    h.deps.q.set("x", hostileSeries(2));
    const r = alerting(
      h,
      alertRule({
        alert: "L",
        expr: "x",
        labels: { slow: "{{ range 4900000 }}{{ end }}" },
        annotations: { s: "{{ $value }}" },
      }),
    );
    await r.exec(T0, never);
    for (const a of r.alerts.values()) {
      expect(a.labels.slow).toBe(TIME_UP);
      expect(a.annotations.s).toBe(TIME_UP);
    }
  });
});

describe("a rule with many series yields to the event loop", () => {
  it("a timer keeps its schedule while 50,000 alerts render their templates", async () => {
    const h = harness();
    h.deps.q.set("x", hostileSeries(50_000));
    const r = alerting(
      h,
      alertRule({
        alert: "Many",
        expr: "x",
        labels: { team: "{{ $labels.i }}-t" },
        annotations: { summary: "{{ $labels.i }} is {{ $value | humanize }}" },
      }),
    );
    const { maxLagMs } = await withLagProbe(() => r.exec(T0, never));
    expect(r.alerts.size).toBe(50_000);
    expect(maxLagMs).toBeLessThan(MAX_TIMER_LAG_MS);
  });
});

describe("query in templates", () => {
  it("asks the datasource once per distinct expression in one evaluation, across all alerts", async () => {
    const h = harness();
    h.deps.q.set("x", hostileSeries(10));
    h.deps.q.set("up", [series({ job: "a" }), series({ job: "b" })]);
    const r = alerting(
      h,
      alertRule({
        alert: "Q",
        expr: "x",
        annotations: {
          a: '{{ query "up" | len }}/{{ query (printf "own{i=%q}" $labels.i) | len }}',
          b: '{{ range query "up" }}{{ .Labels.job }}{{ end }}',
        },
      }),
    );
    await r.exec(T0, never);
    const asked = h.deps.q.calls.map((c) => c.expr);
    expect(asked.filter((e) => e === "x")).toHaveLength(1);
    expect(asked.filter((e) => e === "up")).toHaveLength(1);
    expect(asked.filter((e) => e.startsWith("own"))).toHaveLength(10);
    expect(h.deps.q.calls.every((c) => c.time === T0)).toBe(true);
    expect([...r.alerts.values()][0].annotations).toEqual({ a: "2/0", b: "ab" });
    // A new evaluation asks again.
    await r.exec(T0 + 60_000, never);
    expect(h.deps.q.calls.filter((c) => c.expr === "up")).toHaveLength(2);
  });

  it(`caps distinct queries per alert at ${MAX_QUERIES}; the alert still fires with the error`, async () => {
    const h = harness();
    h.deps.q.set("x", hostileSeries(3));
    const r = alerting(
      h,
      alertRule({
        alert: "ManyQ",
        expr: "x",
        annotations: { s: '{{ range $i := 100 }}{{ query (printf "vector(%d)" $i) | len }}{{ end }}' },
      }),
    );
    await r.exec(T0, never);
    expect(r.alerts.size).toBe(3);
    for (const a of r.alerts.values()) {
      expect(a.state).toBe("firing");
      expect(a.annotations.s).toMatch(
        /^error evaluating template: template: :1:\d+: executing "" at <query .*>: error calling query: too many distinct queries in one rendering: at most 32 are allowed$/,
      );
    }
    expect(h.deps.q.calls.filter((c) => c.expr.startsWith("vector("))).toHaveLength(MAX_QUERIES);
    expect(r.api(false).lastError).toContain("too many distinct queries");
  });
});
