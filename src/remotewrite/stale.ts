// Prometheus staleness markers. The marker is one particular NaN (bits 0x7ff0000000000002); JavaScript
// does not promise to keep NaN payloads (V8 sets the quiet bit when a NaN is stored in a double array),
// so a sample is written as a stale marker when it is flagged `stale: true` (the reliable way) or when
// its NaN still carries the marker's payload with or without the quiet bit (best effort). Any other
// NaN is written as an ordinary NaN, which VictoriaMetrics drops instead of ending the series.
import { type Sample, STALE_NAN_BITS } from "./types.js";

const scratch = new DataView(new ArrayBuffer(8));
scratch.setBigUint64(0, STALE_NAN_BITS, true);

/** A NaN carrying the staleness payload, as far as the engine keeps it. Prefer `staleSample()`. */
export const staleNaN: number = scratch.getFloat64(0, true);

const QUIET_BIT_HI = 0x00080000;

/** True for the staleness NaN, even after V8 quieted it. */
export function isStaleNaN(value: number): boolean {
  if (!Number.isNaN(value)) return false;
  scratch.setFloat64(0, value, true);
  return scratch.getUint32(0, true) === 2 && (scratch.getUint32(4, true) & ~QUIET_BIT_HI) === 0x7ff00000;
}

/** A stale marker sample at `timestamp` ms. */
export function staleSample(timestamp: number): Sample {
  return { value: staleNaN, timestamp, stale: true };
}
