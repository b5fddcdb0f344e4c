// Every check with texts it must flag (at the right file position) and texts it must leave alone.
import { afterAll, describe, expect, it } from "vitest";
import { matchesEverything } from "../../src/lint/checks/alwaystrue.js";
import { recordNameProblem } from "../../src/lint/checks/recordname.js";
import { at, cleanup, group, lintFiles, lintText, of, writeRules } from "./lintfile.js";

afterAll(cleanup);

/** One rule per entry: `[kind, name, expr, extra lines]`. */
function rules(list: [kind: "alert" | "record", name: string, expr: string, extra?: string][], head = ""): string {
  return group(
    list
      .map(([k, n, e, x]) => `      - ${k}: ${n}\n        expr: ${e}\n${x ? `${x.replace(/^/gm, "        ")}\n` : ""}`)
      .join(""),
    head,
  );
}

async function clean(text: string, id: string): Promise<void> {
  const l = await lintText(text);
  expect(l.errors).toEqual([]);
  expect(of(l, id), text).toEqual([]);
}

describe("rate-on-gauge", () => {
  it("flags rate/increase/irate over a gauge-named metric, at the selector", async () => {
    const text = rules([
      ["record", "job:mem:rate5m", "sum by (job) (rate(node_memory_MemFree_bytes[5m]))"],
      ["record", "job:temp:increase1h", "increase(node_hwmon_temperature_celsius[1h])"],
      ["record", "job:disk:irate", "irate(disk_used_ratio{job='x'}[1m])"],
    ]);
    const l = await lintText(text);
    expect(l.errors).toEqual([]);
    const w = of(l, "rate-on-gauge");
    expect(w.map((p) => `${p.line}:${p.col}`)).toEqual([
      at(text, "node_memory_MemFree_bytes"),
      at(text, "node_hwmon_temperature_celsius"),
      at(text, "disk_used_ratio"),
    ]);
    expect(w[0].message).toContain('rate() over "node_memory_MemFree_bytes"');
    expect(w[0].message).toContain('suffix "_bytes"');
    expect(w[0]).toMatchObject({ severity: "warning", rule: "rate-on-gauge", file: l.file });
  });

  it("flags deriv()/delta() over a _total counter", async () => {
    const text = rules([["record", "job:req:deriv", "deriv(http_requests_total[5m])"]]);
    const w = of(await lintText(text), "rate-on-gauge");
    expect(w).toHaveLength(1);
    expect(`${w[0].line}:${w[0].col}`).toBe(at(text, "http_requests_total"));
    expect(w[0].message).toContain("use rate() or increase()");
  });

  it("leaves counters, unknown names, byte counters and gauge functions alone", async () => {
    await clean(
      rules([
        ["record", "job:a:rate", "rate(http_requests_total[5m])"],
        ["record", "job:b:rate", "sum(rate(http_request_duration_seconds_bucket[5m])) by (le)"],
        ["record", "job:c:rate", "rate(old_style_requests[5m])"],
        ["record", "job:d:rate", "rate(node_network_receive_bytes[5m])"],
        ["record", "job:e:avg", "avg_over_time(node_memory_MemFree_bytes[5m])"],
        ["record", "job:f:deriv", "deriv(node_memory_MemFree_bytes[5m])"],
        ["record", "job:g:rate", 'rate({__name__=~".*_bytes"}[5m])'],
      ]),
      "rate-on-gauge",
    );
  });
});

