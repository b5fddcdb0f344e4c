// The hand-written verdicts agree with the real vmalert 1.79.5 (`vmalert -dryRun`), except where the
// case says why not (newer MetricsQL features, tsalert's stricter argument checks).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INVALID, VALID } from "./cases.js";

const dir = mkdtempSync(join(tmpdir(), "tsalert-metricsql-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function ruleFile(exprs: string[]): string {
  const file = join(dir, `r${n++}.yml`);
  const rules = exprs.map((e, i) => `  - record: r${i}\n    expr: ${JSON.stringify(e)}\n`).join("");
  writeFileSync(file, `groups:\n- name: g\n  rules:\n${rules}`);
  return file;
}

function vmalertAccepts(exprs: string[]): { ok: boolean; output: string } {
  const r = spawnSync("vmalert", ["-dryRun", `-rule=${ruleFile(exprs)}`], { encoding: "utf8", timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe("vmalert 1.79.5 agrees", () => {
  it("accepts every valid case it knows", () => {
    const known = VALID.filter((c) => !c.newer).map((c) => c.expr);
    const all = vmalertAccepts(known);
    if (!all.ok) {
      const refused = known.filter((e) => !vmalertAccepts([e]).ok);
      expect(refused).toEqual([]);
    }
    expect(all.ok).toBe(true);
  });

  it("refuses the newer features tsalert accepts (so they stay marked as newer)", () => {
    const accepted = VALID.filter((c) => c.newer && vmalertAccepts([c.expr]).ok).map((c) => c.expr);
    expect(accepted).toEqual([]);
  });

  it("refuses every invalid case except the stricter argument checks", () => {
    const accepted = INVALID.filter((c) => !c.stricter && c.expr.trim() !== "" && !c.expr.trim().startsWith("#"))
      .filter((c) => vmalertAccepts([c.expr]).ok)
      .map((c) => c.expr);
    expect(accepted).toEqual([]);
  });

  it("accepts the stricter cases that tsalert rejects on purpose", () => {
    const refused = INVALID.filter((c) => c.stricter && !vmalertAccepts([c.expr]).ok).map((c) => c.expr);
    expect(refused).toEqual([]);
  });
});
