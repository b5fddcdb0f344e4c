// Parsing every prometheus-type `expr` of the shared corpus' good rule files, repeatedly (target: more
// than 200,000 expressions per second).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { parse, print } from "../dist/metricsql/index.js";

const CORPUS = "/work/shared/corpus";

function corpusExprs() {
  const manifest = JSON.parse(readFileSync(join(CORPUS, "manifest.json"), "utf8"));
  const out = [];
  for (const m of manifest) {
    if (m.tsalert_expect !== "good" || (m.kind !== "rules" && m.kind !== "rules-extracted")) continue;
    for (const doc of parseAllDocuments(readFileSync(join(CORPUS, m.file), "utf8"))) {
      for (const g of doc.toJS()?.groups ?? []) {
        if (g?.type && g.type !== "prometheus") continue;
        for (const r of g?.rules ?? []) if (typeof r?.expr === "string") out.push(r.expr);
      }
    }
  }
  return out;
}

function rate(exprs, fn, ms) {
  for (const e of exprs) fn(e); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (const e of exprs) fn(e);
    n += exprs.length;
    t = performance.now();
  }
  return Math.round(n / ((t - t0) / 1000));
}

export async function run() {
  const exprs = corpusExprs();
  const chars = exprs.reduce((s, e) => s + e.length, 0);
  const parsed = exprs.map((e) => parse(e));
  const perSec = rate(exprs, parse, 2000);
  let i = 0;
  const printPerSec = rate(parsed, () => print(parsed[i++ % parsed.length]), 1000);
  return [
    {
      name: `metricsql: parse corpus expressions (${exprs.length}, avg ${Math.round(chars / exprs.length)} chars)`,
      value: perSec,
      unit: "expr/s",
    },
    { name: "metricsql: parse throughput", value: Math.round((perSec * chars) / exprs.length / 1e6), unit: "MB/s" },
    { name: "metricsql: print corpus expressions", value: printPerSec, unit: "expr/s" },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(`${row.name}: ${row.value} ${row.unit}`);
}
