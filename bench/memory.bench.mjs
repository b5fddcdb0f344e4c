// Memory per active alert, side by side with the real vmalert 1.79.5: W2 at 1x, 2x and 4x its series
// (about 28,000, 56,000 and 112,000 active alerts), each engine's peak RSS at each size, and the slope of
// a least-squares line through the three points: the bytes one more active alert costs, measured rather
// than guessed. The intercept is the process's base. Exits non-zero (process.exitCode) when tsalert's
// slope passes FAIL_BYTES_PER_ALERT, so a regression shows when the bench runs.
// Standalone: node bench/memory.bench.mjs [--factors=1,2,4] [--engines=vmalert,tsalert]. Part of
// `npm run bench`.
import { fileURLToPath } from "node:url";
import { runWorkload } from "./engine.bench.mjs";
import { w2Scaled } from "./lib/workloads.mjs";

/** README's goal for tsalert's cost per active alert above the base. */
const GOAL_BYTES_PER_ALERT = 2048;
/** Generous: past this the bench fails. */
const FAIL_BYTES_PER_ALERT = 4096;

const log = (msg) => process.stderr.write(`memory.bench: ${msg}\n`);

/** Least squares over [x, y] points: {slope, intercept}. */
export function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export async function run({ factors = [1, 2, 4], engines = ["vmalert", "tsalert"] } = {}) {
  const points = Object.fromEntries(engines.map((e) => [e, []]));
  const rows = [];
  for (const f of factors) {
    const workload = w2Scaled(f);
    log(workload.title);
    const results = await runWorkload(workload, engines);
    for (const [engine, r] of Object.entries(results)) {
      if (r.unavailable) {
        rows.push({ name: `${workload.id} ${engine}`, value: "not available", unit: "" });
        continue;
      }
      points[engine].push([r.alertsPerIteration, r.peakRss]);
      rows.push({
        name: `${workload.id} ${engine} peak RSS at ${Math.round(r.alertsPerIteration)} alerts`,
        value: Math.round((r.peakRss / 2 ** 20) * 10) / 10,
        unit: "MiB",
      });
    }
  }
  for (const engine of engines) {
    if (points[engine].length < 2) continue;
    const { slope, intercept } = fitLine(points[engine]);
    rows.push({ name: `${engine} bytes per active alert (slope)`, value: Math.round(slope), unit: "B" });
    rows.push({ name: `${engine} base (intercept)`, value: Math.round((intercept / 2 ** 20) * 10) / 10, unit: "MiB" });
    if (engine === "tsalert") {
      const verdict = slope <= GOAL_BYTES_PER_ALERT ? "goal met" : slope <= FAIL_BYTES_PER_ALERT ? "over goal" : "FAIL";
      rows.push({
        name: `tsalert per alert: goal <= ${GOAL_BYTES_PER_ALERT} B, fails past ${FAIL_BYTES_PER_ALERT} B`,
        value: verdict,
        unit: "",
      });
      if (slope > FAIL_BYTES_PER_ALERT) {
        log(`tsalert needs ${Math.round(slope)} bytes per active alert, more than ${FAIL_BYTES_PER_ALERT}`);
        process.exitCode = 1;
      }
    }
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = {};
  for (const a of process.argv.slice(2)) {
    const [k, v = ""] = a.replace(/^--?/, "").split("=");
    if (k === "factors") opts.factors = v.split(",").map(Number);
    else if (k === "engines") opts.engines = v.split(",");
    else throw new Error(`unknown argument "${a}" (want --factors=1,2,4 --engines=vmalert,tsalert)`);
  }
  for (const r of await run(opts)) console.log(`| ${r.name.padEnd(64)} | ${String(r.value).padEnd(12)} | ${r.unit} |`);
}
