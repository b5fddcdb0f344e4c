// A hand-written lexer: one pass over the text, no regular expressions on the hot path, one token of
// state (the parser reads `kind`/`start`/`end` and the value fields after each `next()`).
import { MetricsqlSyntaxError } from "./error.js";

export enum Tok {
  EOF = 0,
  Number = 1,
  Duration = 2,
  String = 3,
  Ident = 4,
  /** Operators and punctuation; the text is in `text`. */
  Punct = 5,
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isIdentStart(c: number): boolean {
  return isAsciiLetter(c) || c === 95 /* _ */ || c === 58 /* : */;
}

export function isIdentChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 95 || c === 58 || c === 46 /* . */;
}

export class Lexer {
  kind: Tok = Tok.EOF;
  start = 0;
  end = 0;
  /** Identifier (unescaped), operator or punctuation text; the literal text of numbers and durations. */
  text = "";
  /** Numeric value of a Number token. */
  num = 0;
  /** Milliseconds of a Duration token; null when a part counts steps (`10i`, `1m10i`). */
  ms: number | null = 0;
  /** The identifier had backslash escapes: it is a name, never a keyword. */
  escaped = false;
  /** Decoded value of a String token. */
  str = "";
  /** Inside `[...]`: `:` separates window and step instead of being part of names. */
  windowMode = false;
  /** Tokens produced so far: the parser's work counter. */
  steps = 0;
  private pos: number;

  constructor(
    readonly src: string,
    from = 0,
    private readonly limit = src.length,
  ) {
    this.pos = from;
  }

  fail(reason: string, at: number): never {
    throw new MetricsqlSyntaxError(reason, this.src, at);
  }

