// histogram_quantile() and histogram_fraction() over classic histograms: `le` buckets of one series group,
// with Prometheus' repairs (equal bounds merged, float noise and non-monotonic counts smoothed).

export interface Bucket {
  upper: number;
  count: number;
}

function coalesce(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else out.push({ upper: b.upper, count: b.count });
  }
  return out;
}

/** Counts that differ from the previous one by a relative 1e-12 or less are float noise: make them equal. */
function correctPrecision(buckets: Bucket[]): void {
  let prev = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    const cur = buckets[i].count;
    const delta = Math.abs(cur - prev);
    if (delta === 0) continue;
    if (delta / cur <= 1e-12) buckets[i].count = prev;
    else prev = cur;
  }
}

function ensureMonotonic(buckets: Bucket[]): void {
  let max = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i].count > max) max = buckets[i].count;
    else if (buckets[i].count < max) buckets[i].count = max;
  }
}

function prepared(input: Bucket[]): Bucket[] | null {
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  if (sorted[sorted.length - 1].upper !== Number.POSITIVE_INFINITY) return null;
  const buckets = coalesce(sorted);
  correctPrecision(buckets);
  ensureMonotonic(buckets);
  return buckets;
}

/** The q-quantile, interpolated linearly inside the bucket it falls in (0 is the lower bound of the first). */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const buckets = prepared(input);
  if (!buckets || buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b].count >= rank)) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].upper;
  if (b === 0 && buckets[0].upper <= 0) return buckets[0].upper;
  let start = 0;
  const end = buckets[b].upper;
  let count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

/** The fraction of observations between lower and upper, interpolated linearly inside buckets. */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  if (Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  const buckets = prepared(input);
  if (!buckets || buckets.length < 2) return Number.NaN;
  const total = buckets[buckets.length - 1].count;
  if (total === 0) return Number.NaN;
  if (lower >= upper) return 0;
  const rankAt = (x: number): number => {
    if (x === Number.NEGATIVE_INFINITY) return 0;
    if (x === Number.POSITIVE_INFINITY) return total;
    let prevUpper = buckets[0].upper > 0 ? 0 : Number.NEGATIVE_INFINITY;
    let prevCount = 0;
    for (const b of buckets) {
      if (x <= b.upper) {
        if (b.upper === Number.POSITIVE_INFINITY || prevUpper === Number.NEGATIVE_INFINITY)
          return x < b.upper ? prevCount : b.count;
        if (x <= prevUpper) return prevCount;
        return prevCount + ((b.count - prevCount) * (x - prevUpper)) / (b.upper - prevUpper);
      }
      prevUpper = b.upper;
      prevCount = b.count;
    }
    return total;
  };
  return (rankAt(upper) - rankAt(lower)) / total;
}
