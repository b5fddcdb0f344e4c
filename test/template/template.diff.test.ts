// Differential test: the real vmalert 1.79.5 and our engine render the same annotation templates for the
// same series; outputs must be identical. Functions 1.79.5 lacks are tested in template.newer.test.ts
// against the reference document instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileTemplate } from "../../src/template/index.js";
import { importSeries, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { type RecordedAlert, type Recorder, startRecorder, startVmalert, vmQuery } from "../helpers/template.js";
import { DIFF_CASES, EXTERNAL_URL, KNOWN_DIFFERENCES, SERIES_LABELS, VALUE } from "./diff-cases.js";

const EXPR = "tpl_diff";

const ALL: Record<string, string> = {
  ...DIFF_CASES,
  ...Object.fromEntries(Object.entries(KNOWN_DIFFERENCES).map(([k, v]) => [k, v.text])),
};

async function renderOurs(vmURL: string, text: string): Promise<string> {
  // vmalert 1.79.5 gives annotations the series labels, __name__ included.
  const [series] = await vmQuery(vmURL, EXPR);
  return compileTemplate(text).render(
    {
      labels: series.labels,
      value: series.value,
      expr: EXPR,
      externalLabels: { cluster: "c1" },
      externalURL: EXTERNAL_URL,
    },
    { externalURL: EXTERNAL_URL, query: (q) => vmQuery(vmURL, q) },
  );
}

function rulesYaml(): string {
  const ann = Object.entries(ALL)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join("\n");
  return `groups:
  - name: tpl
    interval: 1s
    rules:
      - alert: TplDiff
        expr: ${EXPR}
        annotations:
${ann}
`;
}

describe("templates render exactly as the real vmalert 1.79.5", () => {
  let vm: RunningServer;
  let vmalert: RunningServer;
  let rec: Recorder;
  let alert: RecordedAlert;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    const now = Date.now();
    const ts = [now - 60_000, now - 30_000, now];
    await importSeries(vm.url, [
      { labels: { __name__: EXPR, ...SERIES_LABELS }, values: [VALUE, VALUE, VALUE], timestamps: ts },
      { labels: { __name__: "tpl_q", idx: "b" }, values: [2.5, 2.5, 2.5], timestamps: ts },
      { labels: { __name__: "tpl_q", idx: "a" }, values: [1, 1, 1], timestamps: ts },
    ]);
    await waitFor(async () => (await vmQuery(vm.url, "tpl_q")).length === 2, 10_000, "imported series");
    rec = await startRecorder();
    vmalert = await startVmalert({
      rules: rulesYaml(),
      datasourceURL: vm.url,
      notifierURL: rec.url,
      extraArgs: [`-external.url=${EXTERNAL_URL}`, "-external.label=cluster=c1", "-loggerLevel=ERROR"],
    });
    await waitFor(
      async () => rec.alerts.some((a) => a.labels.alertname === "TplDiff"),
      20_000,
      "an alert from vmalert",
    );
    alert = rec.alerts.find((a) => a.labels.alertname === "TplDiff")!;
  }, 60_000);

  afterAll(async () => {
    await vmalert?.stop();
    await rec?.close();
    await vm?.stop();
  });

  it("covers at least 60 templates", () => {
    expect(Object.keys(DIFF_CASES).length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(alert.annotations).sort()).toEqual(Object.keys(ALL).sort());
  });

  it.each(Object.keys(DIFF_CASES))("%s", async (key) => {
    expect(await renderOurs(vm.url, DIFF_CASES[key])).toBe(alert.annotations[key]);
  });

  it.each(Object.keys(KNOWN_DIFFERENCES))("known 1.79.5 difference %s", async (key) => {
    const d = KNOWN_DIFFERENCES[key];
    expect(alert.annotations[key]).toBe(d.vmalert1795);
    expect(await renderOurs(vm.url, d.text)).toBe(d.ours);
  });
});
