// Series selectors for the `match[]` filter: `name`, `{a="b",c=~"d"}`, `name{a!="b",c!~"d"}`.
// Matched against rule labels or alert labels; several selectors are ORed, matchers inside one are ANDed.
import { errorMessage, TsalertError } from "../errors.js";
import { compileGoRegexp, type GoRegexp } from "../goregexp.js";

export interface LabelMatcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
  re?: GoRegexp;
}

export type SeriesSelector = LabelMatcher[];

function fail(input: string, why: string): never {
  throw new TsalertError("TSA_HTTP", `invalid series selector ${JSON.stringify(input)}: ${why}`);
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:.]/;

export function parseSeriesSelector(input: string): SeriesSelector {
  let i = 0;
  const s = input;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const readName = (): string => {
    const start = i;
    if (i >= s.length || !NAME_START.test(s[i])) fail(input, `expected a label name at position ${i}`);
    while (i < s.length && NAME_CHAR.test(s[i])) i++;
    return s.slice(start, i);
  };
  const readString = (): string => {
    const q = s[i];
    if (q !== '"' && q !== "'" && q !== "`") fail(input, `expected a quoted value at position ${i}`);
    i++;
    let out = "";
    while (i < s.length && s[i] !== q) {
      if (s[i] === "\\" && q !== "`") {
        i++;
        const c = s[i];
        if (c === undefined) break;
        out += c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c;
      } else {
        out += s[i];
      }
      i++;
    }
    if (i >= s.length) fail(input, "unterminated string");
    i++;
    return out;
  };

  const matchers: LabelMatcher[] = [];
  skipSpace();
  if (i < s.length && s[i] !== "{") matchers.push({ name: "__name__", op: "=", value: readName() });
  skipSpace();
  if (i < s.length && s[i] === "{") {
    i++;
    skipSpace();
    while (i < s.length && s[i] !== "}") {
      const name = readName();
      skipSpace();
      const op2 = s.slice(i, i + 2);
      let op: LabelMatcher["op"];
      if (op2 === "=~" || op2 === "!~" || op2 === "!=") {
        op = op2;
        i += 2;
      } else if (s[i] === "=") {
        op = "=";
        i++;
      } else {
        fail(input, `expected =, !=, =~ or !~ after ${JSON.stringify(name)}`);
      }
      skipSpace();
      const value = readString();
      const m: LabelMatcher = { name, op, value };
      if (op === "=~" || op === "!~") {
        try {
          // Anchored like Prometheus regex matchers; the request brings the pattern, so it is size-checked.
          m.re = compileGoRegexp(value, { anchored: true, runtime: true });
        } catch (err) {
          fail(input, `bad regexp ${JSON.stringify(value)}: ${errorMessage(err)}`);
        }
      }
      matchers.push(m);
      skipSpace();
      if (s[i] === ",") {
        i++;
        skipSpace();
      } else if (s[i] !== "}") {
        fail(input, `expected , or } at position ${i}`);
      }
    }
    if (s[i] !== "}") fail(input, "missing closing }");
    i++;
  }
  skipSpace();
  if (i < s.length) fail(input, `unexpected ${JSON.stringify(s.slice(i, i + 10))}`);
  if (matchers.length === 0) fail(input, "empty selector");
  return matchers;
}

function matchOne(m: LabelMatcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? "";
  switch (m.op) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
      return m.re!.matchString(v);
    case "!~":
      return !m.re!.matchString(v);
  }
}

export function selectorMatches(sel: SeriesSelector, labels: Record<string, string>): boolean {
  return sel.every((m) => matchOne(m, labels));
}

/** True when no selectors are given or any of them matches. */
export function anySelectorMatches(sels: SeriesSelector[], labels: Record<string, string>): boolean {
  return sels.length === 0 || sels.some((sel) => selectorMatches(sel, labels));
}
