// State restore from ALERTS_FOR_STATE written by our own remote writer into a real VictoriaMetrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQuerierFactory, type GroupQuerySettings } from "../../src/datasource/index.js";
import { TsalertError } from "../../src/errors.js";
import { createRestorer, restoreExpr } from "../../src/remoteread/index.js";
import { createRemoteWriter, type TimeSeries } from "../../src/remotewrite/index.js";
import { freePort, type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";
import { captureLogger } from "../remotewrite/log.js";

const group: GroupQuerySettings = { type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [] };

function forState(labels: Record<string, string>, activeAtS: number, at: number): TimeSeries {
  const all = { __name__: "ALERTS_FOR_STATE", ...labels };
  return {
    labels: Object.keys(all)
      .sort()
      .map((name) => ({ name, value: all[name as keyof typeof all] })),
    samples: [{ value: activeAtS, timestamp: at }],
  };
}

describe("restoreExpr", () => {
  const q = { groupName: "G", alertName: "A", group, time: 0, ruleLabels: {} as Record<string, string> };
  it("builds vmalert's default_rollup query with group, name and the (literal) rule labels", () => {
    expect(restoreExpr({ ...q, ruleLabels: { team: "db", alertname: "X", env: 'a"b\\c' } }, 3_600_000)).toBe(
      'default_rollup(ALERTS_FOR_STATE{alertgroup="G",alertname="A",env="a\\"b\\\\c",team="db"}[3600s])',
    );
  });
  it("drops alertgroup with -disableAlertgroupLabel", () => {
    expect(restoreExpr({ ...q, ruleLabels: { x: "{{ open" } }, 90_500, true)).toBe(
      'default_rollup(ALERTS_FOR_STATE{alertname="A",x="{{ open"}[90s])',
    );
  });
});

describe("restore from real victoria-metrics", () => {
  let vm: RunningServer;
  const now = Math.floor(Date.now() / 1000) * 1000;
  const at = now - 120_000;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    const w = createRemoteWriter({ url: vm.url }, captureLogger().logger);
    w.push([
      forState({ alertname: "HighLoad", alertgroup: "G", team: "db", instance: "h1" }, at / 1000 - 300, at),
      forState({ alertname: "HighLoad", alertgroup: "G", team: "db", instance: "h2" }, at / 1000 - 30, at),
      // Other group, other rule label, other alert: not ours.
      forState({ alertname: "HighLoad", alertgroup: "Other", team: "db", instance: "h1" }, 1, at),
      forState({ alertname: "HighLoad", alertgroup: "G", team: "web", instance: "h3" }, 2, at),
      forState({ alertname: "Else", alertgroup: "G", team: "db" }, 3, at),
      // Older than the look-back.
      forState({ alertname: "Old", alertgroup: "G" }, 4, now - 3 * 3_600_000),
    ]);
    await w.close(10_000);
    await fetch(`${vm.url}/internal/force_flush`);
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it("finds the rule's alerts with their labels and activeAt", async () => {
    const r = createRestorer({ querierFactory: createQuerierFactory({ url: vm.url }) });
    const got = await r.restore({
      groupName: "G",
      alertName: "HighLoad",
      ruleLabels: { team: "db" },
      group,
      time: now - 1000,
    });
    expect(got.sort((a, b) => a.labels.instance.localeCompare(b.labels.instance))).toEqual([
      { labels: { alertname: "HighLoad", alertgroup: "G", team: "db", instance: "h1" }, activeAt: at - 300_000 },
      { labels: { alertname: "HighLoad", alertgroup: "G", team: "db", instance: "h2" }, activeAt: at - 30_000 },
    ]);
  });

  it("honours the look-back", async () => {
    const q = { groupName: "G", alertName: "Old", ruleLabels: {}, group, time: now - 1000 };
    expect(await createRestorer({ querierFactory: createQuerierFactory({ url: vm.url }) }).restore(q)).toEqual([]);
    const wide = createRestorer({ querierFactory: createQuerierFactory({ url: vm.url }), lookback: 4 * 3_600_000 });
    expect(await wide.restore(q)).toEqual([{ labels: { alertname: "Old", alertgroup: "G" }, activeAt: 4000 }]);
  });

  it("reports query failures as TSA_REMOTEREAD with the group and rule", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = createRestorer({ querierFactory: createQuerierFactory({ url: dead }) });
    const err = await r
      .restore({ groupName: "G", alertName: "HighLoad", ruleLabels: {}, group, time: now })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).code).toBe("TSA_REMOTEREAD");
    expect((err as TsalertError).message).toMatch(
      /^group "G" rule "HighLoad": cannot restore alert state with default_rollup/,
    );
  });
});
