// Every rule file of the shared corpus goes through lint: no check may crash (warnings are fine), and
// every warning points into the file it names.

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildValidators } from "../../src/cli/validators.js";
import { loadRules } from "../../src/config/load.js";
import { CHECK_IDS, lintRules } from "../../src/lint/index.js";
import { CORPUS_DIR } from "../helpers/corpus.js";

const corpusDir = CORPUS_DIR;
const manifestPath = `${corpusDir}manifest.json`;
const entries: { file: string; kind: string }[] = existsSync(manifestPath)
  ? JSON.parse(readFileSync(manifestPath, "utf8"))
  : [];
const files = entries.filter((e) => e.kind !== "template").map((e) => `${corpusDir}${e.file}`);
const validators = buildValidators();

describe.skipIf(files.length === 0)("lint over the rule corpus", () => {
  it("each file: no check throws, every warning has a known id and a place in its file", async () => {
    const ids = new Set([...CHECK_IDS, "disable-comment"]);
    let rules = 0;
    let warned = 0;
    for (const file of files) {
      const res = await loadRules([file], { validators });
      rules += res.groups.reduce((n, g) => n + g.rules.length, 0);
      const problems = await lintRules(res);
      expect(
        problems.filter((p) => p.severity === "error"),
        file,
      ).toEqual([]);
      const lines = readFileSync(file, "utf8").split("\n").length;
      for (const p of problems) {
        expect(ids.has(p.rule ?? ""), `${file}: ${p.rule}`).toBe(true);
        expect(p.file).toBe(file);
        expect(p.line >= 1 && p.line <= lines && p.col >= 1, `${file}:${p.line}:${p.col}`).toBe(true);
      }
      if (problems.length > 0) warned++;
    }
    // The corpus is large and real: the checks must have found something, and not in every file.
    expect(rules).toBeGreaterThan(1000);
    expect(warned).toBeGreaterThan(10);
    expect(warned).toBeLessThan(files.length);
  });

  it("all files at once (duplicate-alert across files) does not throw", async () => {
    const res = await loadRules(files, { validators });
    const problems = await lintRules(res);
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(problems.some((p) => p.rule === "duplicate-alert" && p.message.includes(" at /"))).toBe(true);
  });
});
