// Runs one test file: loads its rules with the live loader, then for each test builds its query target
// (targets.ts, by dialect), steps the engine's groups through the timeline and checks the expectations.

import type { Logger } from "pino";
import { loadRules } from "../config/load.js";
import { errorLines, hasErrors } from "../config/problems.js";
import type { GroupConfig, Validators } from "../config/types.js";
import type { Metric } from "../datasource/types.js";
import { errorMessage } from "../errors.js";
import type { GoRegexp } from "../goregexp.js";
import { fmtDuration } from "../gotime.js";
import { validateExpr } from "../metricsql/index.js";
import { validatePromql } from "../promql/index.js";
import { semanticsPolicy } from "../rule/semantics.js";
import type { EngineSettings } from "../rule/types.js";
import { compileTemplate } from "../template/index.js";
import type { Backend } from "./backend.js";
import { alertDiff, alertsMatch, sampleDiff, samplesMatch } from "./compare.js";
import { orderGroups, type RuleFailure, StepRunner } from "./steps.js";
import { fixtureTarget, promqlTarget, type TestTarget, vmTarget } from "./targets.js";
import type { ExpAlert, TestFile, TestFormat, TestGroup } from "./testfile.js";

export interface RunOptions {
  logger: Logger;
  /** -external.label: wins over a test's external_labels. */
  externalLabels: Record<string, string>;
  /** -external.url; a test's external_url is used when unset. */
  externalURL?: string;
  disableAlertgroupLabel: boolean;
  /** Only tests whose name matches (promtool --run). */
  run?: GoRegexp;
  /** The database of vmalert-tool-dialect tests, started on first use and shared by every file of a run. */
  backend(): Promise<Backend>;
}

export interface TestResult {
  /** The test's name, or promtool's "unnamed#<index>". */
  name: string;
  line: number;
  /** One message per failed expectation; empty = passed. */
  failures: string[];
}

export interface FileResult {
  path: string;
  format: TestFormat;
  ok: boolean;
  /** The text printed for the file. */
  output: string;
  /** The tests that ran (after --run). */
  tests: TestResult[];
  /** Set when the file could not run at all (its rule files do not load). */
  error?: string;
}

/** What each dialect means, as printed beside the file name. */
export const DIALECT_ENGINE: Record<TestFormat, string> = {
  promtool: "promtool dialect: PromQL, Prometheus semantics",
  "vmalert-tool": "vmalert-tool dialect: MetricsQL on VictoriaMetrics",
};

const VALIDATORS: Record<TestFormat, Validators> = {
  "vmalert-tool": { expr: (expr, type) => (type === "prometheus" ? validateExpr(expr) : null) },
  promtool: { expr: (expr) => validatePromql(expr), exprLanguage: "PromQL" },
};

/** Loads the rule files of a test file; the error text lists every problem, or is "" when they load. */
export async function loadTestRules(file: TestFile): Promise<{ groups: GroupConfig[]; error: string }> {
  if (file.ruleFiles.length === 0) return { groups: [], error: "" };
  // Expressions are checked in the file's query language; templates are not pre-validated (as both tools).
  const res = await loadRules(file.ruleFiles, { validators: VALIDATORS[file.format], validateTemplates: false });
  if (hasErrors(res.problems)) return { groups: [], error: errorLines(res.problems) };
  return { groups: res.groups, error: "" };
}

/**
 * promtool evaluates with Prometheus semantics (src/rule/semantics.ts): rule labels replace series labels,
 * no alertgroup label, and external labels stay out of rule labels (templates read them). vmalert-tool
 * attaches a test's external labels to every rule's labels and templates only the -external.label flags.
 */
function settingsFor(file: TestFile, test: TestGroup, opts: RunOptions): EngineSettings {
  const url = opts.externalURL ?? test.externalURL ?? "";
  const promtool = file.format === "promtool";
  return {
    semantics: promtool ? "prometheus" : "vmalert",
    resendDelay: 0,
    maxResolveDuration: 0,
    externalLabels: { ...test.externalLabels, ...opts.externalLabels },
    ...(promtool ? {} : { templateExternalLabels: { ...opts.externalLabels } }),
    externalURL: url.replace(/\/+$/, ""),
    externalURLRaw: url,
    disableAlertgroupLabel: opts.disableAlertgroupLabel,
    maxStartDelay: 0,
    updateEntriesLimit: 20,
    maxActiveAlerts: 0,
  };
}

/** Evaluations one test may take (a test file must not keep the run busy for days). */
export const MAX_STEPS = 1_000_000;

function where(file: TestFile, line: number): string {
  return `${file.path}:${line}`;
}

async function targetFor(file: TestFile, test: TestGroup, opts: RunOptions): Promise<TestTarget> {
  if (test.queryResults !== undefined) return fixtureTarget(test);
  if (file.format === "promtool") return promqlTarget(test, file.evaluationInterval);
  return vmTarget(test, await opts.backend(), (line) => where(file, line));
}

