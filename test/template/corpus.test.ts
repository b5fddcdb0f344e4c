// Every annotation and label template of the shared rule corpus: parse verdicts match vmalert 1.79.5's
// (including its exact Go message) and rendering never crashes: it resolves or rejects with a TsalertError.

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { TsalertError } from "../../src/errors.js";
import { compileTemplate, isTemplate, validateTemplate } from "../../src/template/index.js";
import { CORPUS_DIR } from "../helpers/corpus.js";

const corpusDir = CORPUS_DIR;
const manifestPath = `${corpusDir}manifest.json`;

interface Entry {
  file: string;
  kind: string;
  vmalert_1_79_5: "ok" | "error";
  vmalert_error?: string;
}

const entries: Entry[] = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : [];
const ruleFiles = entries.filter((e) => e.kind === "rules" || e.kind === "rules-extracted");

function templatesOf(file: string): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  let docs: unknown[];
  try {
    docs = parseAllDocuments(readFileSync(`${corpusDir}${file}`, "utf8")).map((d) => d.toJS());
  } catch {
    return out;
  }
  for (const doc of docs) {
    const groups = (doc as { groups?: unknown })?.groups;
    if (!Array.isArray(groups)) continue;
    for (const g of groups) {
      for (const r of (g as { rules?: unknown[] })?.rules ?? []) {
        for (const what of ["annotations", "labels"] as const) {
          const m = (r as Record<string, unknown>)?.[what];
          if (!m || typeof m !== "object") continue;
          for (const [k, v] of Object.entries(m)) {
            if (typeof v === "string" && isTemplate(v)) out.push({ where: `${what}.${k}`, text: v });
          }
        }
      }
    }
  }
  return out;
}

const DATA = {
  labels: { instance: "host1.example.com:9100", job: "node", device: "sda", quantile: "0.99" },
  value: 0.93,
  expr: "up == 0",
  externalLabels: { cluster: "c1" },
  externalURL: "",
};

describe.skipIf(ruleFiles.length === 0)("shared corpus templates", () => {
  it("finds templates to check", () => {
    expect(ruleFiles.reduce((n, e) => n + templatesOf(e.file).length, 0)).toBeGreaterThan(500);
  });

  it.each(ruleFiles.map((e) => [e.file, e] as const))("%s", async (_file, e) => {
    const errors: string[] = [];
    for (const t of templatesOf(e.file)) {
      const bad = validateTemplate(t.text);
      if (bad) errors.push(bad.message);
      const out = await compileTemplate(t.text)
        .render(DATA, { externalURL: "http://localhost:8880", query: async () => [] })
        .then(
          (s) => s,
          (err: unknown) => err,
        );
      if (typeof out !== "string") expect(out).toBeInstanceOf(TsalertError);
    }
    const vmErr = e.vmalert_error ?? "";
    const m = /error parsing annotation template: (template: .*)$/.exec(vmErr);
    if (m) expect(errors).toContain(m[1]);
    else if (e.vmalert_1_79_5 === "ok") expect(errors).toEqual([]);
  });
});
