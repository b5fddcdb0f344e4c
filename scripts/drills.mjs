#!/usr/bin/env node
// `npm run drills [-- --long] [vitest args]`: runs the drill suite (vitest.drills.config.ts) against the
// built tsalert, then prints one line per drill with the figures it recorded in .tmp/drills/*.json and
// a total. --long sets DRILLS_LONG=1 (60 s outages; drill 12's is 10 min). Exit code is vitest's.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const reportDir = join(root, ".tmp", "drills");
const resultsFile = join(reportDir, "vitest-results.json");

const args = process.argv.slice(2);
const long = args.includes("--long");
const passThrough = args.filter((a) => a !== "--long");

// Figures of an earlier run must not pass for this one's.
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

const env = { ...process.env, ...(long ? { DRILLS_LONG: "1" } : {}) };
const vitestArgs = [
  "vitest",
  "run",
  "--config",
  "vitest.drills.config.ts",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${resultsFile}`,
  ...passThrough,
];
const started = Date.now();
const code = await new Promise((resolve) => {
  const child = spawn("npx", vitestArgs, { cwd: root, env, stdio: "inherit" });
  child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  child.on("error", () => resolve(1));
});

/** Drill file name (without .drill.ts) → "passed" | "failed" | "skipped". */
function fileStatuses() {
  const out = new Map();
  if (!existsSync(resultsFile)) return out;
  try {
    const r = JSON.parse(readFileSync(resultsFile, "utf8"));
    for (const f of r.testResults ?? []) {
      const name = basename(f.name).replace(/\.drill\.ts$/, "");
      const tests = f.assertionResults ?? [];
      // A test still "pending" at the end never finished: its worker died (vitest then may call the file
      // passed), which is a failure of the drill.
      const failed = f.status === "failed" || tests.some((t) => t.status === "failed" || t.status === "pending");
      const ran = tests.some((t) => t.status === "passed" || t.status === "failed");
      out.set(name, failed ? "failed" : ran ? "passed" : "skipped");
    }
  } catch {
    // A run killed half-way leaves no or a partial file: the lines below then show "?".
  }
  return out;
}

function readFigures() {
  const out = [];
  for (const f of readdirSync(reportDir)) {
    if (!f.endsWith(".json") || f === basename(resultsFile)) continue;
    try {
      out.push(JSON.parse(readFileSync(join(reportDir, f), "utf8")));
    } catch {
      // ignore a half-written file
    }
  }
  return out;
}

function describe(fig) {
  const parts = [];
  if (fig.outageSeconds !== undefined) parts.push(`outage ${fig.outageSeconds}s`);
  if (fig.samplesLost !== undefined) parts.push(`samples lost ${fig.samplesLost}`);
  if (fig.samplesDropped !== undefined) parts.push(`dropped (counted) ${fig.samplesDropped}`);
  if (fig.alertsLost !== undefined) parts.push(`alerts lost ${fig.alertsLost}`);
  if (fig.recoverySeconds !== undefined) parts.push(`recovery ${fig.recoverySeconds.toFixed(1)}s`);
  if (fig.maxRssMiB !== undefined) parts.push(`max RSS ${fig.maxRssMiB} MiB`);
  for (const [k, v] of Object.entries(fig.extra ?? {})) parts.push(`${k} ${v}`);
  return parts.join(", ");
}

const statuses = fileStatuses();
const figures = readFigures();
// A drill file may record several figure sets ("remotewrite", "remotewrite-overflow").
const fileOf = (figName) =>
  [...statuses.keys()]
    .filter((f) => figName === f || figName.startsWith(`${f}-`))
    .sort((a, b) => b.length - a.length)[0];
const lines = [];
const covered = new Set();
for (const fig of figures.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
  const file = fileOf(fig.name);
  if (file) covered.add(file);
  const status = file ? statuses.get(file) : undefined;
  lines.push({ status, name: fig.name, text: `${fig.title ? `${fig.title}: ` : ""}${describe(fig)}` });
}
for (const [file, status] of statuses) {
  if (!covered.has(file)) lines.push({ status, name: file, text: "(no figures recorded)" });
}
lines.sort((a, b) => a.name.localeCompare(b.name));

const mark = (s) => (s === "passed" ? "PASS" : s === "failed" ? "FAIL" : s === "skipped" ? "SKIP" : "  ? ");
const width = Math.max(8, ...lines.map((l) => l.name.length));
console.log(`\nDrills${long ? " (--long: 60 s outages, 10 min in drill 12)" : ""}:`);
for (const l of lines) console.log(`  ${mark(l.status)}  ${l.name.padEnd(width)}  ${l.text}`);
const passed = [...statuses.values()].filter((s) => s === "passed").length;
const failed = [...statuses.values()].filter((s) => s === "failed").length;
console.log(`\n${passed} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(code);
