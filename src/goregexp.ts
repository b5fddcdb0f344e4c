// Go's regexp package for every regular expression that comes from outside the code: rule expressions'
// `=~`/`!~` matchers, relabel configs, the template functions `match` and `reReplaceAll`, the `match[]`
// filter of the HTTP API, `tsalert unittest --run`, and the globs of `-rule` and `-rule.templates`.
// Matching runs on re2js, a port of Go's regexp: RE2 syntax, errors in Go's words ("error parsing regexp:
// ..."), and time linear in the input (no backtracking, so no backreferences or lookarounds). See
// https://pkg.go.dev/regexp and https://github.com/google/re2/wiki/Syntax.
import { type Matcher, RE2JS, RE2JSException, RE2JSSyntaxException } from "re2js";

/** Longest input the template functions accept: matching is linear, this bounds the size of one call. */
export const MAX_REGEXP_INPUT = 1 << 20;

/**
 * Largest estimated program (instructions, as Go counts them) of a pattern that arrives while tsalert
 * runs (`runtime: true`): compiling costs a few microseconds per instruction, and Go accepts programs up
 * to about 1.4 million (seconds of compiling), so one request could otherwise stall the event loop.
 */
export const MAX_RUNTIME_PROGRAM = 10_000;

/**
 * Longest time one replaceAllString may run. Each search is linear, but a pattern such as `a.*b|a` must
 * scan to the end of the input to rule out its preferred branch before every match, so replacing all
 * matches is quadratic in the input (in Go too); this bounds the stall to about a second.
 */
export const MAX_REPLACE_MS = 1000;

/** Compiled patterns kept (the oldest dropped first) and the total pattern text they may hold. */
const CACHE_ENTRIES = 2_000;
const CACHE_CHARS = 1 << 20;

/** One match: `groups[0]` is the whole match, `groups[i]` the i-th group (undefined: took no part). */
export interface GoMatch {
  readonly index: number;
  readonly groups: readonly (string | undefined)[];
}

export interface CompileOptions {
  /** Go's `^(?:pattern)$` (Prometheus label matchers and relabel regexes); unanchored search otherwise. */
  anchored?: boolean;
  /** A pattern supplied at run time (API filter, template argument): refused above MAX_RUNTIME_PROGRAM. */
  runtime?: boolean;
}

/** A compiled Go regexp (regexp.Regexp): the subset of its methods tsalert needs. */
export class GoRegexp {
  /** The pattern as written (without the anchors `anchored` adds). */
  readonly source: string;
  /** Number of capture groups (Regexp.NumSubexp). */
  readonly numSubexp: number;
  /** estimateProgramSize of the compiled text, kept for the run-time size check of cached patterns. */
  readonly estimatedSize: number;
  private readonly names: Readonly<Record<string, number>>;
  /** Reused by findSubmatch, which copies the groups out before returning (JS runs one call at a time). */
  private matcher: Matcher | undefined;

  constructor(
    source: string,
    private readonly re: RE2JS,
    estimatedSize: number,
  ) {
    this.source = source;
    this.numSubexp = re.groupCount();
    this.names = re.namedGroups();
    this.estimatedSize = estimatedSize;
  }

  /** Regexp.MatchString: whether the regexp matches (all of s when anchored, any part otherwise). */
  matchString(s: string): boolean {
    // test() runs on the DFA without tracking groups; `^(?:...)$` makes it a full match when anchored.
    return this.re.test(s);
  }

  /** Regexp.FindStringSubmatch: the leftmost match and its groups, or null. */
  findSubmatch(s: string): GoMatch | null {
    // The DFA rules out most non-matching inputs faster than a search that tracks groups.
    if (!this.re.test(s)) return null;
    this.matcher ??= this.re.matcher("");
    const m = this.matcher.resetMatcherInput(s);
    return m.find() ? toMatch(m, this.numSubexp) : null;
  }

  /** Regexp.Expand (string form): `template` with `$1`, `${1}`, `$name`, `${name}` and `$$` expanded. */
  expand(template: string, match: GoMatch): string {
    return expand(template, (i) => match.groups[i], this.names, this.numSubexp);
  }

