// The one module that compiles Go regexps: Go's syntax, errors and semantics (pkg.go.dev/regexp), and
// linear-time matching of the classic catastrophic patterns.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Go's `${name}` expansion syntax, not JS
import { describe, expect, it } from "vitest";
import {
  compileGlobSegment,
  compileGoRegexp,
  estimateProgramSize,
  MAX_RUNTIME_PROGRAM,
  quoteMeta,
} from "../src/goregexp.js";
import { CATASTROPHIC, CATASTROPHIC_VALID } from "./helpers/catastrophic.js";

const matches = (re: string, s: string) => compileGoRegexp(re).matchString(s);
const full = (re: string, s: string) => compileGoRegexp(re, { anchored: true }).matchString(s);
const replaceAll = (re: string, src: string, repl: string) => compileGoRegexp(re).replaceAllString(src, repl);
const compileError = (re: string) => {
  try {
    compileGoRegexp(re);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${re} compiled`);
};

describe("compile errors are Go's", () => {
  it.each([
    ["(a)\\1", "error parsing regexp: invalid escape sequence: `\\1`"],
    [".{42}(.*.*)*\\1Q", "error parsing regexp: invalid escape sequence: `\\1`"],
    ["a(?=b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
    ["a(?!b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"],
    ["(?<=a)b", "error parsing regexp: invalid named capture: `(?<=a)b`"],
    ["(.*){1,32000}[bc]", "error parsing regexp: invalid repeat count: `{1,32000}`"],
    ["a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
    ["(a{500}){3}", "error parsing regexp: invalid repeat count: `{3}`"],
    ["a**", "error parsing regexp: invalid nested repetition operator: `**`"],
    ["(a", "error parsing regexp: missing closing ): `(a`"],
    ["a)", "error parsing regexp: unexpected ): `a)`"],
    ["[a", "error parsing regexp: missing closing ]: `[a`"],
    ["[z-a]", "error parsing regexp: invalid character class range: `z-a`"],
    ["[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"],
    ["a\\", "error parsing regexp: trailing backslash at end of expression: ``"],
    ["\\C", "error parsing regexp: invalid escape sequence: `\\C`"],
    ["*", "error parsing regexp: missing argument to repetition operator: `*`"],
  ])("%s", (re, msg) => {
    expect(compileError(re)).toBe(msg);
  });

  it("quotes the anchored form, as Prometheus' ^(?:re)$ does", () => {
    expect(() => compileGoRegexp("(a", { anchored: true })).toThrow("missing closing ): `^(?:(a)$`");
  });

  it("throws again for a cached error", () => {
    expect(compileError("(a)\\1")).toBe(compileError("(a)\\1"));
  });
});

describe("syntax and semantics follow Go", () => {
  it("`.` excludes only \\n; (?s) includes it", () => {
    expect([matches("^.$", "\r"), matches("^.$", "\u2028"), matches("^.$", "\n"), matches("(?s)^.$", "\n")]).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it("\\s, \\d, \\w and \\b are ASCII", () => {
    expect([matches("\\s", "\v"), matches("\\s", "\u00a0"), matches("\\s", "\f")]).toEqual([false, false, true]);
    expect([matches("\\d", "٣"), matches("\\w", "é"), matches("\\bb", "éb")]).toEqual([false, false, true]);
  });

  it("\\A, \\z, \\Q...\\E, \\x{...} and octal escapes", () => {
    expect([matches("\\Aa", "ba"), matches("a\\z", "a"), matches("a\\z", "a\n"), matches("a$", "a\n")]).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect([
      full("\\Qa.b*\\E+", "a.b**"),
      matches("^\\Qa.b", "a.b"),
      full("\\x{1F600}", "😀"),
      full("\\101", "A"),
    ]).toEqual([true, true, true, true]);
  });

  it("POSIX and Unicode classes, case folding", () => {
    expect([full("[[:alpha:]]+", "abc"), full("[[:^digit:]]", "1"), full("[[:word:]]", "_")]).toEqual([
      true,
      false,
      true,
    ]);
    expect([full("\\pL+", "héllo"), full("\\p{Greek}", "α"), full("\\PL", "1"), full("\\p{^L}", "a")]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect([full("(?i)k", "\u212a"), full("(?i)straße", "STRAßE")]).toEqual([true, true]);
  });

  it("flags anywhere in the pattern, in groups, and (?U)", () => {
    expect([full("a(?i)b", "aB"), full("a(?i:b)c", "aBC"), full("(?i)a(?-i)b", "Ab"), full("(?m)^b$", "a\nb")]).toEqual(
      [true, false, true, false],
    );
    expect(matches("(?m)^b$", "a\nb")).toBe(true);
    expect(replaceAll("(?U)a+", "aaa", "x")).toBe("xxx");
    expect(replaceAll("a+?", "aaa", "x")).toBe("xxx");
  });

  it("named groups (?P<n>...) and (?<n>...); a group name may start with a digit", () => {
    const re = compileGoRegexp("(?P<first>\\w+) (?<last>\\w+)");
    expect(re.expand("$last, ${first}", re.findSubmatch("Ada Lovelace")!)).toBe("Lovelace, Ada");
    expect(compileGoRegexp("(?P<1n>a)").numSubexp).toBe(1);
  });

  it("anchored is ^(?:re)$ around the text as written", () => {
    expect([full("a|b", "a"), full("a|b", "ab"), full("a.*", "abc"), full("", "")]).toEqual([true, false, true, true]);
    // As in Prometheus, the text is pasted between the anchors.
    expect([full("a)|(b", "ax"), full("a)|(b", "xb")]).toEqual([true, true]);
  });

  it("findSubmatch: leftmost-first, groups that took no part are undefined", () => {
    const m = compileGoRegexp("(a)|(b)").findSubmatch("xb");
    expect(m).toEqual({ index: 1, groups: ["b", undefined, "b"] });
    expect(compileGoRegexp("a+").findSubmatch("xyz")).toBeNull();
  });
});

describe("ReplaceAllString", () => {
  it.each([
    ["a*", "baaac", "[$0]", "[]b[aaa]c[]"],
    ["x*", "abc", "-", "-a-b-c-"],
    ["x*", "😀a", "-", "-😀-a-"],
    ["a*", "", "-", "-"],
    ["^", "x", ">", ">x"],
    ["$", "x", "<", "x<"],
    ["(\\w+)@(\\w+)", "ann@host bob@box", "$2:$1", "host:ann box:bob"],
    ["(o)", "foo", "$1x", "f"],
    ["(o)", "foo", "${1}x", "foxox"],
    ["b", "abc", "$$", "a$c"],
    ["(?P<h>[a-z]+)", "ab cd", "<${h}>", "<ab> <cd>"],
    ["\\s+", "a \t\n b", " ", "a b"],
  ])("%s on %j with %j", (re, src, repl, want) => {
    expect(replaceAll(re, src, repl)).toBe(want);
  });
});

describe("Expand", () => {
  const re = compileGoRegexp("(?P<word>[a-z]+)(?:-(\\d+))?");
  const m = re.findSubmatch("abc")!;
  it.each([
    ["$1", "abc"],
    ["${1}", "abc"],
    ["$word", "abc"],
    ["${word}", "abc"],
    ["$$1", "$1"],
    ["$2", ""], // took no part
    ["$9", ""], // no such group
    ["$1x", ""], // the group named "1x"
    ["${1}x", "abcx"],
    ["$01", ""], // a leading zero makes it a name
    ["$é", ""], // letters beyond ASCII belong to the name
    ["$", "$"],
    ["$-", "$-"],
    ["${1", "${1"],
    ["${}", "${}"],
    ["a$0b", "a"], // the group named "0b"
    ["a${0}b", "aabcb"],
  ])("%j", (tpl, want) => {
    expect(re.expand(tpl, m)).toBe(want);
  });
});

describe("linear time", () => {
  it.each(CATASTROPHIC.filter((c) => c.error))("$pattern is refused", ({ pattern, error }) => {
    expect(compileError(pattern)).toBe(error);
  });

  it.each(CATASTROPHIC_VALID)("$pattern on a long input", ({ pattern: re, input }) => {
    // A backtracking engine does not finish these within the test timeout.
    const r = compileGoRegexp(re);
    const a = compileGoRegexp(re, { anchored: true });
    expect(typeof r.matchString(input)).toBe("boolean");
    expect(typeof a.matchString(input)).toBe("boolean");
    r.findSubmatch(input);
    expect(r.replaceAllString(input, "$1").length).toBeLessThanOrEqual(input.length * 2 + 2);
  });

  it("bounds ReplaceAllString when every match scans to the end of the input (quadratic, in Go too)", () => {
    expect(() => compileGoRegexp("a.*b|a").replaceAllString("a".repeat(30_000), "x")).toThrow(
      /^regexp: replacing all matches in 30000 characters took more than 1000 ms/,
    );
    expect(compileGoRegexp("a").replaceAllString("a".repeat(100_000), "x")).toBe("x".repeat(100_000));
  });

  it("gets the answers right", () => {
    expect(full("(a+)+$", `${"a".repeat(100)}!`)).toBe(false);
    expect(full("(a+)+$", "a".repeat(100))).toBe(true);
    expect(matches("(a|a?)+$", `${"a".repeat(100)}!`)).toBe(true);
    expect(matches("^(a|b|ab)*c$", `${"ab".repeat(100)}c`)).toBe(true);
  });
});

describe("patterns given at run time", () => {
  it("estimates program size from repetitions and groups", () => {
    expect(estimateProgramSize("abc")).toBe(3);
    expect(estimateProgramSize("a{1000}")).toBeGreaterThanOrEqual(1000);
    expect(estimateProgramSize("(?:a{10}){100}")).toBeGreaterThanOrEqual(1000);
    expect(estimateProgramSize("[a-z{}()]{1000}")).toBeLessThan(1100);
    expect(estimateProgramSize("\\Qa{1000}\\E")).toBeLessThan(20);
  });

  it("refuses a pattern above the size limit before compiling it, only when marked run time", () => {
    const big = "a{1000}".repeat(Math.ceil(MAX_RUNTIME_PROGRAM / 1000) + 1);
    expect(() => compileGoRegexp(big, { runtime: true })).toThrow(/^error parsing regexp: expression too large/);
    expect(compileGoRegexp(big).numSubexp).toBe(0);
    expect(compileGoRegexp("(a|b){1,100}c", { runtime: true }).matchString("abc")).toBe(true);
  });
});

describe("cache", () => {
  it("returns the compiled regexp for the same pattern and kind", () => {
    expect(compileGoRegexp("x+y")).toBe(compileGoRegexp("x+y"));
    expect(compileGoRegexp("x+y", { anchored: true })).not.toBe(compileGoRegexp("x+y"));
  });

  it("stays bounded: many distinct patterns still compile and match", () => {
    for (let i = 0; i < 5_000; i++) expect(compileGoRegexp(`p${i}`).matchString(`p${i}`)).toBe(true);
  });
});

describe("quoteMeta and glob segments", () => {
  it("quoteMeta escapes what Go's QuoteMeta escapes", () => {
    const s = "a.b*c+d?e(f)g|h[i]j{k}l^m$n\\o";
    expect(full(quoteMeta(s), s)).toBe(true);
    expect(quoteMeta("1.5")).toBe("1\\.5");
  });

  it("matches filepath.Match syntax", () => {
    const seg = (p: string, name: string, bang = false) =>
      compileGlobSegment(p, { bangNegates: bang })?.matchString(name);
    expect([seg("*.rules", "a.rules"), seg("*.rules", "a.yml"), seg("x?.y", "x1.y"), seg("x?.y", "x12.y")]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect([seg("[ab].r", "a.r"), seg("[^ab].r", "a.r"), seg("[a-c]", "b"), seg("[!a]", "b", true)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect([seg("\\*", "*"), seg("\\*", "a"), seg("[.]", "."), seg("[\\]]", "]"), seg("a(b)+", "a(b)+")]).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    expect([compileGlobSegment("[ab"), compileGlobSegment("a\\"), compileGlobSegment("[z-a]")]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it("stays linear with many stars against a long name", () => {
    const re = compileGlobSegment(`${"*a".repeat(12)}*b`)!;
    expect(re.matchString("a".repeat(255))).toBe(false);
    expect(re.matchString(`${"a".repeat(254)}b`)).toBe(true);
  });
});
