// Go RE2 regexps mapped to JS RegExp. RE2 has no backreferences or lookarounds; patterns using them are
// rejected with RE2's own wording. V8 falls back to its linear-time engine on excessive backtracking,
// so a pattern like (a+)+b cannot hang the process.
import v8 from "node:v8";
import { FuncError } from "./errors.js";
import { MAX_OUTPUT, OUTPUT_LIMIT_MESSAGE } from "./limits.js";

v8.setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");

/** Longest input a regexp function accepts (keeps worst-case work bounded). */
export const MAX_REGEXP_INPUT = 1 << 20;

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const cache = new Map<string, RegExp>();

/** Compiles a Go regexp; throws an Error with Go's message ("error parsing regexp: ..."). */
export function goRegexp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const src = translate(pattern);
  re = new RegExp(src, translateFlags(pattern, src));
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, re);
  return re;
}

// V8's linear-time fallback does not run with the "u" flag, so it is only set for Unicode classes
// (\p{..}); such patterns must not nest repetitions, the shape that backtracks exponentially.
function needsUnicode(src: string): boolean {
  return /\\[pP]\{/.test(src);
}

const NESTED_REPEAT = /\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]/;

function translateFlags(pattern: string, src: string): string {
  let flags = "g";
  if (needsUnicode(src)) {
    if (NESTED_REPEAT.test(src)) {
      fail(
        "nested repetition combined with Unicode classes is not supported (catastrophic backtracking risk)",
        pattern,
      );
    }
    flags += "u";
  }
  const m = /^\(\?([imsU]+)\)/.exec(pattern);
  if (m) {
    if (m[1].includes("i")) flags += "i";
    if (m[1].includes("m")) flags += "m";
    if (m[1].includes("s")) flags += "s";
  }
  return flags;
}

function fail(code: string, arg: string): never {
  throw new Error(`error parsing regexp: ${code}: \`${arg}\``);
}

function translate(p: string): string {
  let out = "";
  let i = 0;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes("U")) fail("invalid or unsupported Perl syntax", "(?U");
    i = lead[0].length;
  }
  let inClass = false;
  let depth = 0;
  const dotAll = lead?.[1].includes("s") ?? false;
  while (i < p.length) {
    const c = p[i];
    if (c === "\\") {
      const e = p[i + 1];
      if (e === undefined) fail("trailing backslash at end of expression", "");
      if (/[1-9]/.test(e) && !inClass) fail("invalid escape sequence", `\\${e}`);
      if (e === "Q") {
        const end = p.indexOf("\\E", i + 2);
        const lit = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
        i = end < 0 ? p.length : end + 2;
        continue;
      }
      if (e === "z") {
        out += "$(?![\\s\\S])";
        i += 2;
        continue;
      }
      if (e === "A") {
        out += "(?<![\\s\\S])";
        i += 2;
        continue;
      }
      if ((e === "p" || e === "P") && p[i + 2] !== "{") {
        out += `\\${e}{${p[i + 2]}}`;
        i += 3;
        continue;
      }
      if (e === "C") fail("invalid escape sequence", "\\C");
      if (/[a-zA-Z]/.test(e) && !/[dDsSwWbBpPnrtfvax]/.test(e)) fail("invalid escape sequence", `\\${e}`);
      if (e === "a") {
        out += "\\x07";
        i += 2;
        continue;
      }
      if (e === "x" && p[i + 2] === "{") {
        const end = p.indexOf("}", i);
        const cp = Number.parseInt(p.slice(i + 3, end), 16);
        if (end < 0 || !Number.isFinite(cp) || cp > 0x10ffff) fail("invalid escape sequence", p.slice(i, end + 1));
        out += String.fromCodePoint(cp).replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
        i = end + 1;
        continue;
      }
      if (e === "s" && !inClass) {
        // RE2's \s is [\t\n\f\r ] (no \v, no Unicode spaces).
        out += "[\\t\\n\\f\\r ]";
        i += 2;
        continue;
      }
      if (e === "s" && inClass) {
        out += "\\t\\n\\f\\r ";
        i += 2;
        continue;
      }
      out += `\\${e}`;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && p[i + 1] === ":") {
        const end = p.indexOf(":]", i + 2);
        const name = end > 0 ? p.slice(i + 2, end) : "";
        const neg = name.startsWith("^");
        const cls = POSIX[neg ? name.slice(1) : name];
        if (!cls) fail("invalid character class range", p.slice(i, end + 2));
        if (neg) fail("invalid or unsupported Perl syntax", p.slice(i, end + 2));
        out += cls;
        i = end + 2;
        continue;
      }
      if (c === "]") inClass = false;
      if (c === "[") out += "\\[";
      else out += c;
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      i++;
      if (p[i] === "^") {
        out += "^";
        i++;
      }
      if (p[i] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(") {
      depth++;
      if (p[i + 1] === "?") {
        const rest = p.slice(i + 2);
        if (/^P?<[A-Za-z_]/.test(rest) || rest.startsWith("P<")) {
          const start = rest.startsWith("P<") ? i + 4 : i + 3;
          const end = p.indexOf(">", start);
          const name = p.slice(start, end);
          if (end < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail("invalid named capture", p.slice(i, end + 1));
          out += `(?<${name}>`;
          i = end + 1;
          continue;
        }
        if (rest.startsWith(":")) {
          out += "(?:";
          i += 3;
          continue;
        }
        const fm = /^([imsU-]+)(:|\))/.exec(rest);
        if (fm)
          fail(
            "flags inside the pattern are not supported by tsalert (only a leading (?i), (?m), (?s))",
            `(?${fm[1]}${fm[2]}`,
          );
        fail("invalid or unsupported Perl syntax", p.slice(i, i + 3));
      }
      out += c;
      i++;
      continue;
    }
    if (c === ")") {
      depth--;
      if (depth < 0) fail("unexpected )", p);
    }
    if ((c === "*" || c === "+" || c === "?") && /^[*+?]{2}/.test(p.slice(i - 1, i + 1)) && p[i - 1] !== "\\") {
      // x** and x++ are errors in RE2; x*? is lazy and allowed.
      if (c !== "?") fail("invalid nested repetition operator", p.slice(i - 1, i + 1));
    }
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (m) {
        if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000)) fail("invalid repeat count", m[0]);
        out += m[0];
        i += m[0].length;
        continue;
      }
      out += "\\{";
      i++;
      continue;
    }
    if (c === "}") {
      out += "\\}";
      i++;
      continue;
    }
    if (c === "." && !dotAll) {
      // Go's "." excludes only \n; JS's also excludes \r, U+2028 and U+2029.
      out += "[^\\n]";
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) fail("missing closing ]", p.slice(p.lastIndexOf("[")));
  if (depth > 0) fail("missing closing )", p);
  try {
    new RegExp(out, needsUnicode(out) ? "u" : "");
  } catch (err) {
    fail("invalid regexp", `${p} (${(err as Error).message})`);
  }
  return out;
}

