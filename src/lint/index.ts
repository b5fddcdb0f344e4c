// `tsalert lint` checks beyond syntax: runs every check over the loaded rules and returns warnings
// (ConfigProblem with `rule` set to the check id), after `# tsalert-disable-next-line` comments and
// `--disable` took theirs out.

import type { ConfigProblem, LoadResult } from "../config/types.js";
import { errorMessage } from "../errors.js";
import { type Expr, parse } from "../metricsql/index.js";
import { alwaysTrueRegex } from "./checks/alwaystrue.js";
import { chainInterval, chainOrder, dependencyCycle } from "./checks/dependencies.js";
import { droppedLabel } from "./checks/droppedlabel.js";
import { duplicateAlert } from "./checks/duplicatealert.js";
import { forShorterThanInterval } from "./checks/forinterval.js";
import { missingFor } from "./checks/missingfor.js";
import { rateOnGauge } from "./checks/rateongauge.js";
import { recordName } from "./checks/recordname.js";
import { unstableLabel } from "./checks/unstablelabel.js";
import { type Directives, isDisabled } from "./directives.js";
import { missingMetrics } from "./metrics.js";
import { type FileIndex, indexFile, rulePositions } from "./source.js";
import type { Finding, LintCheck, LintContext, LintOptions, LintRule } from "./types.js";

export { createMetricSource, type MetricSourceOptions } from "./metrics.js";
export type * from "./types.js";

export const CHECKS: readonly LintCheck[] = [
  rateOnGauge,
  missingFor,
  forShorterThanInterval,
  unstableLabel,
  droppedLabel,
  recordName,
  duplicateAlert,
  alwaysTrueRegex,
  dependencyCycle,
  chainOrder,
  chainInterval,
];

export const MISSING_METRIC = "missing-metric";
/** Reported for a disable comment naming an id no check has. */
export const DISABLE_COMMENT = "disable-comment";
export const CHECK_IDS: readonly string[] = [...CHECKS.map((c) => c.id), MISSING_METRIC];

function parseQuiet(expr: string): Expr | undefined {
  try {
    return parse(expr);
  } catch {
    return undefined;
  }
}

async function buildRules(res: LoadResult, env?: NodeJS.ProcessEnv) {
  const files = [...new Set(res.groups.map((g) => g.file))];
  const indexes = new Map<string, FileIndex | null>();
  await Promise.all(
    files.map(async (f) => {
      const index = await indexFile(res.sources?.get(f) ?? f, env).catch(() => null);
      indexes.set(f, index && { ...index, file: f });
    }),
  );
  const rules: LintRule[] = [];
  const directives = new Map<LintRule, Directives>();
  for (const group of res.groups) {
    for (const rule of group.rules) {
      const { at, directives: d } = rulePositions(indexes.get(group.file) ?? null, rule);
      const ast = group.type === "prometheus" && rule.expr.trim() !== "" ? parseQuiet(rule.expr) : undefined;
      const lr: LintRule = { group, rule, ast, at };
      rules.push(lr);
      directives.set(lr, d);
    }
  }
  return { rules, directives };
}

function toProblem(id: string, f: Finding): ConfigProblem {
  return { file: f.at.file, line: f.at.line, col: f.at.col, message: f.message, severity: "warning", rule: id };
}

/**
 * Lint warnings of loaded rules, sorted by file (load order), line and column. A check that throws is
 * reported as an error problem naming the check, so one bug does not hide the other checks' findings.
 */
export async function lintRules(
  res: LoadResult,
  opts: LintOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<ConfigProblem[]> {
  const { rules, directives } = await buildRules(res, opts.env);
  const ctx: LintContext = { rules, defaultInterval: opts.defaultInterval ?? 60_000 };
  const off = new Set(opts.disabled ?? []);
  const out: ConfigProblem[] = [];
  const keep = (id: string, f: Finding) => {
    const d = directives.get(f.rule);
    if (off.has(id) || (d && isDisabled(d, id))) return;
    out.push(toProblem(id, f));
  };
  for (const check of opts.checks ?? CHECKS) {
    if (off.has(check.id)) continue;
    let found: Finding[];
    try {
      found = check.run(ctx);
    } catch (err) {
      out.push({
        file: "tsalert lint",
        line: 0,
        col: 0,
        message: `check ${check.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        severity: "error",
        rule: check.id,
      });
      continue;
    }
    for (const f of found) keep(check.id, f);
  }
  if (opts.metrics && !off.has(MISSING_METRIC)) {
    try {
      for (const f of await missingMetrics(rules, opts.metrics)) keep(MISSING_METRIC, f);
    } catch (err) {
      out.push({
        file: "-datasource.url",
        line: 0,
        col: 0,
        message: `cannot check that metrics exist: ${errorMessage(err)}`,
        severity: "error",
        rule: MISSING_METRIC,
      });
    }
  }
  if (!off.has(DISABLE_COMMENT)) out.push(...unknownDirectiveIds(rules, directives));
  const order = new Map(res.files.map((f, i) => [f, i]));
  return out.sort(
    (a, b) =>
      (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.rule ?? "").localeCompare(b.rule ?? ""),
  );
}

function unknownDirectiveIds(rules: readonly LintRule[], directives: Map<LintRule, Directives>): ConfigProblem[] {
  const known = new Set(CHECK_IDS);
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    for (const n of directives.get(r)?.named ?? []) {
      const key = `${r.rule.pos.file}:${n.line}:${n.id}`;
      if (known.has(n.id) || seen.has(key)) continue;
      seen.add(key);
      out.push({
        file: r.rule.pos.file,
        line: n.line,
        col: n.col,
        message: `unknown check ${JSON.stringify(n.id)} in tsalert-disable-next-line; known: ${CHECK_IDS.join(", ")}`,
        severity: "warning",
        rule: DISABLE_COMMENT,
      });
    }
  }
  return out;
}
