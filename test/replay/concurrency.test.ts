// -replay.ruleEvaluationConcurrency (range queries of one rule in flight at once) and the group's
// `concurrency` with -replay.rulesDelay=0: more requests at once, the same written series as one at a time.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "../../src/config/effective.js";
import type { EffectiveGroupConfig, RuleConfig } from "../../src/config/types.js";
import type { Querier, QuerierFactory, RangeQueryOptions, RangeQueryResult } from "../../src/datasource/types.js";
import { createMemoryWriter } from "../../src/remotewrite/memory.js";
import type { TimeSeries } from "../../src/remotewrite/types.js";
import { replay } from "../../src/replay/replay.js";
import { compileTemplate } from "../../src/template/index.js";

const MIN = 60_000;
const FROM = Date.UTC(2026, 0, 1, 0, 0, 0);
const TO = FROM + 59 * MIN;
const pos = { file: "x.yml", line: 1, col: 1 };

const settings = {
  resendDelay: 0,
  maxResolveDuration: 0,
  externalLabels: {},
  externalURL: "",
  externalURLRaw: "",
  disableAlertgroupLabel: false,
  maxStartDelay: 0,
  updateEntriesLimit: 20,
  maxActiveAlerts: 0,
};

function rule(r: Partial<RuleConfig> & { expr: string }): RuleConfig {
  return { for: 0, keepFiringFor: 0, labels: {}, annotations: {}, debug: false, pos, ...r };
}

function group(concurrency: number): EffectiveGroupConfig {
  return withGroupDefaults(
    {
      name: "g",
      file: "x.yml",
      interval: MIN,
      limit: 0,
      concurrency,
      type: "prometheus",
      labels: {},
      params: {},
      headers: [],
      notifierHeaders: [],
      debug: false,
      rules: [
        rule({ record: "r:a", expr: "a" }),
        rule({ record: "r:a2", expr: "a" }),
        rule({ record: "r:b", expr: "b" }),
        // A series that comes and goes (staleness) and an alert whose `for` spans chunk boundaries.
        rule({ record: "r:gappy", expr: "gappy" }),
        rule({ alert: "Up", expr: "a > 20", for: 4 * MIN, keepFiringFor: 2 * MIN }),
      ],
      checksum: "x",
      pos,
    },
    DEFAULT_GROUP_DEFAULTS,
  );
}

/** A range-query datasource with latency that records how many requests were in flight at once. */
class SlowRange implements Querier, QuerierFactory {
  inFlight = 0;
  maxInFlight = 0;
  requests = 0;

  forGroup(): Querier {
    return this;
  }

  async query(): Promise<never> {
    throw new Error("replay must not send instant queries here");
  }

  async queryRange(expr: string, o: RangeQueryOptions): Promise<RangeQueryResult> {
    this.requests++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 15));
    this.inFlight--;
    const points: { timestamp: number; value: number }[] = [];
    for (let t = o.start; t <= o.end; t += o.step) {
      const m = (t - FROM) / MIN;
      if (expr === "gappy" && m % 7 < 3) continue;
      const v = expr === "b" ? m * 2 : m % 30;
      if (expr === "a > 20" && !(m % 30 > 20)) continue;
      points.push({ timestamp: t, value: expr === "a > 20" ? m % 30 : v });
    }
    return { data: points.length ? [{ labels: { job: "x", __name__: expr }, points }] : [] };
  }
}

function canonical(series: TimeSeries[]): string[] {
  return series.flatMap((s) => s.samples.map((p) => `${JSON.stringify(s.labels)} ${p.timestamp} ${p.value}`)).sort();
}

async function run(ruleEvaluationConcurrency: number, concurrency: number, rulesDelay = 0) {
  const ds = new SlowRange();
  const writer = createMemoryWriter();
  await replay(
    [group(concurrency)],
    {
      from: FROM,
      to: TO,
      rulesDelay,
      maxDatapointsPerQuery: 7,
      ruleRetryAttempts: 1,
      disableProgressBar: true,
      continueWithExecutionErr: false,
      skipRules: 0,
      ruleEvaluationConcurrency,
    },
    { querierFactory: ds, writer, compileTemplate, settings, logger: pino({ level: "silent" }) },
  );
  return { ds, out: canonical(writer.series) };
}

describe("replay concurrency", () => {
  it("-replay.ruleEvaluationConcurrency runs range queries of a rule ahead, with the same results", async () => {
    const one = await run(1, 1);
    const four = await run(4, 1);
    expect(one.ds.maxInFlight).toBe(1);
    expect(four.ds.maxInFlight).toBe(4);
    expect(four.ds.requests).toBe(one.ds.requests);
    expect(one.out.length).toBeGreaterThan(200);
    expect(one.out.some((l) => l.includes('"ALERTS"') && l.includes("firing"))).toBe(true);
    expect(four.out).toEqual(one.out);
  });

  it("with -replay.rulesDelay=0 a group's rules run by its concurrency; rules with one expression take turns", async () => {
    const one = await run(1, 1);
    const three = await run(1, 3);
    expect(three.ds.maxInFlight).toBe(3);
    expect(three.out).toEqual(one.out);
    // A delay between rules keeps them one after another, as vmalert does.
    const delayed = await run(1, 3, 1);
    expect(delayed.ds.maxInFlight).toBe(1);
    expect(delayed.out).toEqual(one.out);
  });
});
