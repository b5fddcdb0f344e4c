// The input notation of promtool and vmalert-tool test files: series selectors (`name{a="b"}`) and
// expanding values (`1+1x10`, `_x3`, `stale`, `-2+4x3`).

/** One expanded input point: a number, a gap (null) or a staleness marker. */
export type InputPoint = number | null | "stale";

export class NotationError extends Error {}

const NUMBER = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|Inf|inf|NaN|nan)$/;
// a+bxN, a-bxN, axN (N+1 points); the sign of `a` is part of the number.
const EXPAND =
  /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Inf|NaN)(?:([-+])((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))?x(\d+)$/;

export interface NotationOptions {
  /**
   * Read integers as Go's strconv.ParseInt(s, 0, 64) does before it falls back to a float, as promtool's
   * series parser does: a leading 0 makes an octal number (`010` is 8).
   */
  goIntegers?: boolean;
}

function parseNumber(text: string, opts: NotationOptions = {}): number {
  const t = text.replace(/^\+/, "");
  if (/^-?inf$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return Number.NaN;
  if (opts.goIntegers && /^-?0[0-7]+$/.test(t)) return Number.parseInt(t, 8);
  return Number(t);
}

/**
 * Points one values string may expand to, so a test file cannot make the run allocate without bound
 * (real files use a million: Wikimedia's `1x1000000`).
 */
export const MAX_INPUT_POINTS = 5_000_000;
/** Points all input series of one test may expand to. */
export const MAX_TEST_POINTS = 20_000_000;

function tooMany(tok: string): never {
  throw new NotationError(`${JSON.stringify(tok)} expands the series beyond ${MAX_INPUT_POINTS} points`);
}

/** Expands a values string; throws NotationError naming the bad token. */
export function expandValues(text: string, opts: NotationOptions = {}): InputPoint[] {
  if (text.includes("{{")) {
    throw new NotationError(
      "native histogram values ({{...}}) are not supported: tsalert evaluates float samples only",
    );
  }
  const out: InputPoint[] = [];
  for (const tok of text.trim().split(/\s+/)) {
    if (tok === "") continue;
    if (tok === "_") {
      out.push(null);
      continue;
    }
    if (tok === "stale") {
      out.push("stale");
      continue;
    }
    const gaps = /^_x(\d+)$/.exec(tok);
    if (gaps) {
      const n = Number(gaps[1]);
      if (out.length + n > MAX_INPUT_POINTS) tooMany(tok);
      for (let i = 0; i < n; i++) out.push(null);
      continue;
    }
    if (NUMBER.test(tok)) {
      if (out.length >= MAX_INPUT_POINTS) tooMany(tok);
      out.push(parseNumber(tok, opts));
      continue;
    }
    const m = EXPAND.exec(tok);
    if (!m)
      throw new NotationError(`bad value ${JSON.stringify(tok)}: want a number, _, stale, a+bxN, a-bxN, axN or _xN`);
    const start = parseNumber(m[1], opts);
    const step = m[3] === undefined ? 0 : parseNumber(m[3], opts) * (m[2] === "-" ? -1 : 1);
    const n = Number(m[4]);
    if (out.length + n + 1 > MAX_INPUT_POINTS) tooMany(tok);
    // Summing rather than multiplying matches the tools' float results for fractional steps.
    let v = start;
    for (let i = 0; i <= n; i++) {
      out.push(v);
      v += step;
    }
  }
  return out;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:.]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_.]*/;

/** Parses `name{a="b", c='d'}`, `{__name__="x"}`, `name` or "" into a label set. */
export function parseSeries(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const s = text.trim();
  let pos = 0;
  const fail = (msg: string): never => {
    throw new NotationError(`bad series ${JSON.stringify(text)} at column ${pos + 1}: ${msg}`);
  };
  const skipWs = () => {
    const m = /^\s*/.exec(s.slice(pos));
    pos += m ? m[0].length : 0;
  };
  const name = NAME.exec(s);
  if (name) {
    labels.__name__ = name[0];
    pos = name[0].length;
  }
  skipWs();
  if (pos === s.length) return labels;
  if (s[pos] !== "{") fail(`unexpected ${JSON.stringify(s[pos])}`);
  pos++;
  for (;;) {
    skipWs();
    if (s[pos] === "}") {
      pos++;
      break;
    }
    const l = LABEL.exec(s.slice(pos));
    if (!l)
      fail(
        pos >= s.length
          ? "unexpected end, want a label name or }"
          : `unexpected ${JSON.stringify(s[pos])} inside braces`,
      );
    const key = (l as RegExpExecArray)[0];
    pos += key.length;
    skipWs();
    if (s[pos] !== "=") fail("want =");
    pos++;
    skipWs();
    const q = s[pos];
    if (q !== '"' && q !== "'" && q !== "`") fail("want a quoted label value");
    pos++;
    let val = "";
    for (;;) {
      if (pos >= s.length) fail("unterminated label value");
      const c = s[pos];
      if (c === q) {
        pos++;
        break;
      }
      if (c === "\\" && q !== "`") {
        const n = s[pos + 1];
        val += n === "n" ? "\n" : n === "t" ? "\t" : (n ?? "");
        pos += 2;
        continue;
      }
      val += c;
      pos++;
    }
    labels[key] = val;
    skipWs();
    if (s[pos] === ",") {
      pos++;
      continue;
    }
    if (s[pos] === "}") {
      pos++;
      break;
    }
    fail(pos >= s.length ? "unexpected end, want , or }" : `unexpected ${JSON.stringify(s[pos])} inside braces`);
  }
  skipWs();
  if (pos !== s.length) fail(`unexpected ${JSON.stringify(s.slice(pos))} after the closing brace`);
  return labels;
}

/** `{a="1", b="2"}` with sorted keys and __name__ in front, for messages and diffs. */
export function formatLabels(labels: Record<string, string>): string {
  const name = labels.__name__;
  const keys = Object.keys(labels)
    .filter((k) => k !== "__name__")
    .sort();
  const body = keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(", ");
  if (name !== undefined) return body ? `${name}{${body}}` : name;
  return `{${body}}`;
}