  /**
   * Regexp.ReplaceAllString: every match replaced by `repl` expanded as by `expand`. As in Go, an empty
   * match right after the previous match is not replaced (`a*` on "baaac" with "[$0]" is "[]b[aaa]c[]").
   * A result longer than `maxOutput` characters throws OutputTooLongError as soon as it gets there
   * (`$0$0$0...` repeats every match, so the result can outgrow the input many times over).
   */
  replaceAllString(src: string, repl: string, maxOutput = Number.POSITIVE_INFINITY): string {
    // Without any match (decided on the DFA) there is nothing to replace.
    if (!this.re.test(src)) return src;
    const m = this.re.matcher(src);
    const literal = !repl.includes("$");
    const group = (i: number) => m.group(i) ?? undefined;
    let out = "";
    let lastMatchEnd = 0;
    let searchPos = 0;
    const deadline = performance.now() + MAX_REPLACE_MS;
    while (searchPos <= src.length && m.find(searchPos)) {
      if (performance.now() > deadline) {
        throw new Error(
          `regexp: replacing all matches in ${src.length} characters took more than ${MAX_REPLACE_MS} ms (stopped at character ${searchPos})`,
        );
      }
      const start = m.start();
      const end = m.end();
      out += src.slice(lastMatchEnd, start);
      if (end > lastMatchEnd || start === 0) {
        out += literal ? repl : expand(repl, group, this.names, this.numSubexp);
      }
      if (out.length > maxOutput) throw new OutputTooLongError(maxOutput);
      lastMatchEnd = end;
      // Advance past this match, and always by at least one character (a code point, like Go's rune).
      const width = searchPos < src.length ? ((src.codePointAt(searchPos) ?? 0) > 0xffff ? 2 : 1) : 0;
      if (searchPos + width > end) searchPos += width;
      else if (searchPos + 1 > end) searchPos++;
      else searchPos = end;
    }
    out += src.slice(lastMatchEnd);
    if (out.length > maxOutput) throw new OutputTooLongError(maxOutput);
    return out;
  }
}

/** replaceAllString's result passed its `maxOutput`. */
export class OutputTooLongError extends Error {
  constructor(readonly maxOutput: number) {
    super(`regexp: result longer than ${maxOutput} characters`);
  }
}

function toMatch(m: Matcher, numSubexp: number): GoMatch {
  const groups: (string | undefined)[] = [];
  for (let i = 0; i <= numSubexp; i++) groups.push(m.group(i) ?? undefined);
  return { index: m.start(), groups };
}

/** Go's `extract` allows letters, digits and `_` in a group reference. */
const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

function expand(
  template: string,
  group: (i: number) => string | undefined,
  names: Readonly<Record<string, number>>,
  numSubexp: number,
): string {
  let out = "";
  let i = 0;
  for (;;) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === "$") {
      out += "$";
      i++;
      continue;
    }
    const brace = template[i] === "{";
    let j = brace ? i + 1 : i;
    const nameStart = j;
    while (j < template.length) {
      const cp = template.codePointAt(j) ?? 0;
      const ch = String.fromCodePoint(cp);
      if (!NAME_CHAR.test(ch)) break;
      j += ch.length;
    }
    const name = template.slice(nameStart, j);
    if (name === "" || (brace && template[j] !== "}")) {
      // Malformed: the `$` is kept as text.
      out += "$";
      continue;
    }
    i = brace ? j + 1 : j;
    // A number of up to 9 digits without a leading zero is a group index; anything else is a group name.
    const num = /^(?:0|[1-9][0-9]{0,8})$/.test(name) ? Number(name) : -1;
    const index = num >= 0 ? num : Object.hasOwn(names, name) ? names[name] : -1;
    if (index >= 0 && index <= numSubexp) out += group(index) ?? "";
  }
  return out + template.slice(i);
}

/** Compiled patterns (and compile errors) by pattern text; the oldest entry goes first when full. */
class RegexpCache {
  private readonly map = new Map<string, GoRegexp | Error>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(pattern: string): GoRegexp | Error | undefined {
    return this.map.get(pattern);
  }

