// Loading and validating 10,000 rules in 100 files (target: under 1 s on a 2-core machine).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildValidators } from "../dist/cli/validators.js";
import { loadRules } from "../dist/config/load.js";

const FILES = 100;
const GROUPS_PER_FILE = 10;
const RULES_PER_GROUP = 10;

export function ruleFile(f) {
  const out = ["groups:"];
  for (let g = 0; g < GROUPS_PER_FILE; g++) {
    out.push(`  - name: group-${f}-${g}`, "    interval: 30s", "    labels:", `      shard: "${g}"`, "    rules:");
    for (let r = 0; r < RULES_PER_GROUP; r++) {
      if (r % 2 === 0) {
        out.push(
          `      - alert: HighErrorRate_${f}_${g}_${r}`,
          `        expr: sum(rate(http_requests_total{code=~"5..",job="job-${r}"}[5m])) by (instance) > ${r}`,
          "        for: 5m",
          "        labels:",
          "          severity: warning",
          "        annotations:",
          '          summary: "{{ $labels.instance }} has {{ $value }} errors/s"',
        );
      } else {
        out.push(
          `      - record: job:http_requests:rate5m_${f}_${g}_${r}`,
          "        expr: |",
          `          sum by (job) (rate(http_requests_total{job="job-${r}"}[5m]))`,
        );
      }
    }
  }
  return `${out.join("\n")}\n`;
}

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), "tsalert-bench-loader-"));
  try {
    await Promise.all(Array.from({ length: FILES }, (_, f) => writeFile(join(dir, `rules-${f}.yml`), ruleFile(f))));
    const validators = buildValidators();
    const load = () => loadRules([`${dir}/*.yml`], { validators });
    const c0 = performance.now();
    const first = await load(); // cold: schema compilation, JIT warm-up
    const coldMs = performance.now() - c0;
    const rules = first.groups.reduce((n, g) => n + g.rules.length, 0);
    if (rules !== FILES * GROUPS_PER_FILE * RULES_PER_GROUP || first.problems.length > 0) {
      throw new Error(`loader bench: expected 10000 valid rules, got ${rules} and ${first.problems.length} problems`);
    }
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await load();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return [
      { name: "load+validate 10,000 rules in 100 files (median of 5)", value: Math.round(times[2]), unit: "ms" },
      { name: "load+validate 10,000 rules in 100 files (cold, first run)", value: Math.round(coldMs), unit: "ms" },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
