// Deeply nested YAML is refused by depth before the yaml library's recursive composer sees it. Without
// the limit, 3,000 `[` aborted the whole process (V8 compiled a regexp at the end of the stack:
// "RegExpCompiler Allocation failed"), which no try/catch can stop.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRuleText } from "../../src/config/load.js";
import { formatProblem } from "../../src/config/problems.js";
import type { SemanticOptions } from "../../src/config/semantic.js";
import type { ConfigProblem } from "../../src/config/types.js";
import { MAX_YAML_DEPTH } from "../../src/config/yaml.js";
import { parseNotifierConfig } from "../../src/notifier/config.js";
import { parseTestFile } from "../../src/unittest/testfile.js";
import { withStackUsed } from "../helpers/stack.js";
import { TSALERT_BIN } from "../helpers/tsalert.js";

const tmp = mkdtempSync(join(tmpdir(), "tsalert-yamldepth-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEMANTIC: SemanticOptions = {
  validators: {},
  validateExpressions: true,
  validateTemplates: true,
  defaultRuleType: "prometheus",
  clusterMode: false,
};
const GROUP = "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n";
/** Files nesting n levels, and the line where the nesting is. */
const nested: Record<string, [(n: number) => string, number]> = {
  flowSeq: [(n) => `${GROUP}        labels: {a: ${"[".repeat(n)}${"]".repeat(n)}}\n`, 6],
  flowMap: [(n) => `${GROUP}        labels: ${"{a: ".repeat(n)}1${"}".repeat(n)}\n`, 6],
  blockSeq: [(n) => `${GROUP}        labels:\n          a:\n${" ".repeat(12)}${"- ".repeat(n)}x\n`, 8],
};

describe("YAML nesting limit", () => {
  it.each(Object.entries(nested))(
    "%s: thousands of levels end in one error with the line, no crash",
    (kind, [make, line]) => {
      const file = join(tmp, `${kind}.rules`);
      writeFileSync(file, make(3000));
      const r = spawnSync(process.execPath, [TSALERT_BIN, "-dryRun", `-rule=${file}`], { encoding: "utf8" });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${file}:${line}:`);
      expect(r.stderr).toContain(`collections nested more than ${MAX_YAML_DEPTH} levels deep`);
      expect(r.stderr).not.toMatch(/FATAL|RangeError|\n\s+at /);
    },
  );

  it.each(Object.entries(nested))(
    "%s: nesting up to the limit is parsed, with half of the stack in use",
    (kind, [make]) => {
      const file = `${kind}-ok.rules`;
      const problems: ConfigProblem[] = [];
      // Synchronous, so the whole parse runs on the padded stack (loadRules would parse after an await).
      // The rule map and its labels take levels of their own.
      withStackUsed(0.5, () => parseRuleText(file, make(MAX_YAML_DEPTH - 6), SEMANTIC, problems));
      const msgs = problems.map(formatProblem);
      expect(msgs.join("\n")).not.toContain("nested more than");
      // The schema refuses a nested label value, which shows the document was composed and checked.
      expect(msgs.some((m) => m.includes('group "g" rule "r": "a" must be a string'))).toBe(true);
    },
  );

  it("applies to notifier config files and unit test files", () => {
    const deep = `static_configs: ${"[".repeat(3000)}${"]".repeat(3000)}\n`;
    expect(() => parseNotifierConfig(deep, "notifier.yml")).toThrow(
      `notifier.yml:1: cannot parse notifier config: collections nested more than ${MAX_YAML_DEPTH} levels deep`,
    );
    expect(() => parseTestFile("t.yml", `rule_files: ${"[".repeat(3000)}${"]".repeat(3000)}\n`)).toThrow(
      `t.yml:1: collections nested more than ${MAX_YAML_DEPTH} levels deep`,
    );
  });
});
