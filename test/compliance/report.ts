// The text report of compliance runs: per engine, case and check PASS/FAIL with the reason and the
// time of the first failure, a total N/16 per engine, and a line per engine over all runs.
import { ENGINE_TITLES, type EngineKind } from "./engines.js";
import { CHECK_TITLES, CHECKS, type RunResult } from "./suite.js";

const MAX_REASON_LINES = 12;

function indent(text: string, pad: string): string {
  const lines = text.split("\n");
  const shown = lines.slice(0, MAX_REASON_LINES);
  if (lines.length > MAX_REASON_LINES) shown.push(`… ${lines.length - MAX_REASON_LINES} more lines`);
  return shown.map((l) => pad + l).join("\n");
}

export function formatRun(r: RunResult, index: number, of: number): string {
  const out: string[] = [];
  out.push(`Run ${index} of ${of}: started ${r.started}, ${Math.round(r.durationSeconds / 60)} min, files in ${r.dir}`);
  if (r.invalid) out.push(`  NOT VALID: ${r.invalid}`);
  for (const e of r.engines) {
    out.push("");
    out.push(`${ENGINE_TITLES[e.kind]}: ${e.passed}/${e.total}`);
    out.push(`  ${e.command}`);
    if (e.exited) out.push(`  the process ended during the run: ${e.exited}`);
    for (const [group, checks] of Object.entries(e.cases)) {
      out.push(`  ${group}`);
      for (const check of CHECKS) {
        const c = checks[check];
        const title = CHECK_TITLES[check].padEnd(18);
        if (c.passed) {
          out.push(`    PASS  ${title}`);
          continue;
        }
        const at = c.at === undefined ? "" : ` (first failure ${Math.round(c.at / 1000)}s after the zero time)`;
        out.push(`    FAIL  ${title}${at}`);
        out.push(indent(c.reason ?? "", "          "));
      }
    }
  }
  return out.join("\n");
}

export function formatSummary(runs: RunResult[]): string {
  const kinds = [...new Set(runs.flatMap((r) => r.engines.map((e) => e.kind)))] as EngineKind[];
  const out = [`Summary of ${runs.length} run(s):`];
  for (const k of kinds) {
    const scores = runs.map((r) => {
      const e = r.engines.find((x) => x.kind === k);
      return e ? `${e.passed}/${e.total}${r.invalid ? " (not valid)" : ""}` : "-";
    });
    out.push(`  ${ENGINE_TITLES[k].padEnd(40)} ${scores.join("  ")}`);
  }
  return out.join("\n");
}
