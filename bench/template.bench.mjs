// Template engine throughput: a typical annotation set (summary, description with humanize and a
// range over labels, a runbook URL, a label template) compiled once and rendered for 100,000 alerts.
// Standalone: node bench/template.bench.mjs [--alerts=N]. Part of `npm run bench` (bench/run.mjs).
import { fileURLToPath } from "node:url";
import { compileTemplate } from "../dist/template/index.js";

const ANNOTATIONS = {
  summary: "Instance {{ $labels.instance }} of job {{ $labels.job }} is down",
  description:
    "{{ $labels.instance }} has been down for more than 5 minutes. Current value: {{ $value | humanize }} " +
    '({{ printf "%.2f" $value }}).{{ range $k, $v := $labels }} {{ $k }}={{ $v }}{{ end }}',
  runbook: "https://runbooks.example.com/{{ $labels.job | toLower }}?instance={{ $labels.instance | queryEscape }}",
  dashboard: "{{ if gt $value 100.0 }}critical{{ else }}warning{{ end }}: {{ $labels.instance | stripPort }}",
};
const LABELS = { severity: "{{ if gt $value 100.0 }}critical{{ else }}warning{{ end }}" };

function alertData(i) {
  return {
    labels: { __name__: "up", job: `job-${i % 50}`, instance: `host-${i}.example.com:9100`, env: "prod" },
    value: (i * 7.31) % 250,
    expr: "up == 0",
    externalLabels: { cluster: "c1" },
    externalURL: "",
    alertID: String(1000 + i),
    groupID: "42",
    activeAt: new Date(1_700_000_000_000 + i),
    for: 300_000,
  };
}

/** Rows {name, value, unit} for bench/run.mjs. */
export async function run({ alerts = 100_000 } = {}) {
  const ctx = { externalURL: "http://localhost:8880" };
  const t0 = process.hrtime.bigint();
  const annotations = Object.entries(ANNOTATIONS).map(([k, v]) => [k, compileTemplate(v)]);
  const labels = Object.entries(LABELS).map(([k, v]) => [k, compileTemplate(v, { limited: true })]);
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const datas = Array.from({ length: 1000 }, (_, i) => alertData(i));
  const pass = async (n) => {
    let renders = 0;
    let bytes = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const d = datas[i % datas.length];
      for (const [, t] of labels) bytes += (await t.render(d, ctx)).length;
      for (const [, t] of annotations) bytes += (await t.render(d, ctx)).length;
      renders += labels.length + annotations.length;
    }
    return { renders, bytes, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  };
  await pass(Math.min(alerts, 5000));
  const { renders, bytes, seconds } = await pass(alerts);

  // A template calling `query` takes the async path (answered from memory here: engine cost only).
  const q = compileTemplate(
    '{{ $labels.instance }}: {{ query "up" | first | value | humanize }} of {{ query "up" | len }}',
  );
  const series = [{ labels: { __name__: "up", instance: "a" }, timestamp: 1_700_000_000, value: 1234.5 }];
  const qctx = { externalURL: "", query: async () => series };
  const qn = Math.max(1, Math.floor(alerts / 5));
  const qStart = process.hrtime.bigint();
  for (let i = 0; i < qn; i++) await q.render(datas[i % datas.length], qctx);
  const qSeconds = Number(process.hrtime.bigint() - qStart) / 1e9;
  return [
    { name: `alerts rendered (${ANNOTATIONS_COUNT} annotations + 1 label each)`, value: alerts, unit: "" },
    { name: "template renders per second (goal > 200000)", value: Math.round(renders / seconds), unit: "renders/s" },
    { name: "alerts per second (full annotation set)", value: Math.round(alerts / seconds), unit: "alerts/s" },
    { name: "renders per second, template calling query", value: Math.round(qn / qSeconds), unit: "renders/s" },
    { name: "compile time of the set", value: Math.round(compileMs * 100) / 100, unit: "ms" },
    { name: "average output per render", value: Math.round(bytes / renders), unit: "chars" },
  ];
}

const ANNOTATIONS_COUNT = Object.keys(ANNOTATIONS).length;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith("--alerts="));
  const rows = await run(arg ? { alerts: Number(arg.split("=")[1]) } : {});
  for (const r of rows) console.log(`${r.name.padEnd(58)} ${String(r.value).padStart(12)} ${r.unit}`);
}
