// always-true-regex: a regex matcher that every value matches (`=~".*"`), so it filters nothing. Usually
// a dashboard variable left at "All" or a placeholder; the selector reads more series than intended.
import { walk } from "../exprwalk.js";
import { finding } from "../finding.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

/** Top-level `|` branches of a regex (outside groups and classes). */
function branches(re: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(re.slice(start, i));
      start = i + 1;
    }
  }
  out.push(re.slice(start));
  return out;
}

/** `(x)`, `(?:x)`, `(?P<n>x)` -> x when the group spans the whole text. */
function ungroup(re: string): string {
  const m = /^\((?:\?:|\?P?<[^>]*>)?(.*)\)$/.exec(re);
  if (!m || branches(`(${m[1]})`).length !== 1) return re;
  // Only strip when the closing paren matches the opening one.
  let depth = 0;
  for (let i = 0; i < re.length; i++) {
    if (re[i] === "\\") i++;
    else if (re[i] === "(") depth++;
    else if (re[i] === ")" && --depth === 0 && i < re.length - 1) return re;
  }
  return m[1];
}

/** True when the regex (anchored at both ends, as in PromQL) matches every string. */
export function matchesEverything(re: string): boolean {
  let r = re.replace(/^\(\?s\)/, "");
  r = r.replace(/^\^/, "").replace(/\$$/, "");
  for (let i = 0; i < 8; i++) {
    const u = ungroup(r);
    if (u === r) break;
    r = u;
  }
  return branches(r).some((b) => {
    let x = b;
    for (let i = 0; i < 8; i++) {
      const u = ungroup(x);
      if (u === x) break;
      x = u;
    }
    return /^(\.\*\??|\[\\s\\S\]\*\??|\[\^\]\*|\.\*\.\*)$/.test(x);
  });
}

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (!r.ast) continue;
    walk(r.ast, (e) => {
      if (e.type !== "selector") return;
      for (const group of e.matchers) {
        for (const m of group) {
          if (m.op !== "=~" || !matchesEverything(m.value)) continue;
          out.push(
            finding(
              r,
              r.at.expr(e.pos.start),
              `matcher ${m.label}=~${JSON.stringify(m.value)} matches every value (even a missing label): it filters nothing; remove it, or use ${m.label}!="" to require the label`,
            ),
          );
        }
      }
    });
  }
  return out;
}

export const alwaysTrueRegex: LintCheck = {
  id: "always-true-regex",
  summary: 'regex matcher that matches every value (=~".*" and equivalents)',
  run: check,
};
