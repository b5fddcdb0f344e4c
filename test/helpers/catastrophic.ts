// Classic regular expressions that take exponential time on a backtracking engine (JavaScript's RegExp),
// each with an input that triggers it. RE2 answers each in time linear in the input, or refuses the
// pattern (`error`: RE2 has no backreferences, and repeat counts stop at 1000).

export interface CatastrophicCase {
  pattern: string;
  /** A long input on which backtracking never finishes. */
  input: string;
  /** Go's compile error, for patterns RE2 refuses. */
  error?: string;
}

const A = `${"a".repeat(50_000)}!`;
const X = "x".repeat(50_000);
const WORDS = `${"aaaa ".repeat(10_000)}!`;

export const CATASTROPHIC: CatastrophicCase[] = [
  { pattern: "(a+)+$", input: A },
  { pattern: "(a|aa)+$", input: A },
  { pattern: "(.*a){20}", input: X },
  { pattern: "(x+x+)+y", input: X },
  { pattern: "(\\w+\\s?)+$", input: WORDS },
  { pattern: "^(([a-z])+.)+[A-Z]([a-z])+$", input: A },
  { pattern: ".{42}(.*.*)*\\1Q", input: A, error: "error parsing regexp: invalid escape sequence: `\\1`" },
  { pattern: "(a|a?)+$", input: A },
  { pattern: "(.*){1,32000}[bc]", input: X, error: "error parsing regexp: invalid repeat count: `{1,32000}`" },
  { pattern: "([a-zA-Z]+)*$", input: WORDS },
];

/** Valid patterns only, plus two more that RE2 accepts. */
export const CATASTROPHIC_VALID: CatastrophicCase[] = [
  ...CATASTROPHIC.filter((c) => c.error === undefined),
  { pattern: "(.*){1,1000}[bc]", input: X },
  { pattern: "^(a|b|ab)*c$", input: "ab".repeat(25_000) },
];
