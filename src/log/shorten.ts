// -loggerMaxArgLen: a long value becomes its start and end joined by "..", as vmalert's logger shortens
// its arguments (lib/stringsutil.LimitStringLen in VictoriaMetrics).

/** vmalert treats limits below 4 as 4: room for one character on each side of "..". */
const MIN_LEN = 4;

/** `s` when it is at most `maxLen` characters, else `prefix..suffix` of `maxLen / 2 - 1` characters each. */
export function shorten(s: string, maxLen: number): string {
  const max = Math.max(MIN_LEN, Math.floor(maxLen));
  if (s.length <= max) return s;
  const n = Math.floor(max / 2) - 1;
  let head = n;
  let tail = s.length - n;
  // Never split a surrogate pair: the halves would be invalid UTF-16 in the log line.
  if (isLowSurrogate(s.charCodeAt(head))) head--;
  if (isLowSurrogate(s.charCodeAt(tail))) tail++;
  return `${s.slice(0, head)}..${s.slice(tail)}`;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Deepest nesting of a logged value that is still walked; deeper values are left as they are. */
const MAX_DEPTH = 8;

/** Every string in a parsed log record, shortened in place (objects and arrays walked up to MAX_DEPTH). */
export function shortenStrings(value: unknown, maxLen: number, depth = 0): unknown {
  if (typeof value === "string") return shorten(value, maxLen);
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = shortenStrings(value[i], maxLen, depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) obj[k] = shortenStrings(obj[k], maxLen, depth + 1);
  return obj;
}
