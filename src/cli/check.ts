// -dryRun and `tsalert lint`: load rule files, print every problem, summarise.
import { loadRules } from "../config/load.js";
import { formatProblem, hasErrors } from "../config/problems.js";
import type { ConfigProblem, LoadOptions, LoadResult } from "../config/types.js";
import { TsalertError } from "../errors.js";
import { FLAGS_BY_NAME } from "./flags.js";
import { parseFlags } from "./flagset.js";
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

/** -dryRun: 0 when every file is valid and there is at least one group, else 1. */
export async function dryRun(patterns: string[], opts: LoadOptions, io: CliIO, alertSource = ""): Promise<number> {
  if (patterns.length === 0) {
    io.err("tsalert: -dryRun needs rule files: pass -rule=PATH_OR_GLOB\n");
    return 1;
  }
  const res = await loadRules(patterns, opts);
  res.problems.unshift(...alertSourceProblems(alertSource, opts));
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

const LINT_USAGE = "usage: tsalert lint [--format=text|json|github] [-rule.* / -clusterMode flags] FILES_OR_GLOBS...\n";

/** `tsalert lint FILES...`: exit 0 clean, 1 problems, 2 usage error. */
export async function lint(argv: string[], io: CliIO): Promise<number> {
  let format: string = "text";
  const flagArgs: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--?format(?:=(.*))?$/.exec(a);
    if (m) {
      const v = m[1] ?? argv[++i];
      if (v === undefined) {
        io.err(`tsalert lint: flag needs an argument: --format\n${LINT_USAGE}`);
        return 2;
      }
      format = v;
    } else if (a.startsWith("-") && a.length > 1) {
      flagArgs.push(a);
      const name = a.replace(/^--?/, "").split("=")[0];
      const def = FLAGS_BY_NAME.get(name);
      if (def && !a.includes("=") && def.type !== "bool" && def.type !== "arrayBool" && i + 1 < argv.length) {
        flagArgs.push(argv[++i]);
      }
    } else files.push(a);
  }
  if (format !== "text" && format !== "json" && format !== "github") {
    io.err(`tsalert lint: invalid value "${format}" for flag --format: want text, json or github\n`);
    return 2;
  }
  let opts: LoadOptions;
  try {
    const { flags } = parseFlags(flagArgs);
    if (flags.bool("help")) {
      io.out(LINT_USAGE);
      return 0;
    }
    files.push(...flags.list("rule"));
    const templates = await loadRuleTemplates(flags.list("rule.templates"));
    if (templates.problem) {
      io.err(`${formatProblem(templates.problem)}\n`);
      return 1;
    }
    opts = loadOptionsFromFlags(flags, templates.set);
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
  const failed = hasErrors(res.problems);
  if (format === "json") {
    const rules = res.groups.reduce((n, g) => n + g.rules.length, 0);
    const body = { ok: !failed, groups: res.groups.length, rules, files: res.files, problems: res.problems };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
  } else if (format === "github") {
    for (const p of res.problems) io.out(`${githubAnnotation(p)}\n`);
    io.out(
      `${failed ? `${plural(res.problems.filter((p) => p.severity === "error").length, "error")}` : summary(res)}\n`,
    );
  } else {
    for (const p of res.problems) io.out(`${formatProblem(p)}\n`);
    if (failed)
      io.out(
        `${plural(res.problems.filter((p) => p.severity === "error").length, "error")} in ${plural(new Set(res.problems.map((p) => p.file)).size, "file")}\n`,
      );
    else io.out(`${summary(res)}\n`);
  }
  return failed ? 1 : 0;
}
