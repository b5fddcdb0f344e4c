// Series the rules write: label arrays sorted by name, and the Prometheus stale marker.
import type { Label, TimeSeries } from "../remotewrite/types.js";
import { STALE_NAN_BITS } from "../remotewrite/types.js";

/** A NaN carrying the staleness payload 0x7ff0000000000002 (V8 keeps the bits of a stored double). */
export const STALE_NAN: number = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, STALE_NAN_BITS);
  return view.getFloat64(0);
})();

/** True when v is exactly the stale-marker NaN, not any NaN. */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0) === STALE_NAN_BITS;
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Sorted label array from a map. */
export function sortedLabels(m: Record<string, string>): Label[] {
  const out: Label[] = [];
  for (const k in m) out.push({ name: k, value: m[k] });
  return out.sort(byName);
}

/** Inserts/overrides extra labels into an already sorted array, returning a new sorted array. */
export function withLabels(sorted: readonly Label[], extra: Record<string, string>): Label[] {
  const out: Label[] = [];
  for (const l of sorted) if (!(l.name in extra)) out.push(l);
  for (const k in extra) out.push({ name: k, value: extra[k] });
  return out.sort(byName);
}

export function oneSample(labels: Label[], value: number, timestamp: number): TimeSeries {
  return { labels, samples: [{ value, timestamp }] };
}

/** A stale marker sample; the `stale` flag is what the writer trusts (NaN payloads may be lost in JS). */
export function staleSeries(labels: Label[], timestamp: number): TimeSeries {
  return { labels, samples: [{ value: STALE_NAN, timestamp, stale: true }] };
}

/** Key of a label array for identity maps; 0xFF never occurs in valid UTF-8 text. */
export function labelsKey(labels: readonly Label[]): string {
  let k = "";
  for (const l of labels) k += `${l.name}\xff${l.value}\xfe`;
  return k;
}
