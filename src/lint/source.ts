// File positions for lint findings: the rule files are read and parsed again (as the loader does) to
// reach the YAML node of every rule, so a finding can point at a `for` value or a character in an expr.
import { isMap, isPair, isScalar, LineCounter, type Node, type YAMLMap } from "yaml";
import { substituteEnv } from "../config/envsubst.js";
import { reindentQuotedContinuations } from "../config/lenient.js";
import { readRuleSource } from "../config/read.js";
import { scalarOffset } from "../config/textpos.js";
import type { RuleConfig, SourcePos } from "../config/types.js";
import { parseYamlDocuments } from "../config/yaml.js";
import { type Directives, directivesAbove } from "./directives.js";
import type { RulePositions } from "./types.js";

export interface FileIndex {
  file: string;
  source: string;
  lines: LineCounter;
  /** Rule maps by the position of their first key, "line:col". */
  rules: Map<string, YAMLMap>;
  sourceLines: string[];
}

function parseDocs(source: string) {
  const lines = new LineCounter();
  const docs = parseYamlDocuments(source, { lineCounter: lines });
  return { lines, docs, ok: docs.every((d) => d.errors.length === 0) };
}

function collectRuleMaps(node: unknown, lines: LineCounter, out: Map<string, YAMLMap>, depth = 0): void {
  if (depth > 64 || node === null || typeof node !== "object") return;
  if (isMap(node)) {
    const keys = new Set(node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : "")));
    if ((keys.has("alert") || keys.has("record")) && node.range) {
      const pos = lines.linePos(node.range[0]);
      out.set(`${pos.line}:${pos.col}`, node);
    }
    for (const p of node.items) collectRuleMaps(p.value, lines, out, depth + 1);
    return;
  }
  const items = (node as { items?: unknown[] }).items;
  if (Array.isArray(items)) for (const item of items) collectRuleMaps(item, lines, out, depth + 1);
}

/** Reads and indexes one rule file as the loader saw it (same env substitution and lenient fix). */
export async function indexFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<FileIndex | null> {
  const read = await readRuleSource(file);
  if (!read.ok) return null;
  let source = substituteEnv(read.text, env);
  let parsed = parseDocs(source);
  if (!parsed.ok) {
    const fixed = reindentQuotedContinuations(source);
    if (fixed) {
      const again = parseDocs(fixed.text);
      if (again.ok) {
        source = fixed.text;
        parsed = again;
      }
    }
  }
  const rules = new Map<string, YAMLMap>();
  for (const doc of parsed.docs) collectRuleMaps(doc.contents, parsed.lines, rules);
  return { file, source, lines: parsed.lines, rules, sourceLines: source.split(/\r?\n/) };
}

function pairOf(map: YAMLMap | undefined, key: string) {
  if (!map) return undefined;
  return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
}

function valueNode(map: YAMLMap | undefined, key: string): Node | undefined {
  const v = pairOf(map, key)?.value;
  return v && typeof v === "object" && "range" in (v as object) ? (v as Node) : undefined;
}

/** 1-based line and column of a character offset in a text. */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const nl = before.lastIndexOf("\n");
  return { line: before.split("\n").length, col: before.length - nl };
}

/** Positions and disable comments of one rule. Without an index entry every position is the rule's. */
export function rulePositions(idx: FileIndex | null, rule: RuleConfig): { at: RulePositions; directives: Directives } {
  const map = idx?.rules.get(`${rule.pos.line}:${rule.pos.col}`);
  const file = rule.pos.file;
  const here = (offset: number): SourcePos => ({ file, ...(idx as FileIndex).lines.linePos(offset) });
  const nodePos = (node: Node | undefined): SourcePos | undefined => (node?.range ? here(node.range[0]) : undefined);
  const inText = (node: Node | undefined, text: string, offset: number): SourcePos | undefined => {
    if (!idx || !node) return undefined;
    const lc = lineColOf(text, offset);
    const off = scalarOffset(node, idx.source, lc.line, lc.col);
    return off === null ? undefined : here(off);
  };
  const mapOf = (name: "labels" | "annotations") => {
    const m = valueNode(map, name);
    return isMap(m) ? m : undefined;
  };
  const at: RulePositions = {
    rule: () => rule.pos,
    key: (name) => nodePos(valueNode(map, name)) ?? nodePos(pairOf(map, name)?.key as Node | undefined) ?? rule.pos,
    entry: (m, name) => nodePos(valueNode(mapOf(m), name)) ?? nodePos(valueNode(map, m)) ?? rule.pos,
    expr: (offset) => inText(valueNode(map, "expr"), rule.expr, offset) ?? rule.exprPos ?? rule.pos,
    entryText: (m, name, offset) => {
      const node = valueNode(mapOf(m), name);
      const text = (m === "labels" ? rule.labels : rule.annotations)[name] ?? "";
      return inText(node, text, offset) ?? at.entry(m, name);
    },
  };
  const anchors = [rule.pos.line];
  const exprKey = pairOf(map, "expr")?.key as Node | undefined;
  if (idx && exprKey?.range) anchors.push(idx.lines.linePos(exprKey.range[0]).line);
  const directives = idx ? directivesAbove(idx.sourceLines, anchors) : { all: false, ids: new Set<string>() };
  return { at, directives };
}
