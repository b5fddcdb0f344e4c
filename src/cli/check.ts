// -dryRun and `tsalert lint`: load rule files, print every problem, summarise.
import { assign, assignmentJSON, assignmentLines, type Membership, parseMembership } from "../cluster/index.js";
import { loadRules } from "../config/load.js";
import { formatProblem, hasErrors } from "../config/problems.js";
import type { ConfigProblem, LoadOptions, LoadResult } from "../config/types.js";
import { TsalertError } from "../errors.js";
import { buildRuleGraph, cycleProblems } from "../graph/index.js";
import { CHECK_IDS, CHECKS, createMetricSource, DISABLE_COMMENT, lintRules, MISSING_METRIC } from "../lint/index.js";
import { createHttpClient } from "../net/index.js";
import { clientOptionsFromFlags } from "./clientflags.js";
import { FLAGS_BY_NAME } from "./flags.js";
import { type FlagSet, parseFlags } from "./flagset.js";
import { parseGoDuration } from "./goduration.js";
import type { CliIO } from "./io.js";
import { loadOptionsFromFlags, loadRuleTemplates } from "./ruleopts.js";

export type LintFormat = "text" | "json" | "github";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function summary(res: LoadResult): string {
  const rules = res.groups.reduce((n, g) => n + g.rules.length, 0);
  return `${plural(res.groups.length, "group")}, ${plural(rules, "rule")} in ${plural(res.files.length, "file")}`;
}

/** -external.alert.source is a template too; vmalert checks it with -rule.validateTemplates. */
export function alertSourceProblems(source: string, opts: LoadOptions): ConfigProblem[] {
  const check = opts.validators?.template;
  if (source === "" || !check || opts.validateTemplates === false) return [];
  const bad = check(source, "annotation");
  if (!bad) return [];
  return [
    { file: "-external.alert.source", line: 0, col: 0, message: `invalid template: ${bad.message}`, severity: "error" },
  ];
}

/**
 * -dryRun: 0 when every file is valid and there is at least one group, else 1. With `membership` of more
 * than one member, the assignment of the groups to the members follows the summary.
 */
export async function dryRun(
  patterns: string[],
  opts: LoadOptions,
  io: CliIO,
  alertSource = "",
  membership?: Membership,
): Promise<number> {
  if (patterns.length === 0) {
    io.err("tsalert: -dryRun needs rule files: pass -rule=PATH_OR_GLOB\n");
    return 1;
  }
  const res = await loadRules(patterns, opts);
  res.problems.unshift(...alertSourceProblems(alertSource, opts));
  // Cycles are warnings, as at start: vmalert runs such files, each rule reading the other's older output.
  if (!hasErrors(res.problems)) res.problems.push(...cycleProblems(res.groups, buildRuleGraph(res.groups).cycles));
  for (const p of res.problems) io.err(`${formatProblem(p)}\n`);
  if (hasErrors(res.problems)) {
    const errors = res.problems.filter((p) => p.severity === "error");
    const files = new Set(errors.map((p) => p.file)).size;
    io.err(`tsalert: ${plural(errors.length, "error")} in ${plural(files, "file")}\n`);
    return 1;
  }
  if (res.groups.length === 0) {
    io.err(`tsalert: no groups found in ${patterns.join(", ")}\n`);
    return 1;
  }
  io.out(`${summary(res)}\n`);
  if (membership && membership.count > 1) {
    for (const line of assignmentLines(assign(res.groups, membership), res.groups)) io.out(`${line}\n`);
  }
  return 0;
}

