// Value formatting as vmalert's JSON shows it: Go RFC3339Nano times (../gotime.ts) and float32 'f' floats.

export { rfc3339Nano } from "../gotime.js";

/** Go strconv.FormatFloat(v, 'f', -1, 32): shortest float32 digits, never an exponent. */
export function float32String(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  const f = Math.fround(v);
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  let exp = "";
  for (let p = 1; p <= 9; p++) {
    exp = f.toExponential(p - 1);
    if (Math.fround(Number(exp)) === f) break;
  }
  return expToFixed(exp);
}

function expToFixed(s: string): string {
  const neg = s.startsWith("-");
  const body = neg ? s.slice(1) : s;
  const [mant, e] = body.split("e");
  const digits = mant.replace(".", "");
  const pointPos = 1 + Number(e);
  let out: string;
  if (pointPos <= 0) out = `0.${"0".repeat(-pointPos)}${digits}`;
  else if (pointPos >= digits.length) out = digits + "0".repeat(pointPos - digits.length);
  else out = `${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  return neg ? `-${out}` : out;
}

/** Go time.Time.Truncate(d) for Unix ms: counts from 0001-01-01Z, not the epoch, as vmalert aligns evaluation times. */
export function goTruncate(ms: number, d: number): number {
  if (d <= 0) return ms;
  const sinceZero = ms + 62135596800000;
  return ms - (((sinceZero % d) + d) % d);
}
