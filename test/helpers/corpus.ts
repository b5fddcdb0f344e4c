// Where the shared rule-file corpus is: $TSALERT_CORPUS, else beside the checkout (../shared/corpus, as in
// the workspace), else /work/shared/corpus. Corpus tests skip when none exists (a lone clone).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

function find(): string | undefined {
  const candidates = [
    process.env.TSALERT_CORPUS,
    fileURLToPath(new URL("../../../shared/corpus/", import.meta.url)),
    "/work/shared/corpus/",
  ];
  for (const c of candidates) {
    if (c && existsSync(`${c.replace(/\/?$/, "/")}manifest.json`)) return c.replace(/\/?$/, "/");
  }
  return undefined;
}

/** The corpus directory with a trailing `/`, or "" when there is none. */
export const CORPUS_DIR = find() ?? "";
export const corpusAvailable = CORPUS_DIR !== "";