/** GitHub Actions workflow-command escaping. */
function ghData(s: string): string {
  return s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function ghProp(s: string): string {
  return ghData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

export function githubAnnotation(p: ConfigProblem): string {
  const props = [`file=${ghProp(p.file)}`];
  if (p.line > 0) props.push(`line=${p.line}`, `col=${p.col}`);
  return `::${p.severity === "warning" ? "warning" : "error"} ${props.join(",")}::${ghData(p.message)}`;
}

const LINT_USAGE =
  "usage: tsalert lint [--format=text|json|github] [--fail-on-warning] [--disable=ID,...] [--lookback=DURATION]\n" +
  "                    [--shards=N [-cluster.replicationFactor=R]]\n" +
  "                    [-datasource.url=URL [-datasource.* auth flags]] [-evaluationInterval=D] [-rule.* / -clusterMode flags]\n" +
  "                    FILES_OR_GLOBS...\n";

interface LintArgs {
  format: string;
  /** --shards N: print the assignment of the groups to N cluster members. */
  shards?: string;
  failOnWarning: boolean;
  disabled: string[];
  lookback?: string;
  flagArgs: string[];
  files: string[];
}

/** lint's own flags; the rest go to the vmalert flag parser (loader, datasource and interval flags). */
const LINT_VALUE_FLAGS = new Set(["format", "disable", "lookback", "shards"]);

function parseLintArgs(argv: string[]): LintArgs | string {
  const out: LintArgs = { format: "text", failOnWarning: false, disabled: [], flagArgs: [], files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m && LINT_VALUE_FLAGS.has(m[1])) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) return `flag needs an argument: --${m[1]}`;
      if (m[1] === "format") out.format = v;
      else if (m[1] === "lookback") out.lookback = v;
      else if (m[1] === "shards") out.shards = v;
      else
        out.disabled.push(
          ...v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean),
        );
    } else if (m && m[1] === "fail-on-warning") {
      out.failOnWarning = m[2] === undefined || m[2] === "true";
    } else if (a.startsWith("-") && a.length > 1) {
      out.flagArgs.push(a);
      const name = a.replace(/^--?/, "").split("=")[0];
      const def = FLAGS_BY_NAME.get(name);
      if (def && !a.includes("=") && def.type !== "bool" && def.type !== "arrayBool" && i + 1 < argv.length) {
        out.flagArgs.push(argv[++i]);
      }
    } else out.files.push(a);
  }
  if (out.format !== "text" && out.format !== "json" && out.format !== "github") {
    return `invalid value "${out.format}" for flag --format: want text, json or github`;
  }
  const unknown = out.disabled.filter((id) => !CHECK_IDS.includes(id) && id !== DISABLE_COMMENT);
  if (unknown.length > 0) return `unknown check ${unknown.join(", ")} in --disable; known: ${CHECK_IDS.join(", ")}`;
  return out;
}

/** Text output of one problem: lint warnings end with their check id. */
function textLine(p: ConfigProblem): string {
  return p.rule ? `${formatProblem(p)} [${p.rule}]` : formatProblem(p);
}

function githubLine(p: ConfigProblem): string {
  if (!p.rule) return githubAnnotation(p);
  // The check id becomes the annotation title.
  return githubAnnotation(p).replace(/^(::\w+ )/, `$1title=${ghProp(p.rule)},`);
}

/**
 * `tsalert lint FILES...`: loader problems (syntax, semantics) and then lint warnings. Exit 0 when there
 * is no error (warnings allowed unless --fail-on-warning), 1 otherwise, 2 on a usage error.
 */
