import type { ConfigProblem } from "./types.js";

/** `file:line:col: message`; problems about a whole file or pattern have line 0 and print `file: message`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return `${where}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
}

export function hasErrors(problems: readonly ConfigProblem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** The errors among `problems`, one formatted line each (warnings left out). */
export function errorLines(problems: readonly ConfigProblem[]): string {
  return problems
    .filter((p) => p.severity === "error")
    .map(formatProblem)
    .join("\n");
}
