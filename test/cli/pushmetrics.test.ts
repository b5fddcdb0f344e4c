// -pushmetrics.*: the built binary pushes its /metrics to a real VictoriaMetrics.
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withExtraLabels } from "../../src/metricspush.js";
import { type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

describe("withExtraLabels", () => {
  it("adds the labels to samples with and without labels, leaves comments alone", () => {
    const text = '# HELP a x\n# TYPE a counter\na 1\nb{x="1"} 2\nc{} 3\n';
    expect(withExtraLabels(text, { instance: 'i"1' })).toBe(
      '# HELP a x\n# TYPE a counter\na{instance="i\\"1"} 1\nb{x="1",instance="i\\"1"} 2\nc{instance="i\\"1"} 3\n',
    );
    expect(withExtraLabels(text, {})).toBe(text);
  });
});

describe("-pushmetrics.url", () => {
  let vm: RunningServer;
  let ts: TsalertProcess;
  let dir: string;
  beforeAll(async () => {
    vm = await startVictoriaMetrics(["-search.latencyOffset=0s"]);
    dir = await mkdtemp(join(tmpdir(), "tsalert-push-"));
    const rules = join(dir, "r.rules");
    writeFileSync(
      rules,
      "groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: A\n        expr: vector(1)\n",
    );
    ts = await startTsalert({
      args: [
        `-rule=${rules}`,
        `-datasource.url=${vm.url}`,
        "-notifier.blackhole",
        `-pushmetrics.url=${vm.url}/api/v1/import/prometheus`,
        "-pushmetrics.interval=1s",
        "-pushmetrics.extraLabel=instance=pushed-tsalert",
        "-group.maxStartDelay=0s",
      ],
    });
  });
  afterAll(async () => {
    await ts?.stop();
    await vm?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("VictoriaMetrics receives tsalert's metrics with the extra label", async () => {
    let value = "";
    await waitFor(
      async () => {
        await fetch(`${vm.url}/internal/force_flush`);
        const q = encodeURIComponent('vmalert_iteration_total{instance="pushed-tsalert",group="g"}');
        const res = (await (await fetch(`${vm.url}/api/v1/query?query=${q}`)).json()) as {
          data: { result: { value: [number, string] }[] };
        };
        value = res.data.result[0]?.value[1] ?? "";
        return Number(value) >= 1;
      },
      20_000,
      "pushed vmalert_iteration_total in VictoriaMetrics",
    );
    expect(Number(value)).toBeGreaterThanOrEqual(1);
  });
});
