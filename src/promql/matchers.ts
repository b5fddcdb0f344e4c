// Label matchers of a selector, compiled once: regexps are Go RE2 syntax anchored at both ends (and `.`
// matches newlines, as in Prometheus 3), run by the project's one Go regexp module.
import { errorMessage } from "../errors.js";
import { compileGoRegexp, type GoRegexp } from "../goregexp.js";
import type { LabelMatcher, VectorSelector } from "../metricsql/ast.js";
import { METRIC_NAME } from "./labels.js";
import type { Matcher } from "./store.js";
import { type Labels, PromqlError } from "./types.js";

/** A Prometheus regexp matcher: `^(?s:re)$` (flags inside `re`, like a leading `(?i)`, apply to all of it). */
export function anchoredRegexp(re: string): GoRegexp {
  return compileGoRegexp(`(?s:${re})`, { anchored: true });
}

function compile(m: LabelMatcher): Matcher & { equals?: string } {
  switch (m.op) {
    case "=":
      return { name: m.label, equals: m.value, test: (v) => v === m.value };
    case "!=":
      return { name: m.label, test: (v) => v !== m.value };
    case "=~":
    case "!~": {
      let re: GoRegexp;
      try {
        re = anchoredRegexp(m.value);
      } catch (err) {
        throw new PromqlError(`invalid regular expression ${JSON.stringify(m.value)}: ${errorMessage(err)}`);
      }
      return m.op === "=~"
        ? { name: m.label, test: (v) => re.matchString(v) }
        : { name: m.label, test: (v) => !re.matchString(v) };
    }
  }
}

/** The matchers of a selector as Prometheus holds them: the braces' matchers, then the name. */
export function selectorMatchers(sel: VectorSelector): LabelMatcher[] {
  const list = [...(sel.matchers[0] ?? [])];
  if (sel.name !== undefined) list.push({ label: METRIC_NAME, op: "=", value: sel.name });
  return list;
}

export function compileMatchers(list: LabelMatcher[]): Matcher[] {
  return list.map(compile);
}

/** Go's %q-style text of a matcher, the key Prometheus sorts matchers by when it prints an expression. */
function matcherText(m: LabelMatcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}

export function sortMatchers(list: LabelMatcher[]): LabelMatcher[] {
  return [...list].sort((a, b) => {
    const x = matcherText(a);
    const y = matcherText(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/**
 * The labels absent() reports for a selector: each label with an equality matcher, unless the label
 * also has another matcher before it (the order matters, as in Prometheus).
 */
export function absentLabels(list: LabelMatcher[]): Labels {
  const out: Labels = {};
  const has = new Set<string>();
  for (const m of list) {
    if (m.label === METRIC_NAME) continue;
    if (m.op === "=" && !has.has(m.label)) {
      if (m.value !== "") out[m.label] = m.value;
      else delete out[m.label];
      has.add(m.label);
    } else {
      delete out[m.label];
    }
  }
  return out;
}
