// The Go value model templates see. JS representation of each Go type:
//   string -> string, float64 -> number, int -> bigint, bool -> boolean, nil -> null,
//   []T -> array, map[string]string -> plain object, map[string]interface{} -> Map,
//   structs -> GoStruct, time.Time -> GoTime, time.Duration -> GoDuration.
// `undefined` is Go's invalid reflect.Value (prints "<no value>").

export type GoValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | GoValue[]
  | { [k: string]: string }
  | Map<string, GoValue>
  | GoStruct
  | GoTime
  | GoDuration;

export class GoStruct {
  constructor(
    readonly type: string,
    readonly fields: Record<string, GoValue>,
  ) {}
}

/** time.Time: Unix nanoseconds, UTC location. */
export class GoTime {
  constructor(readonly ns: bigint) {}
  static fromMs(ms: number): GoTime {
    return new GoTime(BigInt(Math.trunc(ms)) * 1_000_000n);
  }
}

/** Go's zero time.Time, 0001-01-01 00:00:00 UTC. */
export const ZERO_TIME = new GoTime(-62135596800n * 1_000_000_000n);

/** time.Duration in nanoseconds. */
export class GoDuration {
  constructor(readonly ns: bigint) {}
}

export function typeName(v: GoValue): string {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return "float64";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
    case "undefined":
      return "<nil>";
  }
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return v.length && v[0] instanceof GoStruct ? `[]${v[0].type}` : "[]interface {}";
  if (v instanceof Map) return "map[string]interface {}";
  if (v instanceof GoStruct) return v.type;
  if (v instanceof GoTime) return "time.Time";
  if (v instanceof GoDuration) return "time.Duration";
  return "map[string]string";
}

/** Go's template truth: zero values are false, structs are true. */
export function truth(v: GoValue): boolean {
  switch (typeof v) {
    case "string":
      return v !== "";
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
    case "boolean":
      return v;
    case "undefined":
      return false;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof GoStruct || v instanceof GoTime) return true;
  if (v instanceof GoDuration) return v.ns !== 0n;
  for (const _ in v) return true;
  return false;
}

export function isPlainMap(v: GoValue): v is { [k: string]: string } {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof GoStruct) &&
    !(v instanceof GoTime) &&
    !(v instanceof GoDuration)
  );
}