async function runTest(file: TestFile, groups: GroupConfig[], test: TestGroup, opts: RunOptions): Promise<string[]> {
  if (test.queryResults !== undefined && test.exprTests.length > 0) {
    return [
      `    ${where(file, test.exprTests[0].line)}: expression tests need input_series (a database); fixture mode (query_results) checks alerts only`,
    ];
  }
  const settings = settingsFor(file, test, opts);
  const target = await targetFor(file, test, opts);
  const failures = target.notes.map((n) => `    ${n}`);
  const runner = new StepRunner(
    orderGroups(groups, file.groupEvalOrder),
    {
      querierFactory: target.querierFactory,
      writer: target.writer,
      compileTemplate: (t, o) => compileTemplate(t, o),
      logger: opts.logger,
      settings,
    },
    test.startTime,
    file.evaluationInterval,
  );
  const ei = file.evaluationInterval;
  const maxEval = Math.max(0, ...test.alertTests.map((a) => a.evalTime), ...test.exprTests.map((e) => e.evalTime));
  const steps = Math.floor(maxEval / ei);
  if (steps > MAX_STEPS) {
    await target.close();
    return [
      `    the last eval_time (${fmtDuration(maxEval)}) needs ${steps} evaluations at evaluation_interval ${fmtDuration(ei)}, more than ${MAX_STEPS}`,
    ];
  }
  let ruleErrors = false;
  try {
    for (let k = 0; k <= steps; k++) {
      const errors = await runner.step();
      // promtool fails a test whose rules fail to evaluate and stops it there; vmalert-tool only logs them.
      if (file.format === "promtool" && errors.length > 0) {
        for (const f of errors) failures.push(ruleError(test, f));
        ruleErrors = true;
        break;
      }
      for (const t of test.alertTests) {
        if (Math.floor(t.evalTime / ei) !== k) continue;
        const noGroupLabel = settings.disableAlertgroupLabel || !semanticsPolicy(settings).alertgroupLabel;
        const msg = checkAlert(file, t, runner, noGroupLabel, opts.disableAlertgroupLabel);
        if (msg) failures.push(msg);
      }
    }
  } finally {
    await runner.stop();
  }
  if (target.query && !ruleErrors) {
    for (const t of test.exprTests) {
      let got: Metric[];
      const head = `    expr: ${JSON.stringify(t.expr)}, time: ${fmtDuration(t.evalTime)} (${where(file, t.line)})`;
      try {
        got = await target.query(t.expr, test.startTime + t.evalTime);
      } catch (err) {
        failures.push(`${head}, err: ${errorMessage(err)}`);
        continue;
      }
      if (!samplesMatch(t.expSamples, got, file.fuzzyCompare)) {
        failures.push(`${head}:\n${sampleDiff(t.expSamples, got)}`);
      }
    }
  }
  await target.close();
  return failures;
}

function ruleError(test: TestGroup, f: RuleFailure): string {
  return `    group "${f.group}" rule "${f.rule}", time: ${fmtDuration(f.at - test.startTime)}, err: ${f.error}`;
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

function testName(file: TestFile, test: TestGroup): string {
  return test.name ? `"${test.name}"` : `#${file.tests.indexOf(test) + 1}`;
}

/** Runs every test of a parsed file; returns the text to print, whether all passed and each test's result. */
export async function runTestFile(file: TestFile, opts: RunOptions): Promise<FileResult> {
  const head = `Unit Testing: ${file.path} (${DIALECT_ENGINE[file.format]})\n`;
  const base = { path: file.path, format: file.format };
  const loaded = await loadTestRules(file);
  if (loaded.error) {
    return {
      ...base,
      ok: false,
      output: `${head}  FAILED:\n${indent(loaded.error, "    ")}\n`,
      tests: [],
      error: loaded.error,
    };
  }
  const blocks: string[] = [];
  const tests: TestResult[] = [];
  for (const test of file.tests) {
    if (opts.run && !opts.run.matchString(test.name)) continue;
    let failures: string[];
    try {
      failures = await runTest(file, loaded.groups, test, opts);
    } catch (err) {
      failures = [`    ${errorMessage(err)}`];
    }
    tests.push({ name: test.name || `unnamed#${file.tests.indexOf(test)}`, line: test.line, failures });
    if (failures.length > 0) {
      blocks.push(`  test ${testName(file, test)} (${where(file, test.line)}):\n${failures.join("\n")}`);
    }
  }
  if (blocks.length === 0) return { ...base, ok: true, output: `${head}  SUCCESS\n`, tests };
  return { ...base, ok: false, output: `${head}  FAILED:\n${blocks.join("\n")}\n`, tests };
}

function indent(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
