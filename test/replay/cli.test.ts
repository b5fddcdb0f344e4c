// Replay from the command line against real VictoriaMetrics: flag mode and subcommand, --compare,
// stopping, and the checks on range and flags.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "../../src/config/effective.js";
import { createQuerierFactory } from "../../src/datasource/querier.js";
import { createMemoryWriter } from "../../src/remotewrite/memory.js";
import { replay } from "../../src/replay/replay.js";
import { compileTemplate } from "../../src/template/index.js";
import { exportSeries, importSeries } from "../helpers/replay.js";
import { type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert } from "../helpers/tsalert.js";

const OLD = `groups:
  - name: g
    interval: 1m
    rules:
      - alert: Hot
        expr: temp > 50
        for: 2m
      - alert: Gone
        expr: temp < 0
`;
const NEW = `groups:
  - name: g
    interval: 1m
    rules:
      - alert: Hot
        expr: temp > 70
        for: 2m
      - alert: Cold
        expr: temp < 10
`;

// 2 h of temp at 1 m resolution, ending an hour ago: 0..99 rising, so each threshold is crossed once.
const END = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const START = END - 100 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const add = (t: string) => {
    out += t;
  };
  const code = await main(args, { out: add, err: add });
  return { code, out };
}

describe("replay CLI on real VictoriaMetrics", () => {
  let source: RunningServer;
  let target: RunningServer;
  let dir: string;
  beforeAll(async () => {
    [source, target] = await Promise.all([startVictoriaMetrics(), startVictoriaMetrics()]);
    dir = await mkdtemp(join(tmpdir(), "replay-cli-"));
    await writeFile(join(dir, "old.yml"), OLD);
    await writeFile(join(dir, "new.yml"), NEW);
    await writeFile(
      join(dir, "rec.yml"),
      "groups:\n  - name: r\n    interval: 1m\n    rules:\n      - record: temp:f\n        expr: temp * 9 / 5 + 32\n",
    );
    const points = [];
    for (let i = 0; i < 100; i++) points.push({ t: START + i * 60_000, v: i });
    await importSeries(source.url, { __name__: "temp", room: "a" }, points);
  });
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("flag mode (-replay.timeFrom) backfills a recording rule in chunks, every point once", async () => {
    const { code, out } = await cli([
      `-rule=${join(dir, "rec.yml")}`,
      `-datasource.url=${source.url}`,
      `-remoteWrite.url=${target.url}`,
      `-replay.timeFrom=${iso(START)}`,
      `-replay.timeTo=${iso(START + 99 * 60_000)}`,
      "-replay.maxDatapointsPerQuery=30",
      "-replay.disableProgressBar",
    ]);
    expect(out).toContain("replay succeed!");
    expect(out).toContain("requests to make: \t4");
    expect(code).toBe(0);
    const got = await exportSeries(target.url, "temp:f", START - 60_000);
    expect(got).toHaveLength(1);
    expect(got[0].labels).toEqual({ __name__: "temp:f", room: "a" });
    expect(got[0].points.size).toBe(100);
    for (let i = 0; i < 100; i++) expect(got[0].points.get(START + i * 60_000)).toBeCloseTo((i * 9) / 5 + 32, 9);
  });

  it("--compare prints the alerts that would have fired differently", async () => {
    const { code, out } = await cli([
      "replay",
      "--compare",
      join(dir, "old.yml"),
      join(dir, "new.yml"),
      `--from=${iso(START)}`,
      `--to=${iso(START + 99 * 60_000)}`,
      `-datasource.url=${source.url}`,
    ]);
    expect(code).toBe(1);
    // Hot fires from 53 m (51 + for 2m) with OLD, from 73 m with NEW.
    expect(out).toContain(`~ Hot{alertgroup="g", alertname="Hot", room="a"}`);
    expect(out).toContain(`OLD: ${iso(START + 53 * 60_000)}..${iso(START + 99 * 60_000)} (47 evaluations)`);
    expect(out).toContain(`NEW: ${iso(START + 73 * 60_000)}..${iso(START + 99 * 60_000)} (27 evaluations)`);
    expect(out).toContain(`+ Cold{alertgroup="g", alertname="Cold", room="a"}`);
    expect(out).toContain(`fired only with NEW: ${iso(START)}..${iso(START + 9 * 60_000)} (10 evaluations)`);
    expect(out).not.toContain("Gone");
    expect(out).toContain("2 alerts differ: 0 only with OLD, 1 only with NEW, 1 fired at different times");
  });

  it("--compare of a rule set with itself finds no difference", async () => {
    const { code, out } = await cli([
      "replay",
      "--compare",
      join(dir, "old.yml"),
      join(dir, "old.yml"),
      `--from=${iso(START)}`,
      `--to=${iso(END)}`,
      `-datasource.url=${source.url}`,
    ]);
    expect(out).toContain("no difference");
    expect(code).toBe(0);
  });

  it("rejects an empty range, a future range and a missing -remoteWrite.url", async () => {
    const base = [`-rule=${join(dir, "rec.yml")}`, `-datasource.url=${source.url}`, `-remoteWrite.url=${target.url}`];
    const empty = await cli([...base, `-replay.timeFrom=${iso(START)}`, `-replay.timeTo=${iso(START)}`]);
    expect(empty.code).toBe(2);
    expect(empty.out).toMatch(/later than -replay.timeFrom/);
    const future = await cli([...base, `-replay.timeFrom=${iso(Date.now() + 3_600_000)}`]);
    expect(future.code).toBe(2);
    expect(future.out).toMatch(/in the future/);
    const noRW = await cli([base[0], base[1], `-replay.timeFrom=${iso(START)}`]);
    expect(noRW.code).toBe(2);
    expect(noRW.out).toMatch(/needs -remoteWrite.url/);
    const bad = await cli(["replay", ...base, "--from=yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/RFC3339/);
  });

  it("stops cleanly when aborted and names the time to resume from", async () => {
    const qf = createQuerierFactory({ url: source.url, nocache: true });
    const ctl = new AbortController();
    const writer = createMemoryWriter();
    let evaluated = 0;
    const summary = await replay(
      [
        withGroupDefaults(
          {
            name: "r",
            file: "x.yml",
            interval: 60_000,
            limit: 0,
            concurrency: 1,
            type: "prometheus",
            labels: {},
            params: {},
            headers: [],
            notifierHeaders: [],
            debug: false,
            rules: [
              {
                record: "temp:copy",
                expr: "temp",
                for: 0,
                keepFiringFor: 0,
                labels: {},
                annotations: {},
                debug: false,
                pos: { file: "x.yml", line: 1, col: 1 },
              },
            ],
            checksum: "x",
            pos: { file: "x.yml", line: 1, col: 1 },
          },
          DEFAULT_GROUP_DEFAULTS,
        ),
      ],
      {
        from: START,
        to: START + 99 * 60_000,
        rulesDelay: 0,
        maxDatapointsPerQuery: 10,
        ruleRetryAttempts: 1,
        disableProgressBar: true,
        continueWithExecutionErr: false,
        skipRules: 0,
        ruleEvaluationConcurrency: 1,
      },
      {
        querierFactory: qf,
        writer,
        compileTemplate: (t, o) => compileTemplate(t, o),
        settings: {
          resendDelay: 0,
          maxResolveDuration: 0,
          externalLabels: {},
          externalURL: "",
          externalURLRaw: "",
          disableAlertgroupLabel: false,
          maxStartDelay: 0,
          updateEntriesLimit: 20,
          maxActiveAlerts: 0,
        },
        logger: pino({ level: "silent" }),
        signal: ctl.signal,
        progress: {
          update: (_l, done) => {
            evaluated = done;
            if (done === 25) ctl.abort(new Error("SIGINT"));
          },
          ruleDone: () => {},
          finish: () => {},
        },
      },
    );
    await qf.close();
    expect(evaluated).toBe(25);
    expect(summary.interruptedAt).toBe(START + 25 * 60_000);
    const written = writer.named("temp:copy").flatMap((s) => s.samples.map((p) => p.timestamp));
    expect(new Set(written).size).toBe(25);
  });

  it("SIGINT stops a running replay process cleanly (exit 1, where it stopped)", { timeout: 60_000 }, async () => {
    const rules = ["groups:", "  - name: slow", "    interval: 1m", "    rules:"];
    for (let i = 0; i < 5; i++) rules.push(`      - record: temp:c${i}`, `        expr: temp + ${i}`);
    await writeFile(join(dir, "slow.yml"), `${rules.join("\n")}\n`);
    const p = await startTsalert({
      waitReady: false,
      args: [
        "replay",
        `-rule=${join(dir, "slow.yml")}`,
        `-datasource.url=${source.url}`,
        `-remoteWrite.url=${target.url}`,
        `--from=${iso(START)}`,
        `--to=${iso(START + 99 * 60_000)}`,
        "-replay.rulesDelay=30s",
        "-replay.disableProgressBar",
      ],
    });
    try {
      await waitFor(async () => p.logs().includes('rule "temp:c0": 100 points'), 20_000, "first rule done");
      p.proc.kill("SIGINT");
      const code = await p.exited;
      expect(code).toBe(1);
      expect(p.logs()).toMatch(/replay interrupted in group "slow" rule "temp:c1"/);
      expect(p.logs()).not.toContain("replay succeed!");
      expect(p.logs()).toContain(
        `resume with the same flags and -replay.timeFrom=${iso(START)} -replay.timeTo=${iso(START + 99 * 60_000)} -replay.skipRules=1`,
      );
    } finally {
      await p.kill();
    }
    // What the first rule wrote was delivered before exit.
    const got = await exportSeries(target.url, "temp:c0", START - 60_000);
    expect(got[0]?.points.size).toBe(100);

    // Resuming as printed replays only the rules the first run did not complete.
    const resumed = await startTsalert({
      waitReady: false,
      args: [
        "replay",
        `-rule=${join(dir, "slow.yml")}`,
        `-datasource.url=${source.url}`,
        `-remoteWrite.url=${target.url}`,
        `-replay.timeFrom=${iso(START)}`,
        `-replay.timeTo=${iso(START + 99 * 60_000)}`,
        "-replay.skipRules=1",
        "-replay.rulesDelay=0s",
        "-replay.disableProgressBar",
      ],
    });
    try {
      expect(await resumed.exited).toBe(0);
      expect(resumed.logs()).not.toContain('rule "temp:c0"');
      expect(resumed.logs()).toContain('rule "temp:c4": 100 points');
    } finally {
      await resumed.kill();
    }
    for (let i = 1; i < 5; i++) {
      const series = await exportSeries(target.url, `temp:c${i}`, START - 60_000);
      expect(series[0]?.points.size).toBe(100);
    }
  });
});