describe("missing-for", () => {
  it("flags a threshold on a raw series or a rate without for", async () => {
    const text = rules([
      ["alert", "Load", "node_load1 > 4"],
      ["alert", "Errors", "rate(errors_total[1m]) > 10"],
      ["alert", "Filtered", "node_load1 > 4 and on (instance) up == 1"],
      ["alert", "Ratio", "(conntrack_entries / conntrack_limit) > 0.75"],
    ]);
    const l = await lintText(text);
    expect(l.errors).toEqual([]);
    const w = of(l, "missing-for");
    expect(w.map((p) => `${p.line}:${p.col}`)).toEqual([
      at(text, "node_load1 > 4"),
      at(text, "rate(errors_total"),
      at(text, "node_load1 > 4 and"),
      at(text, "(conntrack_entries"),
    ]);
    expect(w[0].message).toContain("alert has no `for`");
  });

  it("leaves alerts with for, state checks, any-occurrence and smoothed expressions alone", async () => {
    await clean(
      rules([
        ["alert", "WithFor", "node_load1 > 4", "for: 5m"],
        ["alert", "Down", "up == 0"],
        ["alert", "ReloadFailed", "config_last_reload_successful != 1"],
        ["alert", "AnyError", "increase(errors_total[5m]) > 0"],
        ["alert", "Smoothed", "avg_over_time(node_load1[10m]) > 4"],
        ["alert", "Absent", 'absent(up{job="x"})'],
        ["alert", "Age", "time() - last_success_timestamp_seconds > 3600"],
        ["alert", "Bool", "node_load1 > bool 4"],
        ["alert", "FilterOnly", "avg_over_time(node_load1[10m]) > 4 and node_load1 > 1"],
        ["alert", "Meta", 'ALERTS{severity="info"} > 0.5'],
        ["record", "job:load:gt4", "node_load1 > 4"],
      ]),
      "missing-for",
    );
  });
});

describe("for-shorter-than-interval", () => {
  it("flags for below the group interval, at the for value", async () => {
    const text = rules([["alert", "A", "up == 0", "for: 30s"]], "    interval: 1m\n");
    const w = of(await lintText(text), "for-shorter-than-interval");
    expect(w).toHaveLength(1);
    expect(`${w[0].line}:${w[0].col}`).toBe(at(text, "30s"));
    expect(w[0].message).toContain("for 30s is shorter than the group interval 1m");
  });

  it("uses -evaluationInterval for groups without interval", async () => {
    const text = rules([["alert", "A", "up == 0", "for: 30s"]]);
    const w = of(await lintText(text, { defaultInterval: 60_000 }), "for-shorter-than-interval");
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain("shorter than -evaluationInterval 1m");
    expect(of(await lintText(text, { defaultInterval: 10_000 }), "for-shorter-than-interval")).toEqual([]);
  });

  it("leaves for >= interval, for 0 and cron groups alone", async () => {
    await clean(
      rules(
        [
          ["alert", "Equal", "up == 0", "for: 1m"],
          ["alert", "Longer", "up == 0", "for: 5m"],
          ["alert", "Zero", "up == 0"],
        ],
        "    interval: 1m\n",
      ),
      "for-shorter-than-interval",
    );
    await clean(
      rules([["alert", "Cron", "up == 0", "for: 1s"]], '    cron: "*/5 * * * *"\n'),
      "for-shorter-than-interval",
    );
  });
});

describe("unstable-label", () => {
  it("flags $value, .Value and query in alert labels, at the reference", async () => {
    const text = rules([
      ["alert", "A", "up == 0", 'labels:\n  severity: "{{ if gt $value 10.0 }}critical{{ else }}warning{{ end }}"'],
      ["alert", "B", "up == 0", "labels:\n  v: '{{ .Value | humanize }}'"],
      ["alert", "C", "up == 0", "labels:\n  q: '{{ query \"up\" | first | value }}'"],
    ]);
    const l = await lintText(text);
    expect(l.errors).toEqual([]);
    const w = of(l, "unstable-label");
    expect(w.map((p) => `${p.line}:${p.col}`)).toEqual([at(text, "$value"), at(text, ".Value"), at(text, "query")]);
    expect(w[0].message).toContain('label "severity" uses the sample value');
    expect(w[2].message).toContain("result of query");
  });

  it("leaves labels from $labels, $value in annotations and static labels alone", async () => {
    await clean(
      rules([
        [
          "alert",
          "A",
          "up == 0",
          'labels:\n  team: "{{ $labels.job }}-team"\n  static: x\nannotations:\n  summary: "{{ $value }}"',
        ],
      ]),
      "unstable-label",
    );
  });
});