/** regexp.MatchString. */
export function goMatch(pattern: string, s: string): boolean {
  const re = goRegexp(pattern);
  checkInput(s);
  re.lastIndex = 0;
  return re.test(s);
}

function checkInput(s: string): void {
  if (s.length > MAX_REGEXP_INPUT)
    throw new Error(`regexp input of ${s.length} characters exceeds the limit of ${MAX_REGEXP_INPUT}`);
}

/** Regexp.ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` expand; empty matches abutting a match are skipped. */
export function goReplaceAll(pattern: string, repl: string, src: string): string {
  const re = goRegexp(pattern);
  checkInput(src);
  re.lastIndex = 0;
  let out = "";
  let last = 0;
  let prevEnd = -1;
  for (;;) {
    const m = re.exec(src);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      if (start === prevEnd) {
        re.lastIndex = advance(src, start);
        if (re.lastIndex > src.length) break;
        continue;
      }
      re.lastIndex = advance(src, start);
    }
    out += src.slice(last, start) + expand(repl, m);
    // `$0$0$0...` repeats each match: stop once the result outgrows what a rendering may print.
    if (out.length > MAX_OUTPUT) throw new FuncError(OUTPUT_LIMIT_MESSAGE);
    last = end;
    prevEnd = end;
    if (re.lastIndex > src.length) break;
  }
  return out + src.slice(last);
}

function advance(s: string, i: number): number {
  const cp = s.codePointAt(i);
  return i + (cp !== undefined && cp > 0xffff ? 2 : 1);
}

function expand(tpl: string, m: RegExpExecArray): string {
  if (!tpl.includes("$")) return tpl;
  let out = "";
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i];
    if (c !== "$") {
      out += c;
      continue;
    }
    if (tpl[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | null = null;
    let end = i;
    if (tpl[i + 1] === "{") {
      const close = tpl.indexOf("}", i + 2);
      const n = close > 0 ? tpl.slice(i + 2, close) : "";
      if (close > 0 && /^[A-Za-z0-9_]+$/.test(n)) {
        name = n;
        end = close;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(tpl.slice(i + 1));
      if (mm) {
        name = mm[0];
        end = i + mm[0].length;
      }
    }
    if (name === null) {
      out += "$";
      continue;
    }
    i = end;
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? "";
    else out += m.groups?.[name] ?? "";
    if (out.length > MAX_OUTPUT) throw new FuncError(OUTPUT_LIMIT_MESSAGE);
  }
  return out;
}
