// Runs the loader and the lint checks on a rule text written to a temp file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildValidators } from "../../src/cli/validators.js";
import { loadRules } from "../../src/config/load.js";
import type { ConfigProblem } from "../../src/config/types.js";
import { type LintOptions, lintRules } from "../../src/lint/index.js";

const dir = mkdtempSync(join(tmpdir(), "tsalert-lint-"));
let n = 0;

export function cleanup(): void {
  rmSync(dir, { recursive: true, force: true });
}

export function writeRules(text: string, name = `r${++n}.rules`): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

export interface Linted {
  file: string;
  /** Loader errors: a test text with one is a broken test. */
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
  /** `line:col rule-id` of every warning, for compact assertions. */
  where: string[];
}

export async function lintText(text: string, opts: LintOptions = {}): Promise<Linted> {
  const file = writeRules(text);
  return lintFiles([file], opts, file);
}

export async function lintFiles(files: string[], opts: LintOptions = {}, file = files[0]): Promise<Linted> {
  const res = await loadRules(files, { validators: buildValidators() });
  const warnings = await lintRules(res, opts);
  return {
    file,
    errors: res.problems.filter((p) => p.severity === "error"),
    warnings,
    where: warnings.map((w) => `${w.line}:${w.col} ${w.rule}`),
  };
}

/** Only the warnings of one check. */
export function of(l: Linted, id: string): ConfigProblem[] {
  return l.warnings.filter((w) => w.rule === id);
}

/** A rule file with one group holding the given rules text (already indented by 6 spaces). */
export function group(rules: string, head = ""): string {
  return `groups:\n  - name: g\n${head}    rules:\n${rules}`;
}

/** `line:col` of the n-th (0-based) occurrence of needle in text: where a warning should point. */
export function at(text: string, needle: string, nth = 0): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`${JSON.stringify(needle)} not in text`);
  }
  const before = text.slice(0, i);
  return `${before.split("\n").length}:${i - before.lastIndexOf("\n")}`;
}
