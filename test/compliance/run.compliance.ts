// `npm run compliance`: runs the suite (scripts/compliance.mjs passes the options in the environment)
// and writes each run's report to .tmp/compliance/<stamp>/; the script prints them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ENGINE_KINDS, type EngineKind } from "./engines.js";
import { formatRun, formatSummary } from "./report.js";
import { type RunResult, runSuite } from "./suite.js";

function engines(): EngineKind[] {
  const list = (process.env.COMPLIANCE_ENGINES ?? "tsalert").split(",").filter((s) => s !== "");
  for (const k of list) {
    if (!(ENGINE_KINDS as readonly string[]).includes(k))
      throw new Error(`unknown engine ${k}: one of ${ENGINE_KINDS.join(", ")}`);
  }
  return list as EngineKind[];
}

test("compliance suite", async () => {
  const dir = process.env.COMPLIANCE_DIR as string;
  const runs = Number(process.env.COMPLIANCE_RUNS ?? "1");
  const cases = process.env.COMPLIANCE_CASES ? process.env.COMPLIANCE_CASES.split(",") : undefined;
  const results: RunResult[] = [];
  for (let i = 1; i <= runs; i++) {
    const runDir = join(dir, `run-${i}`);
    mkdirSync(runDir, { recursive: true });
    const log = (line: string) => process.stdout.write(`[run ${i} ${new Date().toISOString()}] ${line}\n`);
    const r = await runSuite({ engines: engines(), cases, dir: runDir, log });
    results.push(r);
    writeFileSync(join(runDir, "report.json"), JSON.stringify(r, null, 2));
    writeFileSync(join(runDir, "report.txt"), `${formatRun(r, i, runs)}\n`);
  }
  writeFileSync(join(dir, "summary.txt"), `${formatSummary(results)}\n`);
  expect(results.length).toBe(runs);
});
