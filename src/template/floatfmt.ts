// Go strconv float formatting ('e', 'f', 'g', shortest) with Go's rounding: correct rounding of the
// exact binary value, half-to-even on exact ties (JS toFixed/toExponential round ties up).

interface Digits {
  /** Significant digits without leading/trailing zeros ("" for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

/** Exact decimal expansion of a finite |x| (x ≠ 0) through BigInt. */
function exactDigits(x: number): Digits {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let s: string;
  let dp: number;
  if (e >= 0) {
    s = (mant << BigInt(e)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-e)).toString();
    dp = s.length + e;
  }
  return trim({ d: s, dp });
}

function trim(g: Digits): Digits {
  let d = g.d;
  let dp = g.dp;
  let i = 0;
  while (i < d.length && d[i] === "0") i++;
  d = d.slice(i);
  dp -= i;
  let j = d.length;
  while (j > 0 && d[j - 1] === "0") j--;
  d = d.slice(0, j);
  return d ? { d, dp } : { d: "", dp: 0 };
}

/** Rounds exact digits to n significant digits, half to even. */
function roundDigits(g: Digits, n: number): Digits {
  if (n < 0) return { d: "", dp: 0 };
  if (g.d.length <= n) return g;
  const next = g.d.charCodeAt(n) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else {
    const restNonZero = /[1-9]/.test(g.d.slice(n + 1));
    up = restNonZero || (n > 0 && (g.d.charCodeAt(n - 1) - 48) % 2 === 1);
  }
  let d = g.d.slice(0, n);
  let dp = g.dp;
  if (up) {
    let i = d.length - 1;
    while (i >= 0 && d[i] === "9") i--;
    if (i < 0) {
      d = "1";
      dp++;
    } else d = d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1);
  }
  return trim({ d, dp });
}

/** Parses a JS-formatted positive number string into digits. */
function parseJs(s: string): Digits {
  let exp = 0;
  const ei = s.indexOf("e");
  if (ei >= 0) {
    exp = Number(s.slice(ei + 1));
    s = s.slice(0, ei);
  }
  const pi = s.indexOf(".");
  const intPart = pi >= 0 ? s.slice(0, pi) : s;
  const frac = pi >= 0 ? s.slice(pi + 1) : "";
  return trim({ d: intPart + frac, dp: intPart.length + exp });
}

/** Shortest digits that round-trip (Go's precision -1). */
export function shortestDigits(x: number): Digits {
  return parseJs(String(Math.abs(x)));
}

const TIE = /^50*$/;

/** n significant digits of |x|, Go rounding. */
export function sigDigits(x: number, n: number): Digits {
  const a = Math.abs(x);
  if (a === 0) return { d: "", dp: 0 };
  if (n >= 1 && n <= 80) {
    const wide = a.toExponential(Math.min(100, n + 19));
    const mant = wide.slice(0, wide.indexOf("e")).replace(".", "");
    if (!TIE.test(mant.slice(n))) return parseJs(a.toExponential(n - 1));
  }
  return roundDigits(exactDigits(a), n);
}

/** Digits of |x| rounded to n digits after the decimal point, Go rounding. */
export function fracDigits(x: number, n: number): Digits {
  const a = Math.abs(x);
  if (a === 0) return { d: "", dp: 0 };
  if (a < 1e21 && n <= 80) {
    const wide = a.toFixed(Math.min(100, n + 20));
    const tail = wide.slice(wide.indexOf(".") + 1 + n);
    if (!TIE.test(tail)) return parseJs(a.toFixed(n));
  }
  const ex = exactDigits(a);
  return roundDigits(ex, ex.dp + n);
}

function expStr(e: number): string {
  const s = String(Math.abs(e)).padStart(2, "0");
  return (e < 0 ? "e-" : "e+") + s;
}

/** Digits to %e with prec digits after the point. */
function fmtE(g: Digits, prec: number): string {
  const d = g.d || "0";
  const exp = g.d ? g.dp - 1 : 0;
  let s = d[0];
  if (prec > 0) s += `.${d.slice(1, 1 + prec).padEnd(prec, "0")}`;
  return s + expStr(exp);
}

/** Digits to %f with prec digits after the point. */
function fmtF(g: Digits, prec: number): string {
  let s: string;
  if (g.dp > 0) s = g.d.slice(0, g.dp).padEnd(g.dp, "0");
  else s = "0";
  if (prec > 0) {
    // Digits dp .. dp+prec-1 of 0.d: zeros before d starts, d's digits, zeros after it (built in three
    // pieces, not digit by digit: a precision may be up to a million).
    const lead = Math.min(prec, Math.max(0, -g.dp));
    const from = Math.max(0, g.dp);
    const to = g.dp + prec;
    const mid = to > from ? g.d.slice(from, to) : "";
    s += `.${"0".repeat(lead)}${mid}${"0".repeat(prec - lead - mid.length)}`;
  }
  return s;
}

function special(x: number, plusInf = "+Inf"): string | null {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return plusInf;
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  return null;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

/** strconv.FormatFloat(x, fmt, prec, 64); prec < 0 means shortest. Infinity prints as "+Inf". */
export function formatFloat(x: number, fmt: "e" | "f" | "g", prec: number): string {
  const sp = special(x);
  if (sp) return sp;
  const neg = sign(x);
  if (fmt === "e") {
    if (prec < 0) {
      const g = shortestDigits(x);
      return neg + fmtE(g, Math.max(g.d.length - 1, 0));
    }
    return neg + fmtE(sigDigits(x, prec + 1), prec);
  }
  if (fmt === "f") {
    if (prec < 0) {
      const g = shortestDigits(x);
      return neg + fmtF(g, Math.max(g.d.length - g.dp, 0));
    }
    return neg + fmtF(fracDigits(x, prec), prec);
  }
  const shortest = prec < 0;
  let g: Digits;
  if (shortest) {
    g = shortestDigits(x);
    prec = g.d.length || 1;
  } else {
    if (prec === 0) prec = 1;
    g = sigDigits(x, prec);
  }
  const nd = g.d.length || 1;
  const dp = g.d ? g.dp : 1;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return neg + fmtE(g, prec - 1);
  }
  if (prec > dp) prec = nd;
  return neg + fmtF(g, Math.max(prec - dp, 0));
}

/** fmt's %v of a float64. */
export function goFloat(x: number): string {
  return formatFloat(x, "g", -1);
}