describe("dropped-label", () => {
  it("flags $labels.X that the expression aggregates away, at the reference", async () => {
    const text = rules([
      ["alert", "Sum", "sum(rate(errors_total[5m])) > 1", 'annotations:\n  summary: "{{ $labels.instance }} errs"'],
      ["alert", "By", "sum by (job) (rate(errors_total[5m])) > 1", "annotations:\n  s: '{{ .Labels.instance }}'"],
      ["alert", "Without", "max without (instance) (up) == 0", "annotations:\n  s: '{{ index $labels \"instance\" }}'"],
      ["alert", "Absent", 'absent(up{job="x"})', "annotations:\n  s: '{{ $labels.job }} {{ $labels.instance }}'"],
      ["alert", "Vector", "vector(1)", "annotations:\n  s: '{{ $labels.pod }}'"],
      [
        "alert",
        "Hq",
        "histogram_quantile(0.9, sum by (le, job) (rate(d_bucket[5m]))) > 1",
        "annotations:\n  s: '{{ $labels.le }}'",
      ],
    ]);
    const l = await lintText(text);
    expect(l.errors).toEqual([]);
    const w = of(l, "dropped-label");
    expect(w.map((p) => `${p.line}:${p.col}`)).toEqual([
      at(text, "$labels.instance"),
      at(text, ".Labels.instance"),
      at(text, '"instance"'),
      at(text, "$labels.instance", 1),
      at(text, "$labels.pod"),
      at(text, "$labels.le"),
    ]);
    expect(w[0].message).toContain('annotation "summary" reads $labels.instance');
    expect(w[0].message).toContain("without labels");
    expect(w[1].message).toContain("only keeps job");
  });

  it("leaves kept, added and rule labels alone", async () => {
    await clean(
      rules([
        [
          "alert",
          "By",
          "sum by (instance) (rate(errors_total[5m])) > 1",
          "annotations:\n  s: '{{ $labels.instance }}'",
        ],
        ["alert", "Without", "max without (job) (up) == 0", "annotations:\n  s: '{{ $labels.instance }}'"],
        ["alert", "Raw", "up == 0", "annotations:\n  s: '{{ $labels.instance }}'"],
        ["alert", "Absent", 'absent(up{job="x"})', "annotations:\n  s: '{{ $labels.job }}'"],
        [
          "alert",
          "RuleLabel",
          "sum(up) == 0",
          "labels:\n  team: db\nannotations:\n  s: '{{ $labels.team }} {{ $labels.alertname }}'",
        ],
        [
          "alert",
          "Replace",
          'label_replace(sum(up), "instance", "all", "", "") == 0',
          "annotations:\n  s: '{{ $labels.instance }}'",
        ],
        [
          "alert",
          "CountValues",
          'count_values("version", build_info) > 1',
          "annotations:\n  s: '{{ $labels.version }}'",
        ],
        [
          "alert",
          "GroupLeft",
          "sum by (job) (up) * on (job) group_left (owner) job_owner == 0",
          "annotations:\n  s: '{{ $labels.owner }}'",
        ],
        ["alert", "Topk", "topk(3, rate(errors_total[5m])) > 1", "annotations:\n  s: '{{ $labels.instance }}'"],
        ["alert", "Range", "sum(up) == 0", "annotations:\n  s: '{{ range $labels }}{{ .instance }}{{ end }}'"],
      ]),
      "dropped-label",
    );
  });
});

describe("record-name", () => {
  it("flags names not in level:metric:operations form, at the name", async () => {
    const text = rules([
      ["record", "requests_rate", "rate(requests_total[5m])"],
      ["record", "job:requests_rate", "sum by (job) (rate(requests_total[5m]))"],
      ["record", "job::sum", "sum by (job) (up)"],
    ]);
    const w = of(await lintText(text), "record-name");
    expect(w.map((p) => `${p.line}:${p.col}`)).toEqual([
      at(text, "requests_rate"),
      at(text, "job:requests_rate"),
      at(text, "job::sum"),
    ]);
    expect(w[0].message).toContain("no colons");
    expect(w[1].message).toContain("two parts");
    expect(w[2].message).toContain("metric part is empty");
  });

  it("accepts level:metric:operations, an empty level, and leaves alerts alone", async () => {
    await clean(
      rules([
        ["record", "job:requests:rate5m", "sum by (job) (rate(requests_total[5m]))"],
        ["record", ":node_memory_MemAvailable_bytes:sum", "sum(node_memory_MemAvailable_bytes)"],
        ["record", "ns_pod:cpu:sum_irate:5m", "sum by (ns, pod) (irate(cpu_seconds_total[5m]))"],
        ["alert", "nocolons", "up == 0"],
      ]),
      "record-name",
    );
    expect(recordNameProblem("a:b:")).toBe("the operations part is empty");
  });
});