  set(pattern: string, value: GoRegexp | Error): void {
    this.map.set(pattern, value);
    this.chars += pattern.length;
    for (const [k] of this.map) {
      if (this.map.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= k.length;
    }
  }
}

const caches = {
  anchored: new RegexpCache(CACHE_ENTRIES / 2, CACHE_CHARS / 2),
  unanchored: new RegexpCache(CACHE_ENTRIES / 2, CACHE_CHARS / 2),
};

/**
 * Compiles a Go regexp (regexp.Compile, or Prometheus' anchored form); throws an Error with Go's message,
 * e.g. "error parsing regexp: invalid escape sequence: `\1`". Results (and errors) are cached.
 */
export function compileGoRegexp(pattern: string, opts: CompileOptions = {}): GoRegexp {
  const source = opts.anchored ? `^(?:${pattern})$` : pattern;
  const cache = opts.anchored ? caches.anchored : caches.unanchored;
  let hit = cache.get(pattern);
  if (hit === undefined) {
    const size = estimateProgramSize(source);
    try {
      hit =
        opts.runtime && size > MAX_RUNTIME_PROGRAM
          ? tooLarge(size)
          : new GoRegexp(pattern, RE2JS.compile(source), size);
    } catch (err) {
      if (!(err instanceof RE2JSException)) throw err;
      hit = new Error(goMessage(err, source));
    }
    // A pattern refused for its size is not cached: the same text may be compiled at load time.
    if (!(hit instanceof Error && hit.message.startsWith(TOO_LARGE))) cache.set(pattern, hit);
  }
  if (hit instanceof Error) throw new Error(hit.message);
  if (opts.runtime && hit.estimatedSize > MAX_RUNTIME_PROGRAM) throw tooLarge(hit.estimatedSize);
  return hit;
}

const TOO_LARGE = "error parsing regexp: expression too large: about";

function tooLarge(size: number): Error {
  return new Error(
    `${TOO_LARGE} ${Math.round(size)} instructions, more than the ${MAX_RUNTIME_PROGRAM} tsalert compiles for a pattern given at run time`,
  );
}

/** Go's regexp/syntax.Error text: it always quotes an expression, the whole pattern when none is named. */
function goMessage(err: RE2JSException, source: string): string {
  if (!(err instanceof RE2JSSyntaxException) || err.input) return err.message;
  const whole = err.error === "expression too large" || err.error === "expression nests too deeply";
  return `error parsing regexp: ${err.error}: \`${whole ? source : ""}\``;
}

/** regexp.QuoteMeta: a pattern matching `s` literally. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/**
 * A cheap upper estimate of the instructions `pattern` compiles to, read without parsing it fully: a
 * literal, class or escape counts 1, a group its content, `x{n,m}` x times the larger bound.
 */
export function estimateProgramSize(pattern: string): number {
  const open: number[] = [0];
  let last = 0;
  const atom = (n: number) => {
    open[open.length - 1] += n;
    last = n;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const e = pattern[i + 1];
      if (e === "Q") {
        const end = pattern.indexOf("\\E", i + 2);
        const stop = end < 0 ? pattern.length : end;
        atom(stop - (i + 2));
        last = 1;
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      if ((e === "x" || e === "p" || e === "P") && pattern[i + 2] === "{") {
        const end = pattern.indexOf("}", i);
        i = end < 0 ? pattern.length : end;
      } else i++;
      atom(1);
    } else if (c === "[") {
      i = classEnd(pattern, i);
      atom(1);
    } else if (c === "(") {
      open.push(0);
    } else if (c === ")") {
      atom((open.length > 1 ? (open.pop() as number) : 0) + 2);
    } else if (c === "{") {
      const m = /^\{([0-9]{1,9})(?:(,)([0-9]{0,9}))?\}/.exec(pattern.slice(i, i + 22));
      if (!m) {
        atom(1);
        continue;
      }
      // Counts above 1000 are Go's "invalid repeat count", which compiling reports at once.
      const n = Math.min(Math.max(Number(m[1]), m[3] ? Number(m[3]) : 0, 1), 1000);
      open[open.length - 1] += last * (n - 1) + 1;
      last *= n;
      i += m[0].length - 1;
    } else if (c === "*" || c === "+" || c === "?") {
      open[open.length - 1] += 1;
    } else atom(1);
  }
  return open.reduce((a, b) => a + b, 0);
}

/** Index of the `]` closing the class that opens at `start` (the end of the pattern when unclosed). */
function classEnd(p: string, start: number): number {
  let j = start + 1;
  if (p[j] === "^") j++;
  if (p[j] === "]") j++;
  while (j < p.length) {
    if (p[j] === "\\") j += 2;
    else if (p[j] === "[" && p[j + 1] === ":") {
      const end = p.indexOf(":]", j + 2);
      j = end < 0 ? j + 1 : end + 2;
    } else if (p[j] === "]") return j;
    else j++;
  }
  return p.length;
}

/**
 * One path segment of a glob in Go's filepath.Match syntax (`*`, `?`, `[...]` with `^` negation and
 * ranges, `\` escapes), as an anchored regexp, so matching a hostile name against a pattern with many
 * stars stays linear. `bangNegates` also reads `[!...]` as a negated class. Null for a malformed pattern.
 */
export function compileGlobSegment(segment: string, opts: { bangNegates?: boolean } = {}): GoRegexp | null {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\") {
      i++;
      if (i >= segment.length) return null;
      re += quoteMeta(segment[i]);
    } else if (c === "[") {
      let j = i + 1;
      const negate = segment[j] === "^" || (opts.bangNegates === true && segment[j] === "!");
      if (negate) j++;
      const start = j;
      // The class ends at the first unescaped `]` after at least one item.
      while (j < segment.length && (segment[j] !== "]" || j === start)) j += segment[j] === "\\" ? 2 : 1;
      if (j >= segment.length) return null;
      re += `[${negate ? "^" : ""}${classBody(segment.slice(start, j))}]`;
      i = j;
    } else re += quoteMeta(c);
  }
  try {
    return compileGoRegexp(re, { anchored: true });
  } catch {
    return null;
  }
}

/** A glob class body in RE2 syntax: `-` stays a range, `\x` is x, every other ASCII symbol is escaped. */
function classBody(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    let c = body[i];
    if (c === "-") {
      out += "-";
      continue;
    }
    if (c === "\\" && i + 1 < body.length) c = body[++i];
    out += /[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(c) ? `\\${c}` : c;
  }
  return out;
}
