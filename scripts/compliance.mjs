#!/usr/bin/env node
// `npm run compliance [-- --engines=tsalert,vmalert] [--vmalert] [--runs=N] [--cases=A,B]`: Prometheus'
// alert-generator compliance suite (test/compliance/) against the built tsalert, on real
// VictoriaMetrics servers; --vmalert adds the real vmalert 1.79.5 on the same data, `prometheus` in
// --engines adds Prometheus itself as the reference; COMPLIANCE_TSALERT_BIN=path/bin/tsalert.js measures
// another build. Prints each run's report and a summary; exits 1 when an engine of the run missed a check.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const engines = (opt("engines") ?? "tsalert").split(",").filter(Boolean);
if (args.includes("--vmalert") && !engines.includes("vmalert")) engines.push("vmalert");
const runs = Number(opt("runs") ?? "1");
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${opt("runs")}`);
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const dir = join(root, ".tmp", "compliance", stamp);
mkdirSync(dir, { recursive: true });

const env = {
  ...process.env,
  COMPLIANCE_DIR: dir,
  COMPLIANCE_ENGINES: engines.join(","),
  COMPLIANCE_RUNS: String(runs),
  ...(opt("cases") ? { COMPLIANCE_CASES: opt("cases") } : {}),
};
console.log(`compliance: ${engines.join(", ")}; ${runs} run(s) of about 40 minutes; files in ${dir}`);
const code = await new Promise((resolve) => {
  const child = spawn("npx", ["vitest", "run", "--config", "vitest.compliance.config.ts"], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  child.on("error", () => resolve(1));
});

let allPassed = code === 0;
for (let i = 1; i <= runs; i++) {
  const f = join(dir, `run-${i}`, "report.txt");
  if (!existsSync(f)) continue;
  console.log(`\n${readFileSync(f, "utf8")}`);
  const r = JSON.parse(readFileSync(join(dir, `run-${i}`, "report.json"), "utf8"));
  if (r.invalid || r.engines.some((e) => e.passed !== e.total)) allPassed = false;
}
const summary = join(dir, "summary.txt");
if (existsSync(summary)) console.log(`\n${readFileSync(summary, "utf8")}`);
process.exit(allPassed ? 0 : 1);
