// Replay against the live engine: tsalert runs live (1s interval, 2s eval delay) over a short window,
// then the same range is replayed into a second VictoriaMetrics and the series are compared point by
// point. Both use real servers: victoria-metrics twice, tsalert as a child process, replay in-process.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { exportSeries, importSeries, seriesKey } from "../helpers/replay.js";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";
import { startTsalert } from "../helpers/tsalert.js";

const RULES = `groups:
  - name: live
    interval: 1s
    rules:
      - record: load:x2
        expr: load * 2
      - alert: HighLoad
        expr: load > 5
        for: 2s
        labels: {severity: warn}
`;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

describe("replay matches what the live engine wrote", () => {
  let source: RunningServer;
  let target: RunningServer;
  let dir: string;
  beforeAll(async () => {
    [source, target] = await Promise.all([startVictoriaMetrics(), startVictoriaMetrics()]);
    dir = await mkdtemp(join(tmpdir(), "replay-live-"));
    await writeFile(join(dir, "rules.yml"), RULES);
  });
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("recording series equal at every live point; ALERTS and ALERTS_FOR_STATE agree", { timeout: 90_000 }, async () => {
    // A 12 s sawtooth at 1 s resolution around now: above 5 for 6 s of every 12.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const points: { t: number; v: number }[] = [];
    for (let t = now - 120_000; t <= now + 60_000; t += 1000) points.push({ t, v: (t / 1000) % 12 });
    await importSeries(source.url, { __name__: "load", instance: "a" }, points);

    const live = await startTsalert({
      args: [
        `-rule=${join(dir, "rules.yml")}`,
        `-datasource.url=${source.url}`,
        `-remoteWrite.url=${source.url}`,
        "-remoteWrite.flushInterval=200ms",
        // VictoriaMetrics answers an instant query for the current second with the previous sample, so
        // the live engine looks 2 s back (vmalert's eval delay exists for the same reason).
        "-rule.evalDelay=2s",
        "-notifier.blackhole",
        "-loggerLevel=ERROR",
      ],
    });
    await new Promise((r) => setTimeout(r, 20_000));
    await live.stop();

    const liveRec = await exportSeries(source.url, "load:x2", now - 300_000);
    expect(liveRec).toHaveLength(1);
    const liveTimes = [...liveRec[0].points.keys()].sort((a, b) => a - b);
    expect(liveTimes.length).toBeGreaterThan(10);
    const from = liveTimes[0];
    const to = liveTimes[liveTimes.length - 1];

    let out = "";
    const add = (t: string) => {
      out += t;
    };
    const code = await main(
      [
        "replay",
        `-rule=${join(dir, "rules.yml")}`,
        `-datasource.url=${source.url}`,
        `-remoteWrite.url=${target.url}`,
        "-replay.rulesDelay=0s",
        "-replay.maxDatapointsPerQuery=7",
        "-replay.disableProgressBar",
        "-loggerLevel=ERROR",
        `--from=${iso(from)}`,
        `--to=${iso(to)}`,
      ],
      { out: add, err: add },
    );
    expect(out).toContain("replay succeed!");
    expect(code).toBe(0);

    const repRec = await exportSeries(target.url, "load:x2", now - 300_000);
    expect(repRec).toHaveLength(1);
    expect(seriesKey(repRec[0].labels)).toBe(seriesKey(liveRec[0].labels));
    // Replay evaluates every step of the range; the live engine may have skipped a tick under load.
    expect(repRec[0].points.size).toBe((to - from) / 1000 + 1);
    for (const [t, v] of liveRec[0].points) {
      if (Number.isNaN(v)) continue;
      expect(repRec[0].points.get(t), `load:x2 at ${iso(t)}`).toBe(v);
    }

    // ALERTS: the same alert states at the same timestamps, and ALERTS_FOR_STATE the same activeAt.
    for (const name of ["ALERTS", "ALERTS_FOR_STATE"]) {
      const liveS = await exportSeries(source.url, name, now - 300_000);
      const repS = new Map((await exportSeries(target.url, name, now - 300_000)).map((s) => [seriesKey(s.labels), s]));
      expect(liveS.length).toBeGreaterThan(0);
      let compared = 0;
      let differ = 0;
      for (const s of liveS) {
        const r = repS.get(seriesKey(s.labels));
        expect(r, `${name} ${seriesKey(s.labels)} missing in replay`).toBeDefined();
        for (const [t, v] of s.points) {
          // A live stale marker after the last evaluation (shutdown) is outside the replayed range.
          if (Number.isNaN(v) || t < from || t > to) continue;
          compared++;
          if (r?.points.get(t) !== v) differ++;
        }
      }
      expect(compared).toBeGreaterThan(5);
      // Documented difference: a tick the live engine skipped under load can shift one activeAt.
      expect(differ / compared, `${name}: ${differ} of ${compared} points differ`).toBeLessThanOrEqual(0.1);
    }
  });
});
