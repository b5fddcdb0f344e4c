// Float arithmetic as Prometheus does it: Kahan-Neumaier compensated sums, quantiles over samples, Go's
// float formatting and parsing where values become label text and back.

/** One step of a compensated (Kahan-Neumaier) sum: returns the new sum and compensation. */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}

/** Ascending order with NaN first (Prometheus' vectorByValueHeap). */
function nanFirstAscending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

/** The q-quantile of the values, interpolating between neighbours; sorts `values`. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  values.sort(nanFirstAscending);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

/** strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back as v, never an exponent. */
export function formatFloatPlain(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const neg = s.startsWith("-");
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf(".");
  const digits = mant.replace(".", "");
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${"0".repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return neg ? `-${out}` : out;
}

/** strconv.ParseFloat(s, 64) for the `le` label: null when Go would refuse the text. */
export function parseGoFloat(s: string): number | null {
  const t = s.toLowerCase();
  const body = t.startsWith("+") || t.startsWith("-") ? t.slice(1) : t;
  if (body === "inf" || body === "infinity")
    return t.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (body === "nan") return Number.NaN;
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(body) && !/^0x[0-9a-f]+$/.test(body)) return null;
  const v = Number(body);
  if (Number.isNaN(v)) return null;
  return t.startsWith("-") ? -v : v;
}