export async function lint(argv: string[], io: CliIO): Promise<number> {
  const args = parseLintArgs(argv);
  if (typeof args === "string") {
    io.err(`tsalert lint: ${args}\n${LINT_USAGE}`);
    return 2;
  }
  const { format, files } = args;
  let opts: LoadOptions;
  let flags: FlagSet;
  let lookbackMs: number | undefined;
  let membership: Membership | undefined;
  try {
    ({ flags } = parseFlags(args.flagArgs));
    if (flags.bool("help")) {
      io.out(LINT_USAGE);
      io.out(`\nchecks (silence one rule with "# tsalert-disable-next-line ID" above it):\n`);
      for (const c of CHECKS) io.out(`  ${c.id.padEnd(26)} ${c.summary}\n`);
      io.out(`  ${MISSING_METRIC.padEnd(26)} metric without series in -datasource.url (only with that flag)\n`);
      io.out(`  ${DISABLE_COMMENT.padEnd(26)} unknown check id in a tsalert-disable-next-line comment\n`);
      return 0;
    }
    if (args.lookback !== undefined) {
      const ms = parseGoDuration(args.lookback);
      if (ms === null || ms <= 0) {
        throw new TsalertError(
          "TSA_FLAG",
          `invalid value "${args.lookback}" for flag --lookback: want a duration like 24h`,
        );
      }
      lookbackMs = ms;
    }
    if (args.shards !== undefined) {
      if (!/^\d{1,4}$/.test(args.shards)) {
        throw new TsalertError("TSA_FLAG", `invalid value "${args.shards}" for flag --shards: want a member count`);
      }
      membership = parseMembership({
        membersCount: Number(args.shards),
        memberNum: "0",
        replicationFactor: flags.int("cluster.replicationFactor"),
        memberURLTemplate: "",
      });
    }
    files.push(...flags.list("rule"));
    const templates = await loadRuleTemplates(flags.list("rule.templates"));
    if (templates.problem) {
      io.err(`${formatProblem(templates.problem)}\n`);
      return 1;
    }
    opts = loadOptionsFromFlags(flags);
  } catch (err) {
    if (err instanceof TsalertError) {
      io.err(`tsalert lint: ${err.message}\n${LINT_USAGE}`);
      return 2;
    }
    throw err;
  }
  if (files.length === 0) {
    io.err(`tsalert lint: no files given\n${LINT_USAGE}`);
    return 2;
  }
  const res = await loadRules(files, opts);
  const dsURL = flags.string("datasource.url");
  const client = dsURL !== "" ? createHttpClient(clientOptionsFromFlags(flags, "datasource"), "lint datasource") : null;
  let warnings: ConfigProblem[];
  try {
    warnings = await lintRules(res, {
      defaultInterval: flags.duration("evaluationInterval"),
      disabled: args.disabled,
      metrics: client
        ? createMetricSource(client, {
            url: dsURL,
            lookbackMs,
            timeoutMs: flags.duration("datasource.queryTimeout") || undefined,
          })
        : undefined,
    });
  } finally {
    await client?.close();
  }
  const problems = [...res.problems, ...warnings];
  const errorCount = problems.filter((p) => p.severity === "error").length;
  const warningCount = problems.length - errorCount;
  const failed = errorCount > 0 || (args.failOnWarning && warningCount > 0);
  // The assignment of a set that does not load would be the assignment of what happened to load.
  const assignment = membership && errorCount === 0 ? assign(res.groups, membership) : undefined;
  const errorFiles = new Set(problems.map((p) => p.file)).size;
  const tail =
    errorCount > 0
      ? `${plural(errorCount, "error")} in ${plural(errorFiles, "file")}`
      : `${summary(res)}${warningCount > 0 ? `; ${plural(warningCount, "warning")}` : ""}`;
  if (format === "json") {
    const rules = res.groups.reduce((n, g) => n + g.rules.length, 0);
    const body = {
      ok: !failed,
      groups: res.groups.length,
      rules,
      files: res.files,
      errors: errorCount,
      warnings: warningCount,
      problems,
      ...(assignment ? { placement: assignmentJSON(assignment, res.groups) } : {}),
    };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
  } else if (format === "github") {
    for (const p of problems) io.out(`${githubLine(p)}\n`);
    io.out(`${errorCount > 0 ? plural(errorCount, "error") : tail}\n`);
  } else {
    for (const p of problems) io.out(`${textLine(p)}\n`);
    io.out(`${tail}\n`);
  }
  if (assignment && format !== "json") {
    for (const line of assignmentLines(assignment, res.groups)) io.out(`${line}\n`);
  }
  return failed ? 1 : 0;
}
