// Pulls the MetricsQL expressions out of the rule files of the shared corpus.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { CORPUS_DIR, corpusAvailable } from "../helpers/corpus.js";

export const CORPUS = CORPUS_DIR;

interface ManifestEntry {
  file: string;
  kind: string;
  tsalert_expect: string;
  vmalert_error?: string;
}

export interface CorpusExpr {
  file: string;
  rule: string;
  expr: string;
}

export function manifest(): ManifestEntry[] {
  if (!corpusAvailable) return [];
  return JSON.parse(readFileSync(join(CORPUS, "manifest.json"), "utf8")) as ManifestEntry[];
}

/** Every prometheus-type `expr` of a rule file (graphite and vlogs groups are skipped). */
export function exprsOf(file: string): CorpusExpr[] {
  const out: CorpusExpr[] = [];
  const text = readFileSync(join(CORPUS, file), "utf8");
  for (const doc of parseAllDocuments(text)) {
    const data = doc.toJS() as { groups?: unknown } | null;
    const groups = (data as { groups?: unknown[] } | null)?.groups;
    if (!Array.isArray(groups)) continue;
    for (const g of groups as Array<{ type?: string; rules?: Array<Record<string, unknown>> }>) {
      if (g?.type && g.type !== "prometheus") continue;
      for (const r of g?.rules ?? []) {
        if (typeof r?.expr !== "string") continue;
        out.push({ file, rule: String(r.alert ?? r.record ?? "?"), expr: r.expr });
      }
    }
  }
  return out;
}

export function goodCorpusExprs(): CorpusExpr[] {
  return manifest()
    .filter((m) => m.tsalert_expect === "good" && (m.kind === "rules" || m.kind === "rules-extracted"))
    .flatMap((m) => exprsOf(m.file));
}

/** Bad files that vmalert rejects for an expression (not for graphite or LogsQL). */
export function badExprFiles(): ManifestEntry[] {
  return manifest().filter(
    (m) =>
      m.tsalert_expect === "bad" &&
      /invalid expression for rule .*bad prometheus expr/.test(m.vmalert_error ?? "") &&
      !/features\.yml$/.test(m.file),
  );
}
