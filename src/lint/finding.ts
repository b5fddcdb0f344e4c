// Builds findings whose message names the group and rule, as the loader's problems do.
import type { SourcePos } from "../config/types.js";
import type { Finding, LintRule } from "./types.js";

export function ruleName(r: LintRule): string {
  return r.rule.alert ?? r.rule.record ?? "";
}

export function finding(r: LintRule, at: SourcePos, message: string): Finding {
  return {
    rule: r,
    at,
    message: `group ${JSON.stringify(r.group.name)} rule ${JSON.stringify(ruleName(r))}: ${message}`,
  };
}

/** Go-style short duration for messages: 90000 -> "1m30s". */
export function showDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", s || (!h && !m) ? `${s}s` : ""];
  return parts.join("");
}
