// Differential: the same rules over the same live data through the real vmalert 1.79.5 and the built
// tsalert, each sending to its own real Alertmanager. The alert sets the two Alertmanagers hold must
// match (labels, annotations, state), first while the alerts fire and again after one of them resolves.
// The rules stay within what 1.79.5 already did as newer vmalert does (README "Templates", "Differences
// from vmalert" lists where they part), so one expected answer fits both.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AmAlert,
  amAlerts,
  exportSeries,
  FAST_ARGS,
  type Feeder,
  startFeeder,
  type TempDir,
  tempDir,
} from "../helpers/e2e.js";
import { freePort, type RunningServer, startAlertmanager, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const RULES = `groups:
  - name: e2e-diff
    interval: 1s
    rules:
      - alert: DiffHigh
        expr: e2e_diff > 10
        for: 2s
        labels:
          severity: '{{ if gt $value 1000.0 }}critical{{ else }}warning{{ end }}'
          team: storage
        annotations:
          summary: "{{ $labels.instance | toUpper }} of {{ $labels.job }} at {{ $value | humanize }}"
          raw: "{{ $value }}"
          fixed: '{{ printf "%.1f" $value }}'
          bytes: "{{ $value | humanize1024 }}"
          all: '{{ range query "e2e_diff" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }} {{ end }}'
          top: '{{ query "topk(1, e2e_diff)" | first | label "instance" }}'
          ext: "{{ $externalLabels.cluster }} {{ $externalURL }}"
          expr: "{{ $expr }}"
      - alert: DiffAbsent
        expr: absent(e2e_missing{job="ghost"})
        annotations:
          summary: "{{ $labels.job }} has no samples"
      - alert: DiffNoFor
        expr: e2e_diff{instance="b"} > 0
        labels:
          page: "yes"
  - name: e2e-diff-rec
    interval: 1s
    labels:
      source: diff
    rules:
      - record: e2e:diff:sum
        expr: sum(e2e_diff) by (job)
      - record: e2e:diff:scaled
        expr: e2e_diff * 2
        labels:
          unit: double
`;

const SHARED_ARGS = [
  "-external.label=cluster=diff",
  "-external.url=http://engine.example:8880",
  "-remoteWrite.flushInterval=500ms",
];

interface RunningVmalert {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/** The real vmalert 1.79.5 (it has no -rule.evalDelay or -group.maxStartDelay). */
async function startVmalert(args: string[]): Promise<RunningVmalert> {
  const port = await freePort();
  let out = "";
  const proc = spawn("vmalert", [...args, `-httpListenAddr=127.0.0.1:${port}`, "-loggerLevel=WARN"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    proc.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited) return;
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(t);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`vmalert exited: ${out}`);
        const res = await fetch(`${url}/health`);
        await res.arrayBuffer();
        return res.ok;
      },
      20_000,
      "vmalert /health",
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, logs: () => out, stop };
}

let vm: RunningServer;
let amVmalert: RunningServer;
let amTsalert: RunningServer;
let feeder: Feeder;
let dir: TempDir;
let vmalert: RunningVmalert;
let tsalert: TsalertProcess;

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-diff");
  vm = await startVictoriaMetrics();
  amVmalert = await startAlertmanager();
  amTsalert = await startAlertmanager();
  feeder = startFeeder(vm.url);
  feeder.set({ __name__: "e2e_diff", instance: "a", job: "j" }, 50);
  feeder.set({ __name__: "e2e_diff", instance: "b", job: "j" }, 1_234_567);
  feeder.set({ __name__: "e2e_diff", instance: "c", job: "j" }, 5);
  await feeder.flush();
  const rules = await dir.write("diff.yml", RULES);
  const common = [`-rule=${rules}`, `-datasource.url=${vm.url}`, "-evaluationInterval=1s", ...SHARED_ARGS];
  // Both write into the one VictoriaMetrics; the `engine` label keeps their series apart.
  vmalert = await startVmalert([
    ...common,
    `-notifier.url=${amVmalert.url}`,
    `-remoteWrite.url=${vm.url}`,
    "-external.label=engine=vmalert",
  ]);
  tsalert = await startTsalert({
    args: [
      ...common,
      `-notifier.url=${amTsalert.url}`,
      `-remoteWrite.url=${vm.url}`,
      "-external.label=engine=tsalert",
      ...FAST_ARGS,
    ],
  });
});

afterAll(async () => {
  await tsalert?.stop();
  await vmalert?.stop();
  await feeder?.stop();
  await amTsalert?.stop();
  await amVmalert?.stop();
  await vm?.stop();
  await dir?.remove();
});

function withoutEngine(labels: Record<string, string>): Record<string, string> {
  const { engine: _, ...rest } = labels;
  return rest;
}

interface Comparable {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  generatorHost: string;
}