  next(): void {
    this.steps++;
    const s = this.src;
    let p = this.pos;
    const n = this.limit;
    for (;;) {
      if (p >= n) break;
      const c = s.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) {
        p++;
      } else if (c === 35 /* # */) {
        while (p < n && s.charCodeAt(p) !== 10) p++;
      } else break;
    }
    if (p >= n) {
      // End of input is reported right after the last token, not after trailing blanks and comments.
      this.kind = Tok.EOF;
      this.text = "";
      this.start = this.end = this.pos;
      this.pos = p;
      return;
    }
    this.start = p;
    const c = s.charCodeAt(p);
    if (isDigit(c) || (c === 46 && p + 1 < n && isDigit(s.charCodeAt(p + 1)))) {
      this.scanNumber(p);
      return;
    }
    if (c === 34 || c === 39 || c === 96) {
      this.scanString(p, c);
      return;
    }
    if (c === 36 /* $ */ || c === 92 /* \ */ || (isIdentStart(c) && !(c === 58 && this.windowMode))) {
      this.scanIdent(p);
      return;
    }
    this.kind = Tok.Punct;
    const c2 = p + 1 < n ? s.charCodeAt(p + 1) : 0;
    let len = 1;
    switch (c) {
      case 61: // =
      case 33: // !
        if (c2 === 61 || c2 === 126) len = 2;
        else if (c === 33) this.fail(`unexpected character "!"`, p);
        break;
      case 60: // <
      case 62: // >
        if (c2 === 61) len = 2;
        break;
      case 40:
      case 41:
      case 123:
      case 125:
      case 91:
      case 93:
      case 44:
      case 64:
      case 43:
      case 45:
      case 42:
      case 47:
      case 37:
      case 94:
      case 58:
        break;
      default:
        this.fail(`unexpected character ${JSON.stringify(String.fromCodePoint(s.codePointAt(p) ?? c))}`, p);
    }
    if (c === 93) this.windowMode = false;
    this.text = s.slice(p, p + len);
    this.end = this.pos = p + len;
  }

  private scanIdent(p: number): void {
    const s = this.src;
    const n = this.limit;
    const from = p;
    let escaped = false;
    if (s.charCodeAt(p) === 36) p++;
    for (; p < n; p++) {
      const c = s.charCodeAt(p);
      if (c === 92) {
        if (p + 1 >= n) this.fail("unfinished escape at end of identifier", p);
        escaped = true;
        p++;
        // A surrogate pair is one escaped character.
        const hi = s.charCodeAt(p);
        if (hi >= 0xd800 && hi <= 0xdbff && p + 1 < n) p++;
        continue;
      }
      if (c === 58 && this.windowMode) break;
      if (!isIdentChar(c)) break;
    }
    let text = s.slice(from, p);
    if (text === "$") this.fail(`expected identifier after "$"`, from);
    if (escaped) text = text.replace(/\\([\s\S])/gu, "$1");
    this.kind = Tok.Ident;
    this.escaped = escaped;
    this.text = text;
    this.end = this.pos = p;
  }

  private scanDigits(p: number, ok: (c: number) => boolean): number {
    const s = this.src;
    while (p < this.limit && ok(s.charCodeAt(p))) p++;
    return p;
  }

  /** Scans `digits[.digits][e[+-]digits]` from p; returns the end. */
  private scanDecimal(p: number): number {
    const s = this.src;
    const n = this.limit;
    p = this.scanDigits(p, isDigit);
    if (p < n && s.charCodeAt(p) === 46) p = this.scanDigits(p + 1, isDigit);
    if (p < n && (s.charCodeAt(p) | 32) === 101 /* e */) {
      let q = p + 1;
      const sign = s.charCodeAt(q);
      if (sign === 43 || sign === 45) q++;
      if (q < n && isDigit(s.charCodeAt(q))) p = this.scanDigits(q, isDigit);
    }
    return p;
  }

  private scanNumber(from: number): void {
    const s = this.src;
    const n = this.limit;
    let p = from;
    const c1 = from + 1 < n ? s.charCodeAt(from + 1) | 32 : 0;
    if (s.charCodeAt(from) === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      const radix = c1 === 120 ? 16 : c1 === 111 ? 8 : 2;
      const ok =
        radix === 16
          ? (c: number) => isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102)
          : radix === 8
            ? (c: number) => c >= 48 && c <= 55
            : (c: number) => c === 48 || c === 49;
      p = this.scanDigits(from + 2, ok);
      if (p === from + 2) this.fail(`invalid number "${s.slice(from, p)}"`, from);
      this.finishNumber(from, p, Number.parseInt(s.slice(from + 2, p), radix));
      return;
    }
    p = this.scanDecimal(p);
    const value = Number(s.slice(from, p));
    const u = p < n ? s.charCodeAt(p) : 0;
    // Duration units are lower case; `M` (upper case) is the mega suffix, `m` is minutes.
    if (u === 109 || u === 115 || u === 104 || u === 100 || u === 119 || u === 121 || u === 105) {
      this.scanDuration(from);
      return;
    }
    let isExp = false;
    for (let i = from; i < p && !isExp; i++) isExp = (s.charCodeAt(i) | 32) === 101;
    let mult = 1;
    const lu = u | 32;
    if (!isExp && (lu === 107 || u === 77 || lu === 103 || lu === 116)) {
      mult = lu === 107 ? 1e3 : u === 77 ? 1e6 : lu === 103 ? 1e9 : 1e12;
      p++;
      if (p < n && (s.charCodeAt(p) | 32) === 105 /* i */) {
        mult = lu === 107 ? 1024 : u === 77 ? 1024 ** 2 : lu === 103 ? 1024 ** 3 : 1024 ** 4;
        p++;
      }
    }
    this.finishNumber(from, p, value * mult);
  }

  private finishNumber(from: number, p: number, value: number): void {
    if (p < this.limit && isIdentChar(this.src.charCodeAt(p)) && !(this.windowMode && this.src.charCodeAt(p) === 58)) {
      this.fail(`unexpected character ${JSON.stringify(this.src[p])} after number "${this.src.slice(from, p)}"`, p);
    }
    this.kind = Tok.Number;
    this.num = value;
    this.text = this.src.slice(from, p);
    this.end = this.pos = p;
  }

  /** `1h30m`, `1.5h`, `10i`: one or more number+unit parts. */
  private scanDuration(from: number): void {
    const s = this.src;
    const n = this.limit;
    let p = from;
    let ms: number | null = 0;
    let steps = false;
    for (;;) {
      const numEnd = this.scanDecimal(p);
      const value = Number(s.slice(p, numEnd));
      let q = numEnd;
      const u = q < n ? s.charCodeAt(q) : 0;
      const u2 = q + 1 < n ? s.charCodeAt(q + 1) : 0;
      let unit: string;
      if (u === 109 && u2 === 115) unit = "ms";
      else if (u === 105) unit = "i";
      else if (u === 109 || u === 115 || u === 104 || u === 100 || u === 119 || u === 121)
        unit = String.fromCharCode(u);
      else this.fail(`expected a duration unit (ms, s, m, h, d, w, y or i) in "${s.slice(from, q + 1)}"`, q);
      q += unit.length;
      if (unit === "i") steps = true;
      else if (ms !== null) ms += value * (UNIT_MS[unit] as number);
      p = q;
      const c = p < n ? s.charCodeAt(p) : 0;
      if (isDigit(c) || (c === 46 && p + 1 < n && isDigit(s.charCodeAt(p + 1)))) continue;
      break;
    }
    if (steps) ms = null;
    if (p < n && isIdentChar(s.charCodeAt(p)) && !(this.windowMode && s.charCodeAt(p) === 58)) {
      this.fail(`unexpected character ${JSON.stringify(s[p])} after duration "${s.slice(from, p)}"`, p);
    }
    this.kind = Tok.Duration;
    this.ms = ms === null ? null : Math.round(ms);
    this.text = s.slice(from, p);
    this.end = this.pos = p;
  }

  private scanString(from: number, quote: number): void {
    const s = this.src;
    const n = this.limit;
    let p = from + 1;
    if (quote === 96) {
      const close = s.indexOf("`", p);
      if (close < 0 || close >= n) this.fail("unterminated string literal", from);
      this.finishString(from, close + 1, s.slice(p, close));
      return;
    }
    // Fast path: no escapes.
    let q = p;
    while (q < n) {
      const c = s.charCodeAt(q);
      if (c === quote || c === 92 || c === 10) break;
      q++;
    }
    if (q < n && s.charCodeAt(q) === quote) {
      this.finishString(from, q + 1, s.slice(p, q));
      return;
    }
    let out = s.slice(p, q);
    p = q;
    for (;;) {
      if (p >= n || s.charCodeAt(p) === 10) this.fail("unterminated string literal", from);
      const c = s.charCodeAt(p);
      if (c === quote) break;
      if (c !== 92) {
        out += s[p];
        p++;
        continue;
      }
      const e = p + 1 < n ? s[p + 1] : "";
      p += 2;
      switch (e) {
        case "a":
          out += "\x07";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "v":
          out += "\v";
          break;
        case "\\":
          out += "\\";
          break;
        case '"':
        case "'":
          if (e.charCodeAt(0) !== quote) this.fail(`invalid escape "\\${e}" in string literal`, p - 2);
          out += e;
          break;
        case "x":
        case "u":
        case "U": {
          const len = e === "x" ? 2 : e === "u" ? 4 : 8;
          const hex = s.slice(p, p + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex) || p + len > n) {
            this.fail(`invalid escape "\\${e}${hex}" in string literal`, p - 2);
          }
          const cp = Number.parseInt(hex, 16);
          if (cp > 0x10ffff) this.fail(`invalid escape "\\${e}${hex}" in string literal`, p - 2);
          out += e === "x" ? String.fromCharCode(cp) : String.fromCodePoint(cp);
          p += len;
          break;
        }
        default:
          if (e >= "0" && e <= "7") {
            const oct = s.slice(p - 1, p + 2);
            if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255) {
              this.fail(`invalid escape "\\${oct}" in string literal`, p - 2);
            }
            out += String.fromCharCode(Number.parseInt(oct, 8));
            p += 2;
            break;
          }
          this.fail(`invalid escape "\\${e}" in string literal`, p - 2);
      }
    }
    this.finishString(from, p + 1, out);
  }

  private finishString(from: number, end: number, value: string): void {
    this.kind = Tok.String;
    this.str = value;
    this.text = this.src.slice(from, end);
    this.end = this.pos = end;
  }
}

/** How a token looks in an error message. */
export function describeToken(lx: Lexer): string {
  if (lx.kind === Tok.EOF) return "end of input";
  const t = lx.src.slice(lx.start, lx.end);
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}...` : t);
}
