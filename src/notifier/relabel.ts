// Prometheus relabeling (`relabel_configs`, `alert_relabel_configs`): parse and validate a config list
// once, then apply it to label sets. Semantics and defaults follow Prometheus: separator ";", regex
// "(.*)" anchored at both ends, replacement "$1", action "replace".

import { createHash } from "node:crypto";
import { errorMessage } from "../errors.js";
import { compileGoRegexp, type GoRegexp } from "../goregexp.js";

export type RelabelAction =
  | "replace"
  | "keep"
  | "drop"
  | "labelmap"
  | "labeldrop"
  | "labelkeep"
  | "hashmod"
  | "lowercase"
  | "uppercase"
  | "keepequal"
  | "dropequal";

const ACTIONS: ReadonlySet<string> = new Set<RelabelAction>([
  "replace",
  "keep",
  "drop",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "hashmod",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
]);

/** One entry as written in YAML. */
export interface RelabelConfigInput {
  source_labels?: string[];
  separator?: string;
  target_label?: string;
  regex?: string;
  modulus?: number;
  replacement?: string;
  action?: string;
}

export interface RelabelRule {
  action: RelabelAction;
  sourceLabels: string[];
  separator: string;
  targetLabel: string;
  /** Anchored at both ends, as Prometheus compiles `^(?:regex)$`. */
  regex: GoRegexp;
  regexText: string;
  modulus: number;
  replacement: string;
}

export type Labels = Record<string, string>;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const KNOWN_KEYS = new Set(["source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"]);

/** Validates one entry; throws Error with a message naming the field (the caller adds file:line). */
export function parseRelabelConfig(input: unknown): RelabelRule {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new Error("relabel config must be a mapping");
  }
  const c = input as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!KNOWN_KEYS.has(k)) throw new Error(`unknown field "${k}" in relabel config`);
  }
  const action = (c.action === undefined ? "replace" : String(c.action)).toLowerCase();
  if (!ACTIONS.has(action)) throw new Error(`unknown relabel action "${String(c.action)}"`);
  const sourceLabels = c.source_labels ?? [];
  if (!Array.isArray(sourceLabels) || sourceLabels.some((s) => typeof s !== "string")) {
    throw new Error("source_labels must be a list of label names");
  }
  for (const s of sourceLabels as string[]) {
    if (!LABEL_NAME.test(s)) throw new Error(`invalid source label name "${s}"`);
  }
  const regexText = c.regex === undefined || c.regex === null ? "(.*)" : String(c.regex);
  let regex: GoRegexp;
  try {
    regex = compileGoRegexp(regexText, { anchored: true });
  } catch (err) {
    throw new Error(`invalid regex "${regexText}": ${errorMessage(err)}`);
  }
  const modulus = c.modulus === undefined ? 0 : Number(c.modulus);
  if (!Number.isInteger(modulus) || modulus < 0)
    throw new Error(`modulus must be a non-negative integer, got ${String(c.modulus)}`);
  const rule: RelabelRule = {
    action: action as RelabelAction,
    sourceLabels: sourceLabels as string[],
    separator: c.separator === undefined ? ";" : String(c.separator),
    targetLabel: c.target_label === undefined ? "" : String(c.target_label),
    regex,
    regexText,
    modulus,
    replacement: c.replacement === undefined ? "$1" : String(c.replacement),
  };
  validate(rule, c);
  return rule;
}

function validate(r: RelabelRule, raw: Record<string, unknown>): void {
  const needsTarget = ["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"];
  if (needsTarget.includes(r.action) && r.targetLabel === "") {
    throw new Error(`relabel action "${r.action}" requires target_label`);
  }
  if (r.action === "replace" && !r.targetLabel.includes("$") && !LABEL_NAME.test(r.targetLabel)) {
    throw new Error(`"${r.targetLabel}" is an invalid target_label for action replace`);
  }
  if (
    ["lowercase", "uppercase", "hashmod", "keepequal", "dropequal"].includes(r.action) &&
    !LABEL_NAME.test(r.targetLabel)
  ) {
    throw new Error(`"${r.targetLabel}" is an invalid target_label for action ${r.action}`);
  }
  if (r.action === "hashmod" && r.modulus === 0) throw new Error("relabel action hashmod requires a non-zero modulus");
  if (r.action === "labelmap" && !r.replacement.includes("$") && !LABEL_NAME.test(r.replacement)) {
    throw new Error(`"${r.replacement}" is an invalid replacement for action labelmap`);
  }
  if (r.action === "labeldrop" || r.action === "labelkeep") {
    for (const k of ["source_labels", "target_label", "modulus", "separator", "replacement"]) {
      if (raw[k] !== undefined) throw new Error(`${k} is not allowed for relabel action ${r.action}`);
    }
  }
  if (r.action === "keepequal" || r.action === "dropequal") {
    for (const k of ["regex", "modulus", "separator", "replacement"]) {
      if (raw[k] !== undefined) throw new Error(`${k} is not allowed for relabel action ${r.action}`);
    }
  }
}

export function parseRelabelConfigs(list: unknown, what = "relabel_configs"): RelabelRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${what} must be a list`);
  return list.map((item, i) => {
    try {
      return parseRelabelConfig(item);
    } catch (err) {
      throw new Error(`${what}[${i}]: ${errorMessage(err)}`);
    }
  });
}

function hashmod(value: string, modulus: number): string {
  // Prometheus: the low 8 bytes of the MD5 sum as a big-endian uint64, modulo modulus.
  const sum = createHash("md5").update(value).digest();
  return String(sum.readBigUInt64BE(8) % BigInt(modulus));
}

/** Applies the rules in order; returns the new label set, or null when the set is dropped. */
export function relabel(input: Labels, rules: readonly RelabelRule[]): Labels | null {
  if (rules.length === 0) return input;
  const ls: Labels = { ...input };
  for (const r of rules) {
    const val = r.sourceLabels.map((n) => ls[n] ?? "").join(r.separator);
    switch (r.action) {
      case "keep":
        if (!r.regex.matchString(val)) return null;
        break;
      case "drop":
        if (r.regex.matchString(val)) return null;
        break;
      case "keepequal":
        if (val !== (ls[r.targetLabel] ?? "")) return null;
        break;
      case "dropequal":
        if (val === (ls[r.targetLabel] ?? "")) return null;
        break;
      case "replace": {
        const m = r.regex.findSubmatch(val);
        if (!m) break;
        const target = r.regex.expand(r.targetLabel, m);
        if (!LABEL_NAME.test(target)) break;
        const res = r.regex.expand(r.replacement, m);
        if (res === "") delete ls[target];
        else ls[target] = res;
        break;
      }
      case "lowercase":
        ls[r.targetLabel] = val.toLowerCase();
        break;
      case "uppercase":
        ls[r.targetLabel] = val.toUpperCase();
        break;
      case "hashmod":
        ls[r.targetLabel] = hashmod(val, r.modulus);
        break;
      case "labelmap":
        for (const [name, value] of Object.entries(ls)) {
          const m = r.regex.findSubmatch(name);
          if (m) ls[r.regex.expand(r.replacement, m)] = value;
        }
        break;
      case "labeldrop":
        for (const name of Object.keys(ls)) if (r.regex.matchString(name)) delete ls[name];
        break;
      case "labelkeep":
        for (const name of Object.keys(ls)) if (!r.regex.matchString(name)) delete ls[name];
        break;
    }
  }
  // Prometheus removes labels left with empty values.
  for (const [k, v] of Object.entries(ls)) if (v === "") delete ls[k];
  return ls;
}
