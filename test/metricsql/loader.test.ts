// The parser as the rule loader's expression check: errors come out as file:line:col of the rule file,
// block scalars included.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/config/load.js";
import { formatProblem } from "../../src/config/problems.js";
import type { Validators } from "../../src/config/types.js";
import { validateExpr } from "../../src/metricsql/index.js";

const dir = mkdtempSync(join(tmpdir(), "tsalert-metricsql-loader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validators: Validators = { expr: (expr, type) => (type === "prometheus" ? validateExpr(expr) : null) };

async function problems(name: string, yaml: string): Promise<string[]> {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  const res = await loadRules([file], { validators });
  return res.problems.filter((p) => p.severity === "error").map(formatProblem);
}

describe("loader integration", () => {
  it("maps an error in a plain scalar to file:line:col", async () => {
    const out = await problems(
      "plain.yml",
      "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum(rate(x[5m]) by (job)\n",
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(`${join(dir, "plain.yml")}:5:27`);
    expect(out[0]).toContain('expected "," or ")" but found "by"');
  });

  it("maps an error in a block scalar to its line in the file", async () => {
    const out = await problems(
      "block.yml",
      "groups:\n- name: g\n  rules:\n  - record: r\n    expr: |\n      sum(\n        rate(x[5m])\n      ) by (job) +\n",
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(`${join(dir, "block.yml")}:8:19`);
    expect(out[0]).toContain("expected an expression but found end of input");
  });

  it("accepts valid MetricsQL", async () => {
    const out = await problems(
      "good.yml",
      'groups:\n- name: g\n  rules:\n  - record: r\n    expr: WITH (f(m) = rate(m[5m])) sum(f(x{a="b"})) by (job) limit 5\n',
    );
    expect(out).toEqual([]);
  });
});
