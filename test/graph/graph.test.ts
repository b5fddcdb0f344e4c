import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildValidators } from "../../src/cli/validators.js";
import { loadRules } from "../../src/config/load.js";
import type { EffectiveGroupConfig } from "../../src/config/types.js";
import {
  buildRuleGraph,
  describeCycle,
  describeUnordered,
  type GraphOptions,
  type RuleGraph,
} from "../../src/graph/index.js";

const dir = mkdtempSync(join(tmpdir(), "tsalert-graph-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function load(text: string): Promise<{ groups: EffectiveGroupConfig[]; file: string }> {
  const file = join(dir, `g${++n}.rules`);
  writeFileSync(file, text);
  const res = await loadRules([file], { validators: buildValidators() });
  const errors = res.problems.filter((p) => p.severity === "error");
  if (errors.length > 0) throw new Error(JSON.stringify(errors));
  return { groups: res.groups, file };
}

async function graphOf(
  text: string,
  opts: GraphOptions = {},
): Promise<{ g: RuleGraph; groups: EffectiveGroupConfig[] }> {
  const { groups } = await load(text);
  return { g: buildRuleGraph(groups, opts), groups };
}

/** `name <- name, name` for every rule of group gi (its in-group start dependencies). */
function starts(g: RuleGraph, groups: EffectiveGroupConfig[], gi = 0): Record<string, string[]> {
  const names = groups[gi].rules.map((r) => r.alert ?? r.record ?? "");
  const out: Record<string, string[]> = {};
  g.plans[gi].startAfter.forEach((deps, i) => {
    if (deps.length > 0) out[names[i]] = deps.map((d) => names[d]);
  });
  return out;
}

describe("rule dependency graph", () => {
  it("links a reader to a recording rule by its metric name, within a group", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - record: job:up:sum
        expr: sum(up) by (job)
      - record: other
        expr: vector(1)
      - alert: JobDown
        expr: job:up:sum == 0
      - alert: Unrelated
        expr: node_load1 > 4
`);
    expect(starts(g, groups)).toEqual({ JobDown: ["job:up:sum"] });
    expect(g.plans[0].flushAfter).toEqual([true, false, false, false]);
    expect(g.dependsOn[0][2]).toEqual([{ group: 0, rule: 0 }]);
    expect(g.usedBy[0][0]).toEqual([{ group: 0, rule: 2 }]);
    expect(g.cycles).toEqual([]);
  });

  it("links ALERTS readers to alerting rules, by alertname when the selector names one", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - alert: A
        expr: up == 0
      - alert: B
        expr: up == 2
      - alert: OnlyA
        expr: ALERTS{alertname="A", alertstate="firing"} == 1
      - alert: AnyButB
        expr: count(ALERTS_FOR_STATE{alertname!="B"}) > 3
      - alert: ByRegex
        expr: ALERTS{alertname=~"B|Other"}
`);
    expect(starts(g, groups)).toEqual({
      OnlyA: ["A"],
      AnyButB: ["A", "OnlyA"],
      ByRegex: ["B"],
    });
  });

  it("treats selectors without a metric name as reading every rule of the group that could match", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - record: r1
        expr: sum(up)
        labels:
          job: x
      - record: r2
        expr: sum(up)
        labels:
          job: y
      - alert: JobX
        expr: count({job="x"}) > 0
      - alert: Named
        expr: count({__name__=~"r.*"}) > 0
`);
    expect(starts(g, groups)).toEqual({ JobX: ["r1"], Named: ["r1", "r2"] });
  });

  it("matches a name regexp with Go's anchored syntax", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - record: ab
        expr: vector(1)
      - record: xab
        expr: vector(1)
      - alert: R
        expr: '{__name__=~"a.", __name__!~"(?i)XAB"}'
`);
    expect(starts(g, groups)).toEqual({ R: ["ab"] });
  });

  it("a template that calls query reads every earlier rule of its group", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - record: r1
        expr: vector(1)
      - alert: Q
        expr: up == 0
        annotations:
          summary: '{{ with query "r1" }}{{ . | first | value }}{{ end }}'
      - record: r2
        expr: vector(2)
`);
    expect(starts(g, groups)).toEqual({ Q: ["r1"] });
    // r2 comes later: it may push only after Q has read (Q reads anything, so r2 too).
    expect(g.plans[0].pushAfter[2]).toEqual([1]);
    // A possible read is no finding: only a reader that names a later producer is reported.
    expect(g.unordered).toEqual([]);
  });

  it("keeps the sequential order for a reader of a later rule: the producer pushes after the reader ran", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - alert: Early
        expr: late_record > 1
      - record: late_record
        expr: vector(5)
`);
    expect(starts(g, groups)).toEqual({});
    expect(g.plans[0].pushAfter).toEqual([[], [0]]);
    expect(g.unordered.map((u) => u.reason)).toEqual(["later-in-group"]);
    expect(describeUnordered(groups, g.unordered[0])).toMatch(
      /alert "Early" \(group "a", .*g\d+\.rules:4\) reads record "late_record" .*:6\), which comes later/,
    );
  });

  it("orders groups with the same interval or a multiple; not a longer one or another schedule", async () => {
    const { g } = await graphOf(`groups:
  - name: g1
    interval: 10s
    rules:
      - record: level1
        expr: sum(up)
  - name: g2
    interval: 20s
    rules:
      - record: level2
        expr: level1 * 2
  - name: g3
    interval: 20s
    rules:
      - alert: High
        expr: level2 > 10
  - name: fast
    interval: 5s
    rules:
      - alert: FromSlow
        expr: level2 > 1
  - name: offset
    interval: 10s
    eval_offset: 1s
    rules:
      - alert: FromOffset
        expr: level1 > 1
  - name: odd
    interval: 15s
    rules:
      - alert: FromOdd
        expr: level1 > 1
`);
    expect(g.groupEdges).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(g.plans[2].upstream).toEqual([1]);
    expect(g.unordered.map((u) => [u.reader.group, u.reason])).toEqual([
      [3, "longer-interval"],
      [4, "other-schedule"],
      [5, "other-schedule"],
    ]);
  });

  it("does not tie groups through selectors without a metric name", async () => {
    const { g } = await graphOf(`groups:
  - name: g1
    rules:
      - record: r1
        expr: sum(up)
  - name: g2
    rules:
      - alert: Any
        expr: '{job="x"} > 1'
`);
    expect(g.groupEdges).toEqual([]);
    expect(g.dependsOn[1][0]).toEqual([]);
  });

  it("reports cycles with every rule on them by file:line; groups on a cycle do not wait for each other", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: g1
    rules:
      - record: a
        expr: b + 1
  - name: g2
    rules:
      - record: b
        expr: a + 1
      - record: c
        expr: vector(1)
  - name: g3
    rules:
      - alert: FromB
        expr: b > 1
`);
    expect(g.cycles).toHaveLength(1);
    const text = describeCycle(groups, g.cycles[0]);
    expect(text).toMatch(/^dependency cycle: /);
    expect(text).toMatch(/record "a" \(group "g1", .*:4\)/);
    expect(text).toMatch(/record "b" \(group "g2", .*:8\)/);
    expect(g.groupEdges).toEqual([[1, 2]]);
    expect(g.unordered.map((u) => u.reason).sort()).toEqual(["cycle", "cycle"]);
  });

  it("finds a cycle inside one group and keeps the file order there", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: g
    rules:
      - record: a
        expr: b + 1
      - record: b
        expr: a + 1
`);
    expect(g.cycles.map((c) => c.rules.length)).toEqual([2]);
    expect(starts(g, groups)).toEqual({ b: ["a"] });
    expect(g.plans[0].pushAfter).toEqual([[], [0]]);
  });

  it("rules out an edge by a label the producer sets (group and external labels too)", async () => {
    const { g, groups } = await graphOf(
      `groups:
  - name: a
    labels:
      team: db
    rules:
      - record: m
        expr: vector(1)
      - alert: Web
        expr: m{team="web"} > 0
      - alert: Db
        expr: m{team="db", dc="eu"} > 0
      - alert: OtherDc
        expr: m{dc="us"} > 0
`,
      { externalLabels: { dc: "eu" } },
    );
    expect(starts(g, groups)).toEqual({ Db: ["m"] });
  });

  it("takes a templated alert label as unknown", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    rules:
      - alert: A
        expr: up == 0
        labels:
          severity: '{{ if gt $value 1.0 }}critical{{ else }}warning{{ end }}'
          team: db
      - alert: Crit
        expr: ALERTS{severity="critical"} > 0
      - alert: Web
        expr: ALERTS{team="web"} > 0
`);
    // Crit's own ALERTS series have no known team: Web may read them.
    expect(starts(g, groups)).toEqual({ Crit: ["A"], Web: ["Crit"] });
  });

  it("a graphite group's rules read everything before them", async () => {
    const { g, groups } = await graphOf(`groups:
  - name: a
    type: graphite
    rules:
      - record: r1
        expr: foo.bar
      - record: r2
        expr: foo.baz
`);
    expect(starts(g, groups)).toEqual({ r2: ["r1"] });
  });

  it("runs a group in file order when its selectors without names need too much work", async () => {
    const rules = Array.from({ length: 40 }, (_, i) => `      - record: r${i}\n        expr: count({job="x"})`).join(
      "\n",
    );
    const { g } = await graphOf(`groups:\n  - name: big\n    rules:\n${rules}\n`, { maxGroupWork: 100 });
    expect(g.plans[0].sequential).toMatch(/more than 100 matcher checks/);
    expect(g.plans[0].startAfter[5]).toEqual([4]);
    expect(g.plans[0].flushAfter.every(Boolean)).toBe(true);
  });

  it("builds the graph of 20,000 rules", { timeout: 60_000 }, async () => {
    const groups: string[] = ["groups:"];
    for (let gi = 0; gi < 100; gi++) {
      groups.push(`  - name: g${gi}`, "    rules:");
      for (let r = 0; r < 200; r++) {
        if (r % 10 === 0) groups.push(`      - record: rec_${gi}_${r}`, `        expr: sum(up{g="${gi}"})`);
        else groups.push(`      - alert: A_${gi}_${r}`, `        expr: rec_${gi}_${r - (r % 10)} > ${r}`);
      }
    }
    const { groups: loaded } = await load(`${groups.join("\n")}\n`);
    const g = buildRuleGraph(loaded, {});
    expect(g.plans[0].startAfter[1]).toEqual([0]);
    expect(g.plans[99].flushAfter.filter(Boolean)).toHaveLength(20);
  });
});