/** What must agree between the engines: not timestamps, not the generatorURL's path (1.79.5 used another). */
function comparable(alerts: AmAlert[]): Comparable[] {
  return alerts
    .map((a) => ({
      labels: withoutEngine(a.labels),
      annotations: a.annotations,
      state: a.status.state,
      generatorHost: new URL(a.generatorURL).host,
    }))
    .sort((x, y) => (JSON.stringify(x.labels) < JSON.stringify(y.labels) ? -1 : 1));
}

/** Waits until both Alertmanagers hold exactly `names` (alertname/instance keys), then returns both sets. */
async function settled(keys: string[]): Promise<[Comparable[], Comparable[]]> {
  const key = (a: AmAlert) => `${a.labels.alertname}/${a.labels.instance ?? ""}`;
  const want = [...keys].sort().join(" ");
  let sets: [AmAlert[], AmAlert[]] = [[], []];
  await waitFor(
    async () => {
      sets = [await amAlerts(amVmalert.url), await amAlerts(amTsalert.url)];
      return sets.every((s) => s.map(key).sort().join(" ") === want);
    },
    30_000,
    `both Alertmanagers to hold ${want}`,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}\nvmalert's AM: ${sets[0].map(key).join(" ")}\ntsalert's AM: ${sets[1].map(key).join(" ")}`,
    );
  });
  return [comparable(sets[0]), comparable(sets[1])];
}

describe("differential: vmalert 1.79.5 and tsalert send the same alerts", () => {
  it("while firing, and after one resolves", async () => {
    const [fromVmalert, fromTsalert] = await settled(["DiffHigh/a", "DiffHigh/b", "DiffNoFor/b", "DiffAbsent/"]);
    expect(fromTsalert).toEqual(fromVmalert);
    // Not vacuous: the rendered texts are what both engines agree on.
    const b = fromTsalert.find((a) => a.labels.alertname === "DiffHigh" && a.labels.instance === "b");
    expect(b?.labels.severity).toBe("critical");
    expect(b?.labels.cluster).toBe("diff");
    expect(b?.annotations.summary).toBe("B of j at 1.235M");
    expect(b?.annotations.raw).toBe("1.234567e+06");
    expect(b?.annotations.all).toBe("a=50 b=1.234567e+06 c=5 ");
    expect(b?.generatorHost).toBe("engine.example:8880");

    feeder.set({ __name__: "e2e_diff", instance: "a", job: "j" }, 1);
    const [afterVmalert, afterTsalert] = await settled(["DiffHigh/b", "DiffNoFor/b", "DiffAbsent/"]);
    expect(afterTsalert).toEqual(afterVmalert);
    expect(afterTsalert.find((a) => a.labels.instance === "b")?.annotations.all).toBe("a=1 b=1.234567e+06 c=5 ");
  });

  it("write the same recording results and ALERTS series through remote write", async () => {
    /**
     * Series of one engine: labels without `engine`, with the set of values (ALERTS_FOR_STATE: activeAt,
     * not compared). 1.79.5 wrote ALERTS_FOR_STATE only for rules with `for`; newer vmalert, and tsalert,
     * write it for every alert, so it is compared for the `for` rule only.
     */
    const written = async (engine: string) => {
      await fetch(`${vm.url}/internal/force_flush`).then((r) => r.arrayBuffer());
      const series = await exportSeries(vm.url, `{__name__=~"e2e:diff:.*|ALERTS|ALERTS_FOR_STATE",engine="${engine}"}`);
      return series
        .filter((s) => s.metric.__name__ !== "ALERTS_FOR_STATE" || s.metric.alertname === "DiffHigh")
        .map((s) => ({
          labels: withoutEngine(s.metric),
          values:
            s.metric.__name__ === "ALERTS_FOR_STATE" ? [] : [...new Set(s.values.filter((v) => v !== null))].sort(),
        }))
        .sort((x, y) => (JSON.stringify(x.labels) < JSON.stringify(y.labels) ? -1 : 1));
    };
    const names = (w: Awaited<ReturnType<typeof written>>) => w.map((s) => s.labels.__name__);
    let fromVmalert: Awaited<ReturnType<typeof written>> = [];
    let fromTsalert: Awaited<ReturnType<typeof written>> = [];
    await waitFor(
      async () => {
        [fromVmalert, fromTsalert] = [await written("vmalert"), await written("tsalert")];
        return JSON.stringify(fromVmalert) === JSON.stringify(fromTsalert);
      },
      20_000,
      "the same series from both engines",
    ).catch(() => {});
    expect(fromTsalert).toEqual(fromVmalert);
    expect(names(fromTsalert)).toContain("e2e:diff:sum");
    expect(names(fromTsalert)).toContain("e2e:diff:scaled");
    expect(names(fromTsalert)).toContain("ALERTS");
    expect(fromTsalert.find((s) => s.labels.__name__ === "e2e:diff:sum")).toEqual({
      labels: { __name__: "e2e:diff:sum", job: "j", source: "diff", cluster: "diff" },
      values: expect.any(Array),
    });
  });
});
