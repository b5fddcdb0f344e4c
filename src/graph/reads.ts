// What a rule reads: the label matchers of every series selector of its expression (each `or`
// alternative separately), or "anything" when that cannot be known (a template that calls `query`, an
// expression in another language, one that does not parse).
import type { GroupConfig, RuleConfig } from "../config/types.js";
import { compileGoRegexp } from "../goregexp.js";
import { type LabelMatcher, parse, selectors } from "../metricsql/index.js";
import { templateRefs } from "../template/refs.js";
import type { KnownLabels } from "./outputs.js";

/** One selector alternative: matchers ANDed, the metric name as a `__name__` matcher. */
export interface ReadAlternative {
  matchers: LabelMatcher[];
  /** The `__name__="x"` matcher's value, when there is one. */
  name?: string;
  /** Some matcher constrains `__name__` (`=`, `!=`, `=~`, `!~`). */
  namesMetric: boolean;
}

export interface RuleReads {
  alternatives: ReadAlternative[];
  /** The rule may read any series: it depends on every rule before it in its group. */
  anything: boolean;
}

export function ruleReads(group: GroupConfig, rule: RuleConfig): RuleReads {
  const anything = group.type !== "prometheus" || templatesQuery(rule);
  if (group.type !== "prometheus") return { alternatives: [], anything };
  let alternatives: ReadAlternative[];
  try {
    alternatives = selectors(parse(rule.expr)).flatMap((s) => {
      const alts = s.node.matchers.length > 0 ? s.node.matchers : [[]];
      return alts.map((ms) => alternative(s.node.name, ms));
    });
  } catch {
    // The loader reports the syntax error; an unparsed expression could read anything.
    return { alternatives: [], anything: true };
  }
  return { alternatives, anything };
}

function alternative(metric: string | undefined, ms: LabelMatcher[]): ReadAlternative {
  const matchers = metric !== undefined ? [{ label: "__name__", op: "=" as const, value: metric }, ...ms] : ms;
  const eq = matchers.find((m) => m.label === "__name__" && m.op === "=");
  return { matchers, name: eq?.value, namesMetric: matchers.some((m) => m.label === "__name__") };
}

/** A label or annotation template that calls `query` reads whatever its argument selects. */
function templatesQuery(rule: RuleConfig): boolean {
  for (const text of [...Object.values(rule.annotations), ...Object.values(rule.labels)]) {
    const refs = templateRefs(text);
    if (refs && refs.query.length > 0) return true;
  }
  return false;
}

/**
 * Whether a series with these known labels can match every matcher. Unknown labels can; a matcher
 * whose regexp does not compile is taken as matching (the loader refuses such a rule anyway).
 */
export function mayMatch(alt: ReadAlternative, out: KnownLabels): boolean {
  for (const m of alt.matchers) {
    const v = out.get(m.label);
    if (v === undefined) continue;
    if (!matches(m, v)) return false;
  }
  return true;
}

function matches(m: LabelMatcher, v: string): boolean {
  switch (m.op) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
    case "!~": {
      let hit: boolean;
      try {
        hit = compileGoRegexp(m.value, { anchored: true }).matchString(v);
      } catch {
        return true;
      }
      return m.op === "=~" ? hit : !hit;
    }
  }
}
