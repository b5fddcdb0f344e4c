// `npm run bench`: runs every bench/*.bench.mjs (each exports `run()` returning rows) and prints one table.
// Benchmarks import the built code from dist/, so `npm run bench` builds first.
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith(".bench.mjs")).sort();
const rows = [];
for (const f of files) {
  if (only.length && !only.some((o) => f.includes(o))) continue;
  const mod = await import(pathToFileURL(join(here, f)).href);
  process.stderr.write(`running ${f}...\n`);
  for (const row of await mod.run()) rows.push({ bench: f.replace(".bench.mjs", ""), ...row });
}
const w = (s, n) => String(s).padEnd(n);
console.log(`| ${w("bench", 14)} | ${w("measure", 58)} | ${w("value", 14)} | unit |`);
console.log(`|${"-".repeat(16)}|${"-".repeat(60)}|${"-".repeat(16)}|------|`);
for (const r of rows) console.log(`| ${w(r.bench, 14)} | ${w(r.name, 58)} | ${w(r.value, 14)} | ${r.unit} |`);
