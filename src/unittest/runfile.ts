// Runs one test file: loads its rules with the live loader, then for each test feeds the input (into
// the database, or the fixture table), steps the engine's groups and checks the expectations.
import type { Logger } from "pino";
import { loadRules } from "../config/load.js";
import { errorLines, hasErrors } from "../config/problems.js";
import type { GroupConfig, Validators } from "../config/types.js";
import { FakeQuerier } from "../datasource/fake.js";
import { createQuerierFactory } from "../datasource/querier.js";
import type { Metric, QuerierFactory, QueryOptions, QueryResult } from "../datasource/types.js";
import type { GoRegexp } from "../goregexp.js";
import { validateExpr } from "../metricsql/index.js";
import { createMemoryWriter } from "../remotewrite/memory.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import type { EngineSettings } from "../rule/types.js";
import { compileTemplate } from "../template/index.js";
import type { Backend } from "./backend.js";
import { inputToSeries } from "./backend.js";
import { alertDiff, alertsMatch, fmtDuration, sampleDiff, samplesMatch } from "./compare.js";
import { orderGroups, type RuleFailure, StepRunner } from "./steps.js";
import type { ExpAlert, FixtureResult, TestFile, TestGroup } from "./testfile.js";

export interface RunOptions {
  logger: Logger;
  /** -external.label: wins over a test's external_labels. */
  externalLabels: Record<string, string>;
  /** -external.url; a test's external_url is used when unset. */
  externalURL?: string;
  disableAlertgroupLabel: boolean;
  /** Only tests whose name matches (promtool --run). */
  run?: GoRegexp;
  /** The database, started on first use and shared by every file of a run. */
  backend(): Promise<Backend>;
}

export interface TestResult {
  name: string;
  line: number;
  /** One message per failed expectation; empty = passed. */
  failures: string[];
}

/** VictoriaMetrics refuses samples further ahead of its clock than this. */
const MAX_FUTURE_MS = 2 * 86_400_000;

const validators: Validators = {
  expr: (expr, type) => (type === "prometheus" ? validateExpr(expr) : null),
};

/** Loads the rule files of a test file; the error text lists every problem, or is "" when they load. */
export async function loadTestRules(file: TestFile): Promise<{ groups: GroupConfig[]; error: string }> {
  if (file.ruleFiles.length === 0) return { groups: [], error: "" };
  // vmalert-tool validates expressions, not templates.
  const res = await loadRules(file.ruleFiles, { validators, validateTemplates: false });
  if (hasErrors(res.problems)) {
    return {
      groups: [],
      error: errorLines(res.problems),
    };
  }
  return { groups: res.groups, error: "" };
}

function settingsFor(file: TestFile, test: TestGroup, opts: RunOptions): EngineSettings {
  const url = opts.externalURL ?? test.externalURL ?? "";
  return {
    evaluationInterval: file.evaluationInterval,
    evalDelay: 0,
    resendDelay: 0,
    maxResolveDuration: 0,
    externalLabels: { ...test.externalLabels, ...opts.externalLabels },
    externalURL: url.replace(/\/+$/, ""),
    externalURLRaw: url,
    // promtool's alerts carry no alertgroup label.
    disableAlertgroupLabel: file.format === "promtool" || opts.disableAlertgroupLabel,
    maxStartDelay: 0,
    updateEntriesLimit: 20,
    maxActiveAlerts: 0,
    queryTimeout: 0,
  };
}

/** Fixture mode: each expression answers with its latest entry at or before the query time. */
export function fixtureQuerier(results: FixtureResult[], start: number): FakeQuerier {
  const byExpr = new Map<string, FixtureResult[]>();
  for (const r of results) {
    const list = byExpr.get(r.expr.trim()) ?? [];
    list.push(r);
    byExpr.set(r.expr.trim(), list);
  }
  const fake = new FakeQuerier();
  for (const [expr, list] of byExpr) {
    const sorted = [...list].sort((a, b) => a.evalTime - b.evalTime);
    fake.set(expr, async (_e: string, q: QueryOptions): Promise<QueryResult> => {
      let hit: FixtureResult | undefined;
      for (const r of sorted) if (start + r.evalTime <= q.time) hit = r;
      const data: Metric[] = (hit?.result ?? []).map((s) => ({
        labels: { ...s.labels },
        timestamp: q.time / 1000,
        value: s.value,
      }));
      return { data, seriesFetched: data.length };
    });
  }
  return fake;
}

function where(file: TestFile, line: number): string {
  return `${file.path}:${line}`;
}