describe("duplicate-alert", () => {
  it("flags an alert name used in a second group, naming both places", async () => {
    const text = `groups:
  - name: one
    rules:
      - alert: Down
        expr: up == 0
  - name: two
    rules:
      - alert: Down
        expr: up{job="x"} == 0
`;
    const l = await lintText(text);
    const w = of(l, "duplicate-alert");
    expect(w).toHaveLength(1);
    expect(`${w[0].line}:${w[0].col}`).toBe(at(text, "alert: Down", 1));
    expect(w[0].message).toContain(`also defined in group "one" at ${l.file}:${at(text, "alert: Down")}`);
    expect(w[0].message).toContain(`(here: ${l.file}:${at(text, "alert: Down", 1)})`);
  });

  it("flags duplicates across files", async () => {
    const a = writeRules(rules([["alert", "Same", "up == 0"]]));
    const b = writeRules(rules([["alert", "Same", "up == 1"]]));
    const l = await lintFiles([a, b]);
    const w = of(l, "duplicate-alert");
    expect(w).toHaveLength(1);
    expect(w[0].file).toBe(b);
    expect(w[0].message).toContain(`${a}:4:9`);
  });

  it("leaves variants in one group and distinct names alone", async () => {
    await clean(
      rules([
        ["alert", "Disk", "disk_free_ratio < 0.1", "for: 5m\nlabels:\n  severity: warning"],
        ["alert", "Disk", "disk_free_ratio < 0.05", "for: 5m\nlabels:\n  severity: critical"],
        ["alert", "Other", "up == 0"],
      ]),
      "duplicate-alert",
    );
  });
});

describe("always-true-regex", () => {
  it("flags =~ regexes that match every value, at the selector", async () => {
    const text = rules([
      ["record", "job:a:sum", 'sum by (job) (up{instance=~".*"})'],
      ["record", "job:b:sum", "sum by (job) (other{env=~'^(.*)$', job='x'})"],
      ["record", "job:c:sum", 'sum by (job) (third{env=~"prod|.*"})'],
    ]);
    const w = of(await lintText(text), "always-true-regex");
    expect(w.map((p) => `${p.line}:${p.col}`)).toEqual([at(text, "up{"), at(text, "other{"), at(text, "third{")]);
    expect(w[0].message).toContain('instance=~".*" matches every value');
  });

  it("leaves regexes that filter alone", async () => {
    await clean(
      rules([
        ["record", "job:a:sum", 'sum by (job) (up{instance=~".+"})'],
        ["record", "job:b:sum", 'sum by (job) (up{instance=~".*:9100"})'],
        ["record", "job:c:sum", 'sum by (job) (up{instance!~""})'],
        ["record", "job:d:sum", 'sum by (job) (up{instance=~"(a|b).*"})'],
        ["record", "job:e:sum", 'sum by (job) (up{instance!~".*"})'],
      ]),
      "always-true-regex",
    );
  });

  it("matchesEverything knows the common spellings", () => {
    for (const re of [".*", ".*?", "^.*$", "(.*)", "(?:.*)", "(?s).*", "a|.*", "(a|.*)", "((.*))"]) {
      expect(matchesEverything(re), re).toBe(true);
    }
    for (const re of [".+", "", "a.*", ".*a", "(a)|(.*)b", "(.*)(a)", "[.*]", "\\.*"]) {
      expect(matchesEverything(re), re).toBe(false);
    }
  });
});

it("graphite and logs groups get only the checks that do not read the expression", async () => {
  const text = rules([["alert", "G", "sumSeries(a.b.*)"]], "    type: graphite\n    interval: 1m\n");
  const l = await lintText(text);
  expect(l.errors).toEqual([]);
  expect(l.warnings).toEqual([]);
});
