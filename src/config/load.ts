// loadRules: patterns -> files -> YAML documents -> schema -> semantic checks -> GroupConfig.
// Problems of every file are collected; nothing here throws on bad input.

import { isMap, isScalar, LineCounter } from "yaml";
import { errorMessage } from "../errors.js";
import { redactURL } from "../net/redact.js";
import { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "./effective.js";
import { substituteEnv } from "./envsubst.js";
import { expandGlob, hasGlobMeta } from "./glob.js";
import { reindentQuotedContinuations } from "./lenient.js";
import { Locator, type Path } from "./locate.js";
import { isUrl, readRuleSource } from "./read.js";
import { restoreTextScalars } from "./scalars.js";
import { schemaProblems } from "./schema.js";
import { checkDocument, type FileContext, type SemanticOptions } from "./semantic.js";
import type { ConfigProblem, EffectiveGroupConfig, GroupConfig, LoadOptions, LoadResult } from "./types.js";
import { parseYamlDocuments } from "./yaml.js";

/** Aliases may expand to at most this many nodes: real rule files stay far below, YAML bombs do not. */
const MAX_ALIAS_COUNT = 1000;
const READ_CONCURRENCY = 16;

function wholeFile(file: string, message: string, severity: ConfigProblem["severity"] = "error"): ConfigProblem {
  return { file, line: 0, col: 0, message, severity };
}

/** Files (and URLs) matched by the patterns, in order, without repeats. */
export function expandPatterns(patterns: readonly string[], problems: ConfigProblem[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    let matched: string[];
    if (isUrl(pattern) || !hasGlobMeta(pattern)) matched = [pattern];
    else {
      try {
        matched = expandGlob(pattern);
      } catch (err) {
        problems.push(wholeFile(pattern, errorMessage(err)));
        continue;
      }
      if (matched.length === 0) {
        problems.push(wholeFile(pattern, "-rule pattern matches no files"));
        continue;
      }
    }
    for (const file of matched) {
      if (seen.has(file)) {
        const shown = isUrl(file) ? redactURL(file) : file;
        problems.push(wholeFile(shown, "matched by more than one -rule pattern; loaded once", "warning"));
        continue;
      }
      seen.add(file);
      files.push(file);
    }
  }
  return files;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function loadRules(patterns: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const problems: ConfigProblem[] = [];
  const files = expandPatterns(patterns, problems);
  const sem: SemanticOptions = {
    validators: opts.validators ?? {},
    validateExpressions: opts.validateExpressions ?? true,
    validateTemplates: opts.validateTemplates ?? true,
    defaultRuleType: opts.defaultRuleType ?? "prometheus",
    clusterMode: opts.clusterMode ?? false,
  };
  const env = opts.env ?? process.env;
  const texts = await mapLimit(files, READ_CONCURRENCY, (f) => readRuleSource(f, opts.fetchTimeoutMs));
  const defaults = opts.groupDefaults ?? DEFAULT_GROUP_DEFAULTS;
  const groups: EffectiveGroupConfig[] = [];
  // A rule URL's token must not reach the API `file` field, /metrics labels, the UI or logs.
  const shown = files.map((f) => (isUrl(f) ? redactURL(f) : f));
  const sources = new Map<string, string>();
  shown.forEach((s, i) => {
    if (s !== files[i]) sources.set(s, files[i]);
  });
  shown.forEach((file, i) => {
    const read = texts[i];
    if (!read.ok) {
      problems.push({ file, line: read.line ?? 0, col: read.col ?? 0, message: read.message, severity: "error" });
      return;
    }
    for (const g of parseRuleText(file, substituteEnv(read.text, env), sem, problems)) {
      groups.push(withGroupDefaults(g, defaults));
    }
  });
  return { groups, files: shown, problems, ...(sources.size > 0 ? { sources } : {}) };
}

/** Parses and checks the text of one rule file; problems are appended, valid groups returned. */
export function parseRuleText(
  file: string,
  source: string,
  opts: SemanticOptions,
  out: ConfigProblem[],
): GroupConfig[] {
  const problems: ConfigProblem[] = [];
  const groups = parseInto(file, source, opts, problems);
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  out.push(...problems);
  return groups;
}

function parseInto(file: string, source: string, opts: SemanticOptions, problems: ConfigProblem[]): GroupConfig[] {
  let lines = new LineCounter();
  let docs = parseYamlDocuments(source, YAML_OPTIONS(lines));
  if (docs.some((d) => d.errors.length > 0)) {
    const fixed = reindentQuotedContinuations(source);
    if (fixed) {
      const lines2 = new LineCounter();
      const docs2 = parseYamlDocuments(fixed.text, YAML_OPTIONS(lines2));
      if (docs2.every((d) => d.errors.length === 0)) {
        lines = lines2;
        docs = docs2;
        source = fixed.text;
        problems.push({
          file,
          line: fixed.lines[0],
          col: 1,
          message: `quoted value continues on line(s) ${fixed.lines.join(", ")} indented no deeper than its key; accepted as vmalert does, but not valid YAML for other tools`,
          severity: "warning",
        });
      }
    }
  }
  const groups: GroupConfig[] = [];
  const groupNames = new Set<string>();
  let withContent = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const pos = lines.linePos(err.pos[0]);
        problems.push({ file, ...pos, message: `YAML: ${firstLine(err.message)}`, severity: "error" });
      }
      withContent++;
      continue;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    withContent++;
    const loc = new Locator(doc, lines);
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const pos = doc.contents.range ? lines.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
      const why = errorMessage(err);
      problems.push({
        file,
        ...pos,
        message: `YAML aliases expand too much (a YAML bomb?): ${why}`,
        severity: "error",
      });
      continue;
    }
    const prefix: Path = isMap(doc.contents) && doc.contents.has("kind") ? ["spec"] : [];
    restoreTextScalars(data, loc, prefix);
    for (const p of schemaProblems(data)) {
      const pos = loc.pos(p.path, p.which);
      problems.push({ file, ...pos, message: `${describePath(data, p.path)}${p.message}`, severity: "error" });
    }
    const ctx: FileContext = { file, source, loc, prefix, problems, groupNames, opts };
    groups.push(...checkDocument(ctx, data));
  }
  if (withContent === 0) problems.push(wholeFile(file, "file has no YAML content (only comments or document markers)"));
  return groups;
}

// logLevel "error": the yaml library would print its warnings (e.g. a map used as a key) on stderr, outside
// any file:line problem; what they warn about is reported by the schema checks instead.
const YAML_OPTIONS = (lineCounter: LineCounter) => ({ lineCounter, logLevel: "error" as const });

function firstLine(msg: string): string {
  return msg.split("\n")[0];
}

/** `group "g" rule "r": ` for a path inside a group or rule, so messages say where. */
function describePath(data: unknown, path: Path): string {
  const gi = path.indexOf("groups");
  if (gi < 0 || typeof path[gi + 1] !== "number") return "";
  const get = (v: unknown, k: string | number) =>
    v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
  let node: unknown = data;
  for (const seg of path.slice(0, gi + 2)) node = get(node, seg);
  const gname = get(node, "name");
  let out = `group ${typeof gname === "string" ? JSON.stringify(gname) : `#${String(path[gi + 1])}`}`;
  if (path[gi + 2] === "rules" && typeof path[gi + 3] === "number") {
    const rule = get(get(node, "rules"), path[gi + 3]);
    const rname = get(rule, "alert") ?? get(rule, "record");
    out += ` rule ${typeof rname === "string" ? JSON.stringify(rname) : `#${String(path[gi + 3])}`}`;
  }
  return `${out}: `;
}