async function runTest(file: TestFile, groups: GroupConfig[], test: TestGroup, opts: RunOptions): Promise<string[]> {
  const failures: string[] = [];
  const settings = settingsFor(file, test, opts);
  const fixture = test.queryResults !== undefined;
  if (fixture && test.exprTests.length > 0) {
    return [
      `${where(file, test.exprTests[0].line)}: expression tests need input_series (a database); fixture mode (query_results) checks alerts only`,
    ];
  }
  let querierFactory: QuerierFactory;
  let closeQuerier = async () => {};
  let backend: Backend | undefined;
  let writer: RemoteWriter;
  if (fixture) {
    querierFactory = fixtureQuerier(test.queryResults ?? [], test.startTime);
    writer = createMemoryWriter();
  } else {
    backend = await opts.backend();
    await backend.reset(test.startTime);
    const series = test.inputSeries.map((s) => inputToSeries(s.labels, s.points, test.startTime, test.interval));
    const lastAt = (points: unknown[]) => test.startTime + (points.length - 1) * test.interval;
    const late = test.inputSeries.find((s) => lastAt(s.points) > Date.now() + MAX_FUTURE_MS);
    if (late) {
      // Those samples are dropped silently; say why the expectations on them fail.
      failures.push(
        `    input series at ${where(file, late.line)} reaches ${new Date(lastAt(late.points)).toISOString()}: VictoriaMetrics drops samples more than 2 days ahead of now`,
      );
    }
    if (series.length > 0) await backend.write(series);
    const qf = createQuerierFactory({ url: backend.url, nocache: true, queryTimeout: 0 }, "unittest datasource");
    querierFactory = qf;
    closeQuerier = () => qf.close();
    writer = backend.writer;
  }
  const ordered = orderGroups(groups, file.groupEvalOrder);
  const runner = new StepRunner(
    ordered,
    { querierFactory, writer, compileTemplate: (t, o) => compileTemplate(t, o), logger: opts.logger, settings },
    test.startTime,
    file.evaluationInterval,
  );
  const ei = file.evaluationInterval;
  const maxEval = Math.max(0, ...test.alertTests.map((a) => a.evalTime), ...test.exprTests.map((e) => e.evalTime));
  const steps = Math.floor(maxEval / ei);
  const reported = new Set<string>();
  const ruleError = (f: RuleFailure) => {
    const key = `${f.group}\u0000${f.rule}`;
    if (reported.has(key)) return;
    reported.add(key);
    failures.push(
      `    group "${f.group}" rule "${f.rule}", time: ${fmtDuration(f.at - test.startTime)}, err: ${f.error}`,
    );
  };
  try {
    for (let k = 0; k <= steps; k++) {
      const errors = await runner.step();
      // promtool fails a test whose rules fail to evaluate; vmalert-tool only logs it.
      if (file.format === "promtool") for (const f of errors) ruleError(f);
      for (const t of test.alertTests) {
        if (Math.floor(t.evalTime / ei) !== k) continue;
        const msg = checkAlert(file, t, runner, settings.disableAlertgroupLabel, opts.disableAlertgroupLabel);
        if (msg) failures.push(msg);
      }
    }
  } finally {
    await runner.stop();
  }
  if (backend) {
    for (const t of test.exprTests) {
      let got: Metric[];
      try {
        got = await backend.query(t.expr, test.startTime + t.evalTime);
      } catch (err) {
        failures.push(
          `    expr: ${JSON.stringify(t.expr)}, time: ${fmtDuration(t.evalTime)} (${where(file, t.line)}), err: ${(err as Error).message}`,
        );
        continue;
      }
      if (!samplesMatch(t.expSamples, got, file.fuzzyCompare)) {
        failures.push(
          `    expr: ${JSON.stringify(t.expr)}, time: ${fmtDuration(t.evalTime)} (${where(file, t.line)}):\n${sampleDiff(t.expSamples, got)}`,
        );
      }
    }
  }
  await closeQuerier();
  return failures;
}

function checkAlert(
  file: TestFile,
  t: TestGroup["alertTests"][number],
  runner: StepRunner,
  noGroupLabel: boolean,
  groupLabelFlagOff: boolean,
): string {
  const head = `    alertname: ${t.alertname}${t.groupname !== undefined ? `, group: ${t.groupname}` : ""}, time: ${fmtDuration(t.evalTime)} (${where(file, t.line)})`;
  if (file.format === "vmalert-tool") {
    if (!groupLabelFlagOff && t.groupname === undefined) {
      return `${head}: groupname is required (or run with -disableAlertgroupLabel)`;
    }
    if (groupLabelFlagOff && t.groupname !== undefined) {
      return `${head}: groupname must not be set with -disableAlertgroupLabel`;
    }
  }
  const exp: ExpAlert[] = t.expAlerts.map((e) => {
    const labels: Record<string, string> = { ...e.labels, alertname: t.alertname };
    if (!noGroupLabel && t.groupname !== undefined) labels.alertgroup = t.groupname;
    return { labels, annotations: { ...e.annotations } };
  });
  // Only firing alerts count, as in both tools.
  const got: ExpAlert[] = runner
    .alerts(t.alertname, t.groupname)
    .filter((a) => a.state === "firing")
    .map((a) => ({ labels: a.labels, annotations: a.annotations }));
  if (alertsMatch(exp, got)) return "";
  const missing =
    t.groupname !== undefined && !runner.hasGroup(t.groupname) ? ` (no group "${t.groupname}" in the rule files)` : "";
  return `${head}${missing}:\n${alertDiff(exp, got)}`;
}

/** Runs every test of a parsed file; returns the text to print and whether all passed. */
export async function runTestFile(file: TestFile, opts: RunOptions): Promise<{ ok: boolean; output: string }> {
  const head = `Unit Testing: ${file.path}\n`;
  const loaded = await loadTestRules(file);
  if (loaded.error) return { ok: false, output: `${head}  FAILED:\n${indent(loaded.error, "    ")}\n` };
  const blocks: string[] = [];
  for (const test of file.tests) {
    if (opts.run && !opts.run.matchString(test.name)) continue;
    let failures: string[];
    try {
      failures = await runTest(file, loaded.groups, test, opts);
    } catch (err) {
      failures = [`    ${(err as Error).message}`];
    }
    if (failures.length > 0) {
      const name = test.name ? `"${test.name}"` : `#${file.tests.indexOf(test) + 1}`;
      blocks.push(`  test ${name} (${where(file, test.line)}):\n${failures.join("\n")}`);
    }
  }
  if (blocks.length === 0) return { ok: true, output: `${head}  SUCCESS\n` };
  return { ok: false, output: `${head}  FAILED:\n${blocks.join("\n")}\n` };
}

function indent(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
