// Go fmt: %v printing of template values, Sprint/Sprintln, and Sprintf with the verbs templates use.
import { FuncError } from "./errors.js";
import { formatFloat, goFloat } from "./floatfmt.js";
import { MAX_OUTPUT, OUTPUT_LIMIT_MESSAGE } from "./limits.js";
import { GoDuration, GoStruct, GoTime, type GoValue, typeName } from "./values.js";

/** fmt's %v. */
export function sprintValue(v: GoValue): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return goFloat(v);
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "<nil>";
  }
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(sprintValue).join(" ")}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return `map[${keys.map((k) => `${k}:${sprintValue(v.get(k))}`).join(" ")}]`;
  }
  if (v instanceof GoStruct) return `{${Object.values(v.fields).map(sprintValue).join(" ")}}`;
  if (v instanceof GoTime) return timeString(v);
  if (v instanceof GoDuration) return durationString(v.ns);
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${v[k]}`).join(" ")}]`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += sprintValue(args[i]);
  }
  return out;
}

export function sprintln(args: GoValue[]): string {
  return `${args.map(sprintValue).join(" ")}\n`;
}

// ---- time ----

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  wday: number;
  yday: number;
}

export function civil(t: GoTime): Civil {
  const sec = t.ns / 1_000_000_000n - (t.ns % 1_000_000_000n < 0n ? 1n : 0n);
  let nsec = Number(t.ns - sec * 1_000_000_000n);
  if (nsec < 0) nsec += 1e9;
  const days = Number(sec / 86400n) - (sec % 86400n < 0n ? 1 : 0);
  const secOfDay = Number(sec - BigInt(days) * 86400n);
  // Civil-from-days (proleptic Gregorian), valid far beyond the Date range.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const cum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
  const yday = cum[month - 1] + day + (leap && month > 2 ? 1 : 0);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    min: Math.floor(secOfDay / 60) % 60,
    sec: secOfDay % 60,
    nsec,
    wday: (((days + 4) % 7) + 7) % 7,
    yday,
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

const LAYOUT_TOKENS = [
  "January",
  "Jan",
  "Monday",
  "Mon",
  "MST",
  "2006",
  "-07:00:00",
  "-0700",
  "-07:00",
  "-07",
  "Z07:00:00",
  "Z0700",
  "Z07:00",
  "Z07",
  "002",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "15",
  "_2",
  "1",
  "2",
  "3",
  "4",
  "5",
  "PM",
  "pm",
];

/** time.Time.Format in UTC. */
export function formatTime(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = "";
  let i = 0;
  while (i < layout.length) {
    // Fractional seconds: .000 / .999 / ,000 after a seconds field or anywhere.
    const fm = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (fm) {
      const n = fm[1].length;
      const digits = pad(c.nsec, 9).slice(0, Math.min(n, 9));
      if (fm[1][0] === "0") out += layout[i] + digits.padEnd(n, "0");
      else {
        const trimmed = digits.replace(/0+$/, "");
        if (trimmed) out += layout[i] + trimmed;
      }
      i += fm[0].length;
      continue;
    }
    const tok = LAYOUT_TOKENS.find((k) => layout.startsWith(k, i));
    if (!tok) {
      out += layout[i++];
      continue;
    }
    i += tok.length;
    switch (tok) {
      case "January":
        out += MONTHS[c.month - 1];
        break;
      case "Jan":
        out += MONTHS[c.month - 1].slice(0, 3);
        break;
      case "Monday":
        out += DAYS[c.wday];
        break;
      case "Mon":
        out += DAYS[c.wday].slice(0, 3);
        break;
      case "MST":
        out += "UTC";
        break;
      case "2006":
        out += pad(c.year, 4);
        break;
      case "06":
        out += pad(c.year % 100, 2);
        break;
      case "01":
        out += pad(c.month, 2);
        break;
      case "1":
        out += String(c.month);
        break;
      case "02":
        out += pad(c.day, 2);
        break;
      case "2":
        out += String(c.day);
        break;
      case "_2":
        out += String(c.day).padStart(2, " ");
        break;
      case "002":
        out += pad(c.yday, 3);
        break;
      case "15":
        out += pad(c.hour, 2);
        break;
      case "03":
        out += pad(c.hour % 12 || 12, 2);
        break;
      case "3":
        out += String(c.hour % 12 || 12);
        break;
      case "04":
        out += pad(c.min, 2);
        break;
      case "4":
        out += String(c.min);
        break;
      case "05":
        out += pad(c.sec, 2);
        break;
      case "5":
        out += String(c.sec);
        break;
      case "PM":
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case "-0700":
        out += "+0000";
        break;
      case "-07:00":
        out += "+00:00";
        break;
      case "-07":
        out += "+00";
        break;
      case "-07:00:00":
        out += "+00:00:00";
        break;
      default:
        // Z-forms print Z for UTC.
        out += "Z";
    }
  }
  return out;
}

/** time.Time.String() for a UTC time. */
export function timeString(t: GoTime): string {
  return formatTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

/** time.Duration.String(). */
export function durationString(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Sub-second: ns, µs or ms with a fraction.
    let unit: string;
    let div: bigint;
    if (u < 1000n) return `${neg ? "-" : ""}${u}ns`;
    if (u < 1_000_000n) {
      unit = "µs";
      div = 1000n;
    } else {
      unit = "ms";
      div = 1_000_000n;
    }
    out = fracStr(u, div) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${fracStr(u, 1_000_000_000n)}s`;
    if (h > 0n) out = `${h}h${m}m${out}`;
    else if (m > 0n) out = `${m}m${out}`;
  }
  return (neg ? "-" : "") + out;
}

function fracStr(v: bigint, div: bigint): string {
  const whole = v / div;
  const frac = v % div;
  if (frac === 0n) return whole.toString();
  const width = div.toString().length - 1;
  return `${whole}.${frac.toString().padStart(width, "0").replace(/0+$/, "")}`;
}

// ---- Sprintf ----

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  /** -1 = none. */
  width: number;
  /** -1 = none. */
  prec: number;
  /** What one Sprintf call may still add by padding and precision, shared by all its verbs. */
  room: { left: number };
}

/**
 * Takes n characters of padding or precision digits from the call's room. Go allows a width or precision
 * of up to about 1e7 when written in the format (1e6 through `*`); whatever gets past that, the output
 * of one call stays within what a whole rendering may print, and nothing larger is ever allocated.
 */
function charge(sp: Spec, n: number): void {
  if (n <= 0) return;
  sp.room.left -= n;
  if (sp.room.left < 0) throw new FuncError(OUTPUT_LIMIT_MESSAGE);
}

function padTo(s: string, sp: Spec, numeric = false): string {
  if (sp.width < 0) return s;
  const runes = s.length >= sp.width ? s.length : [...s].length;
  if (runes >= sp.width) return s;
  const n = sp.width - runes;
  charge(sp, n);
  if (sp.minus) return s + " ".repeat(n);
  if (sp.zero && numeric) {
    const signLen = /^[+\- ]/.test(s) ? 1 : 0;
    return s.slice(0, signLen) + "0".repeat(n) + s.slice(signLen);
  }
  return " ".repeat(n) + s;
}

/** Go's bad-verb form; the value is printed with %v under the same width and precision. */
function bad(verb: string, v: GoValue, sp?: Spec): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${sp ? fmtOne(v, "v", sp) : sprintValue(v)})`;
}

function withSign(s: string, neg: boolean, sp: Spec): string {
  if (neg) return `-${s}`;
  if (sp.plus) return `+${s}`;
  if (sp.space) return ` ${s}`;
  return s;
}

function fmtInt(v: bigint, verb: string, sp: Spec): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let s: string;
  switch (verb) {
    case "d":
    case "v":
      s = a.toString();
      break;
    case "x":
      s = a.toString(16);
      if (sp.sharp) s = `0x${s}`;
      break;
    case "X":
      s = a.toString(16).toUpperCase();
      if (sp.sharp) s = `0X${s}`;
      break;
    case "o":
      s = a.toString(8);
      if (sp.sharp) s = `0${s}`;
      break;
    case "O":
      s = `0o${a.toString(8)}`;
      break;
    case "b":
      s = a.toString(2);
      break;
    case "c":
      return padTo(String.fromCodePoint(Number(v)), sp);
    case "q":
      return padTo(`'${String.fromCodePoint(Number(v)).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`, sp);
    case "U":
      return padTo(`U+${a.toString(16).toUpperCase().padStart(4, "0")}`, sp);
    default:
      return bad(verb, v, sp);
  }
  if (sp.prec >= 0) {
    charge(sp, sp.prec - s.length);
    s = s.padStart(sp.prec, "0");
    if (sp.prec === 0 && a === 0n) s = "";
  }
  return padTo(withSign(s, neg, sp), sp, sp.prec < 0);
}

function fmtFloatVerb(v: number, verb: string, sp: Spec): string {
  let s: string;
  const lower = verb.toLowerCase();
  const prec = sp.prec;
  switch (lower) {
    case "v":
    case "g":
      s = formatFloat(v, "g", prec);
      break;
    case "e":
      charge(sp, prec);
      s = formatFloat(v, "e", prec < 0 ? 6 : prec);
      break;
    case "f":
      charge(sp, prec);
      s = formatFloat(v, "f", prec < 0 ? 6 : prec);
      break;
    default:
      return bad(verb, v, sp);
  }
  if (verb === "E" || verb === "G") s = s.toUpperCase().replace("INF", "Inf").replace("NAN", "NaN");
  if (s === "NaN" || s.endsWith("Inf")) {
    // Go pads NaN/Inf with spaces, never zeros.
    if (s === "+Inf" && !sp.plus) s = sp.space ? " Inf" : "+Inf";
    if (s === "+Inf" && !sp.plus && !sp.space) s = "+Inf";
    return padTo(s, { ...sp, zero: false });
  }
  const neg = s[0] === "-";
  if (neg) s = s.slice(1);
  return padTo(withSign(s, neg, sp), sp, true);
}

/** Go strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c === 12) out += "\\f";
    else if (c === 10) out += "\\n";
    else if (c === 13) out += "\\r";
    else if (c === 9) out += "\\t";
    else if (c === 11) out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c === 0xfffd) out += "\\ufffd";
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function fmtString(s: string, verb: string, sp: Spec): string {
  switch (verb) {
    case "s":
    case "v":
      if (sp.prec >= 0) s = [...s].slice(0, sp.prec).join("");
      return padTo(s, sp);
    case "q":
      return padTo(sp.sharp && !s.includes("`") ? `\`${s}\`` : goQuote(s), sp);
    case "x":
    case "X": {
      let h = Buffer.from(s, "utf8").toString("hex");
      if (verb === "X") h = h.toUpperCase();
      return padTo(h, sp);
    }
    default:
      return bad(verb, s, sp);
  }
}

function fmtOne(v: GoValue, verb: string, sp: Spec): string {
  if (typeof v === "string") return fmtString(v, verb, sp);
  if (typeof v === "number") return fmtFloatVerb(v, verb, sp);
  if (typeof v === "bigint") return fmtInt(v, verb, sp);
  if (typeof v === "boolean") return verb === "t" || verb === "v" ? padTo(String(v), sp) : bad(verb, v, sp);
  if (v === null || v === undefined) return verb === "v" ? padTo("<nil>", sp) : bad(verb, v);
  if (v instanceof GoTime || v instanceof GoDuration) {
    // Stringers print through String() for %v %s %q.
    const s = sprintValue(v);
    if (verb === "v" || verb === "s") return fmtString(s, "s", sp);
    if (verb === "q") return fmtString(s, "q", sp);
    if (v instanceof GoDuration) return fmtInt(v.ns, verb, sp);
    return bad(verb, v, sp);
  }
  // Containers apply the verb to each element (and map key), as fmt's printValue.
  if (Array.isArray(v)) return `[${v.map((e) => fmtOne(e, verb, sp)).join(" ")}]`;
  if (v instanceof GoStruct)
    return `{${Object.values(v.fields)
      .map((e) => fmtOne(e, verb, sp))
      .join(" ")}}`;
  const keys = v instanceof Map ? [...v.keys()].sort() : Object.keys(v).sort();
  const get = (k: string): GoValue => (v instanceof Map ? v.get(k) : (v as Record<string, string>)[k]);
  return `map[${keys.map((k) => `${fmtOne(k, verb, sp)}:${fmtOne(get(k), verb, sp)}`).join(" ")}]`;
}

/** The digits at format[start:end] as Go's fmt.parsenum: a number past 1e6 swallows the rest of the format. */
function parsenum(format: string, start: number, end: number): { num: number; isnum: boolean; next: number } {
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && format[i] >= "0" && format[i] <= "9"; i++) {
    if (tooLarge(num)) return { num: 0, isnum: false, next: end };
    num = num * 10 + (format.charCodeAt(i) - 48);
    isnum = true;
  }
  return { num, isnum, next: i };
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

/** fmt.intFromArg: a `*` width or precision must be an integer of at most 1e6 in magnitude. */
function intFromArg(args: GoValue[], argNum: number): { num: number; isInt: boolean; argNum: number } {
  if (argNum >= args.length) return { num: 0, isInt: false, argNum };
  const a = args[argNum];
  const v = typeof a === "bigint" ? a : a instanceof GoDuration ? a.ns : null;
  if (v === null || v > 1_000_000n || v < -1_000_000n) return { num: 0, isInt: false, argNum: argNum + 1 };
  return { num: Number(v), isInt: true, argNum: argNum + 1 };
}

/** fmt.parseArgNumber on format[i:], which starts with "[": the zero-based index, the bytes it spans, ok. */
function parseArgNumber(format: string, i: number): { index: number; wid: number; ok: boolean } {
  if (format.length - i < 3) return { index: 0, wid: 1, ok: false };
  for (let j = i + 1; j < format.length; j++) {
    if (format[j] === "]") {
      const n = parsenum(format, i + 1, j);
      if (!n.isnum || n.next !== j) return { index: 0, wid: j - i + 1, ok: false };
      return { index: n.num - 1, wid: j - i + 1, ok: true };
    }
  }
  return { index: 0, wid: 1, ok: false };
}

function printArg(v: GoValue, verb: string, sp: Spec): string {
  if (verb === "T") return padTo(v === null || v === undefined ? "<nil>" : typeName(v), sp);
  return fmtOne(v, verb, sp);
}

function newSpec(room: { left: number }): Spec {
  return { minus: false, plus: false, space: false, zero: false, sharp: false, width: -1, prec: -1, room };
}

/**
 * fmt.Sprintf, parsed as Go's doPrintf: explicit argument indexes (`%[2]d`, `%[2]*[1]d`), Go's error
 * annotations (%!d(string=x), %!v(MISSING), %!d(BADINDEX), %!(BADWIDTH), %!(BADPREC), %!(NOVERB),
 * %!(EXTRA ...)) and its limits on widths and precisions. Padding and precision together may add at most
 * `limit` characters (MAX_OUTPUT, the output cap of a rendering) before the call fails.
 */
export function sprintf(format: string, args: GoValue[], limit = MAX_OUTPUT): string {
  const room = { left: limit };
  const end = format.length;
  let out = "";
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;
  // fmt.argNumber: an explicit index at format[i], if any.
  const argNumber = (i: number): number => {
    if (i >= end || format[i] !== "[") {
      afterIndex = false;
      return i;
    }
    reordered = true;
    const { index, wid, ok } = parseArgNumber(format, i);
    if (ok && index >= 0 && index < args.length) {
      argNum = index;
      afterIndex = true;
      return i + wid;
    }
    goodArgNum = false;
    afterIndex = ok;
    return i + wid;
  };
  let i = 0;
  formatLoop: while (i < end) {
    goodArgNum = true;
    const pc = format.indexOf("%", i);
    if (pc < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pc);
    i = pc + 1;
    const sp = newSpec(room);
    for (; i < end; i++) {
      const c = format[i];
      if (c === "#") sp.sharp = true;
      else if (c === "0") sp.zero = !sp.minus;
      else if (c === "+") sp.plus = true;
      else if (c === "-") {
        sp.minus = true;
        sp.zero = false;
      } else if (c === " ") sp.space = true;
      else {
        // Go's fast path: flags and a lower-case verb, nothing else.
        if (c >= "a" && c <= "z" && argNum < args.length) {
          out += printArg(args[argNum++], c, sp);
          i++;
          continue formatLoop;
        }
        break;
      }
    }

    i = argNumber(i);
    if (i < end && format[i] === "*") {
      i++;
      const w = intFromArg(args, argNum);
      argNum = w.argNum;
      if (!w.isInt) out += "%!(BADWIDTH)";
      if (w.isInt && w.num < 0) {
        // A negative width pads on the right.
        sp.width = -w.num;
        sp.minus = true;
        sp.zero = false;
      } else sp.width = w.isInt ? w.num : -1;
      afterIndex = false;
    } else {
      const w = parsenum(format, i, end);
      i = w.next;
      sp.width = w.isnum ? w.num : -1;
      if (afterIndex && w.isnum) goodArgNum = false; // "%[3]2d"
    }

    if (i + 1 < end && format[i] === ".") {
      i++;
      if (afterIndex) goodArgNum = false; // "%[3].2d"
      i = argNumber(i);
      if (i < end && format[i] === "*") {
        i++;
        const p = intFromArg(args, argNum);
        argNum = p.argNum;
        // A negative precision makes no sense: Go drops it as if absent.
        const ok = p.isInt && p.num >= 0;
        sp.prec = ok ? p.num : -1;
        if (!ok) out += "%!(BADPREC)";
        afterIndex = false;
      } else {
        const p = parsenum(format, i, end);
        i = p.next;
        sp.prec = p.isnum ? p.num : 0;
      }
    }

    if (!afterIndex) i = argNumber(i);

    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === "%") out += "%";
    else if (!goodArgNum) out += `%!${verb}(BADINDEX)`;
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else out += printArg(args[argNum++], verb, sp);
  }
  // Go skips the check for unused arguments once the format used explicit indexes.
  if (!reordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? "<nil>" : `${typeName(a)}=${sprintValue(a)}`))
      .join(", ")})`;
  }
  return out;
}
