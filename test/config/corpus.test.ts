// Conformance: every rule file of the shared corpus gets the verdict its manifest asks of tsalert.

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadRuleTemplates } from "../../src/cli/ruleopts.js";
import { buildValidators, validatorStatus } from "../../src/cli/validators.js";
import { loadRules } from "../../src/config/load.js";
import { formatProblem } from "../../src/config/problems.js";
import { CORPUS_DIR } from "../helpers/corpus.js";

const corpusDir = CORPUS_DIR;

interface Entry {
  file: string;
  kind: "rules" | "template" | "k8s-manifest" | "rules-extracted";
  tsalert_expect: "good" | "bad" | "skip";
  tsalert_basis: string;
  vmalert_error?: string;
}

const manifestPath = `${corpusDir}manifest.json`;
const entries: Entry[] = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : [];

/** Why a verdict cannot be judged yet: it rests on a checker another part of tsalert provides. */
function pending(e: Entry): string | null {
  if (e.kind === "template") {
    return validatorStatus.templates ? null : "-rule.templates files need the template engine (src/template)";
  }
  if (e.tsalert_expect !== "bad") return null;
  const err = e.vmalert_error ?? "";
  if (!validatorStatus.metricsql && /invalid expression for rule .*bad (prometheus|MetricsQL) expr/.test(err)) {
    return "rejected for its MetricsQL expression: needs the parser (src/metricsql)";
  }
  if (!validatorStatus.templates && /invalid (annotations|labels) for rule/.test(err)) {
    return "rejected for a template: needs the template engine (src/template)";
  }
  return null;
}

const validators = buildValidators();

async function verdict(e: Entry): Promise<"good" | "bad"> {
  const res = await loadRules([`${corpusDir}${e.file}`], { validators });
  return res.problems.some((p) => p.severity === "error") ? "bad" : "good";
}

// A file whose expected rejection rests on a missing checker is only pending when the rest of the
// loader does not already reject it for another reason.
const stillPending = new Set<string>();
for (const e of entries) {
  if (e.tsalert_expect !== "skip" && pending(e) && (e.kind === "template" || (await verdict(e)) !== e.tsalert_expect)) {
    stillPending.add(e.file);
  }
}

describe.skipIf(entries.length === 0)("rule-file corpus", () => {
  for (const e of entries) {
    if (e.tsalert_expect === "skip") continue;
    const why = pending(e);
    if (why && stillPending.has(e.file)) {
      it.todo(`${e.file}: ${why}`);
      continue;
    }
    if (e.kind === "template") {
      it(`${e.file} (-rule.templates) is ${e.tsalert_expect}`, async () => {
        const { problem } = await loadRuleTemplates([`${corpusDir}${e.file}`]);
        expect(problem ? "bad" : "good", problem?.message).toBe(e.tsalert_expect);
      });
      continue;
    }
    it(`${e.file} is ${e.tsalert_expect}`, async () => {
      const path = `${corpusDir}${e.file}`;
      const res = await loadRules([path], { validators });
      const errors = res.problems.filter((p) => p.severity === "error");
      const verdict = errors.length > 0 ? "bad" : "good";
      expect(verdict, `${e.tsalert_basis}\n${errors.map(formatProblem).join("\n")}`).toBe(e.tsalert_expect);
      for (const p of errors) expect(p.file).toBe(path);
      if (verdict === "good") expect(res.groups.length + res.files.length).toBeGreaterThan(0);
    });
  }
});
