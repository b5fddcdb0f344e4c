// Go fmt: %v printing of template values, Sprint/Sprintln, and Sprintf with the verbs templates use.
import { formatFloat, goFloat } from "./floatfmt.js";
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
  width: number;
  prec: number;
}

function padTo(s: string, sp: Spec, numeric = false): string {
  if (sp.width < 0 || [...s].length >= sp.width) return s;
  const n = sp.width - [...s].length;
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
      s = formatFloat(v, "e", prec < 0 ? 6 : prec);
      break;
    case "f":
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

/** fmt.Sprintf with Go's error annotations (%!d(string=x), %!v(MISSING), %!(EXTRA ...)). */
export function sprintf(format: string, args: GoValue[]): string {
  let out = "";
  let argi = 0;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pc = format.indexOf("%", i);
    if (pc < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pc);
    i = pc + 1;
    const sp: Spec = { minus: false, plus: false, space: false, zero: false, sharp: false, width: -1, prec: -1 };
    for (; i < n; i++) {
      const c = format[i];
      if (c === "-") sp.minus = true;
      else if (c === "+") sp.plus = true;
      else if (c === " ") sp.space = true;
      else if (c === "0") sp.zero = !sp.minus;
      else if (c === "#") sp.sharp = true;
      else break;
    }
    const num = (): number => {
      let v = -1;
      while (i < n && format[i] >= "0" && format[i] <= "9") {
        v = (v < 0 ? 0 : v * 10) + (format.charCodeAt(i) - 48);
        if (v > 1e6) v = 1e6;
        i++;
      }
      return v;
    };
    if (format[i] === "*") {
      i++;
      const a = args[argi++];
      if (typeof a === "bigint") {
        sp.width = Number(a);
        if (sp.width < 0) {
          sp.minus = true;
          sp.width = -sp.width;
        }
      } else out += "%!(BADWIDTH)";
    } else sp.width = num();
    if (format[i] === ".") {
      i++;
      if (format[i] === "*") {
        i++;
        const a = args[argi++];
        if (typeof a === "bigint" && a >= 0n) sp.prec = Number(a);
        else out += "%!(BADPREC)";
      } else {
        sp.prec = num();
        if (sp.prec < 0) sp.prec = 0;
      }
    }
    if (i >= n) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === "T") {
      const a = args[argi++];
      out += padTo(a === null || a === undefined ? "<nil>" : typeName(a), sp);
      continue;
    }
    out += fmtOne(args[argi++], verb, sp);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? "<nil>" : `${typeName(a)}=${sprintValue(a)}`))
      .join(", ")})`;
  }
  return out;
}
