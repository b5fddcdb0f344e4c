// Differential test: the real vmalert 1.79.5 and our engine render the same annotation templates for the
// same series; outputs must be identical. Functions 1.79.5 lacks are tested in engine.test.ts
// against vmalert's documented template functions instead.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileTemplate, loadTemplateFiles, renderAlertSource, type TemplateSet } from "../../src/template/index.js";
import { importSeries, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { type RecordedAlert, type Recorder, startRecorder, startVmalert, vmQuery } from "../helpers/template.js";
import { DIFF_CASES, EXTERNAL_URL, KNOWN_DIFFERENCES, SERIES_LABELS, VALUE } from "./diff-cases.js";

const EXPR = "tpl_diff";

// -rule.templates file shared by both engines.
const TEMPLATE_FILE = `{{ define "tpl.file" }}file:{{ .job }}{{ end }}
{{ define "tpl.humanize" }}{{ . | humanize }}!{{ end }}`;
const FILE_CASES: Record<string, string> = {
  t_file: '{{ template "tpl.file" $labels }}',
  t_file_humanize: '{{ template "tpl.humanize" $value }}',
};
// Label templates (limited data).
const LABEL_CASES: Record<string, string> = {
  lbl_job: "{{ $labels.job }}-x",
  lbl_value: "{{ $value | humanize }}",
  lbl_expr: "{{ $expr | toUpper }}",
};
const ALERT_SOURCE = 'explore?expr={{ .Expr | queryEscape }}&l={{ printf "%v" .Labels | queryEscape }}';

const ALL: Record<string, string> = {
  ...DIFF_CASES,
  ...Object.fromEntries(Object.entries(KNOWN_DIFFERENCES).map(([k, v]) => [k, v.text])),
};

async function renderOurs(vmURL: string, text: string, set?: TemplateSet, limited = false): Promise<string> {
  // vmalert 1.79.5 gives annotations the series labels, __name__ included.
  const [series] = await vmQuery(vmURL, EXPR);
  return compileTemplate(text, { set, limited }).render(
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
  const ann = Object.entries({ ...ALL, ...FILE_CASES })
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join("\n");
  const lbl = Object.entries(LABEL_CASES)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join("\n");
  return `groups:
  - name: tpl
    interval: 1s
    rules:
      - alert: TplDiff
        expr: ${EXPR}
        labels:
${lbl}
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
      extraArgs: [
        `-external.url=${EXTERNAL_URL}`,
        "-external.label=cluster=c1",
        "-loggerLevel=ERROR",
        "-rule.templates=$DIR/*.tpl",
        `-external.alert.source=${ALERT_SOURCE}`,
      ],
      files: { "defs.tpl": TEMPLATE_FILE },
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
    expect(Object.keys(alert.annotations).sort()).toEqual(Object.keys({ ...ALL, ...FILE_CASES }).sort());
  });

  it.each(Object.keys(FILE_CASES))("-rule.templates: %s", async (key) => {
    const dir = await mkdtemp(join(tmpdir(), "tpl-files-"));
    try {
      await writeFile(join(dir, "defs.tpl"), TEMPLATE_FILE);
      const set = await loadTemplateFiles([join(dir, "*.tpl")]);
      expect(await renderOurs(vm.url, FILE_CASES[key], set)).toBe(alert.annotations[key]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(Object.keys(LABEL_CASES))("label template %s", async (key) => {
    expect(await renderOurs(vm.url, LABEL_CASES[key], undefined, true)).toBe(alert.labels[key]);
  });

  it("-external.alert.source", async () => {
    const [series] = await vmQuery(vm.url, EXPR);
    // vmalert 1.79.5 hands this template an empty .Labels (newer versions and we pass the alert labels).
    const as1795 = await renderAlertSource(ALERT_SOURCE, { labels: {}, value: series.value, expr: EXPR }, EXTERNAL_URL);
    expect(alert.generatorURL).toBe(`${EXTERNAL_URL}/${as1795}`);
    const ours = await renderAlertSource(
      ALERT_SOURCE,
      { labels: alert.labels, value: series.value, expr: EXPR },
      EXTERNAL_URL,
    );
    expect(ours).toContain("job%3Anode");
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
