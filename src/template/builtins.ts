// Go text/template's predefined functions (funcs.go) with their error texts. `and`/`or` are
// evaluated lazily by the executor.
import { FuncError } from "./errors.js";
import { type FuncDef, queryEscape } from "./functypes.js";
import { sprint, sprintf, sprintln } from "./goformat.js";
import { GoDuration, GoStruct, GoTime, type GoValue, isPlainMap, truth, typeName } from "./values.js";

type Kind = "bool" | "int" | "float" | "string" | "invalid" | "other";

function basicKind(v: GoValue): Kind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
    case "undefined":
      return "invalid";
  }
  if (v === null) return "invalid";
  if (v instanceof GoDuration) return "int";
  return "other";
}

const BAD_CMP = "incompatible types for comparison";
const BAD_CMP_TYPE = "invalid type for comparison";

function scalar(v: GoValue): GoValue {
  return v instanceof GoDuration ? v.ns : v;
}

function eq(arg1: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new FuncError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg1 !== null && arg !== undefined && arg !== null) throw new FuncError(BAD_CMP);
    } else if (k1 === "other") {
      if (Array.isArray(arg1) || isPlainMap(arg1) || arg1 instanceof Map) {
        throw new FuncError(`non-comparable type ${sprint([arg1])}: ${typeName(arg1)}`);
      }
      if (typeName(arg1) !== typeName(arg)) throw new FuncError(BAD_CMP);
      if (arg1 instanceof GoTime && arg instanceof GoTime) t = arg1.ns === arg.ns;
      else t = arg1 === arg;
    } else if (k1 === "invalid") {
      t = true;
    } else {
      t = scalar(arg1) === scalar(arg);
    }
    if (t) return true;
  }
  return false;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === "invalid" || k1 === "other") throw new FuncError(BAD_CMP_TYPE);
  const k2 = basicKind(b);
  if (k2 === "invalid" || k2 === "other") throw new FuncError(BAD_CMP_TYPE);
  if (k1 !== k2) throw new FuncError(BAD_CMP);
  if (k1 === "bool") throw new FuncError(BAD_CMP_TYPE);
  return (scalar(a) as number | bigint | string) < (scalar(b) as number | bigint | string);
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function goLen(v: GoValue): bigint {
  if (typeof v === "string") return BigInt(byteLen(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  if (isPlainMap(v)) return BigInt(Object.keys(v).length);
  if (v === null || v === undefined) throw new FuncError("len of nil pointer");
  throw new FuncError(`len of type ${typeName(v)}`);
}

function indexArg(i: GoValue, cap: number): number {
  if (i === undefined || i === null) throw new FuncError("cannot index slice/array with nil");
  if (typeof i !== "bigint") throw new FuncError(`cannot index slice/array with type ${typeName(i)}`);
  if (i < 0n || i > BigInt(cap)) throw new FuncError(`index out of range: ${i}`);
  return Number(i);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError("index of untyped nil");
  for (const ix of indexes) {
    if (item === undefined || item === null) throw new FuncError("index of nil pointer");
    if (typeof item === "string" || Array.isArray(item)) {
      const bytes: Buffer | null = typeof item === "string" ? Buffer.from(item, "utf8") : null;
      const len: number = bytes ? bytes.length : (item as GoValue[]).length;
      const x = indexArg(ix, len);
      if (x === len) throw new FuncError(`index out of range: ${x}`);
      item = bytes ? BigInt(bytes[x]) : (item as GoValue[])[x];
    } else if (item instanceof Map || isPlainMap(item)) {
      if (typeof ix !== "string") {
        throw new FuncError(
          ix === undefined || ix === null
            ? "value is nil; should be of type string"
            : `value has type ${typeName(ix)}; should be string`,
        );
      }
      if (item instanceof Map) item = item.get(ix);
      else item = Object.hasOwn(item, ix) ? item[ix] : "";
    } else {
      throw new FuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError("slice of untyped nil");
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new FuncError("cannot 3-index slice a string");
    len = byteLen(item);
  } else if (Array.isArray(item)) len = item.length;
  else throw new FuncError(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len];
  for (let i = 0; i < indexes.length; i++) {
    idx[i] = indexArg(indexes[i], len);
    if (i > 0 && idx[i] < idx[i - 1]) throw new FuncError(`invalid slice index: ${idx[i - 1]} > ${idx[i]}`);
  }
  if (typeof item === "string") return Buffer.from(item, "utf8").subarray(idx[0], idx[1]).toString("utf8");
  return item.slice(idx[0], idx[1]);
}

function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args);
}

export function htmlEscapeGo(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === "\0"
      ? "\uFFFD"
      : c === '"'
        ? "&#34;"
        : c === "'"
          ? "&#39;"
          : c === "&"
            ? "&amp;"
            : c === "<"
              ? "&lt;"
              : "&gt;",
  );
}

function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case "\\":
        out += "\\\\";
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case "<":
        out += "\\u003C";
        continue;
      case ">":
        out += "\\u003E";
        continue;
      case "&":
        out += "\\u0026";
        continue;
      case "=":
        out += "\\u003D";
        continue;
    }
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

const any = "any" as const;

export const BUILTINS: Record<string, FuncDef> = {
  and: { params: [any], variadic: any, fn: () => undefined },
  or: { params: [any], variadic: any, fn: () => undefined },
  not: { params: [any], fn: ([a]) => !truth(a) },
  len: { params: [any], fn: ([a]) => goLen(a) },
  index: { params: [any], variadic: any, fn: ([a, ...r]) => index(a, ...r) },
  slice: { params: [any], variadic: any, fn: ([a, ...r]) => slice(a, ...r) },
  print: { params: [], variadic: any, fn: (a) => sprint(a) },
  printf: { params: ["string"], variadic: any, fn: ([f, ...r]) => sprintf(f as string, r) },
  println: { params: [], variadic: any, fn: (a) => sprintln(a) },
  eq: { params: [any], variadic: any, fn: ([a, ...r]) => eq(a, ...r) },
  ne: { params: [any, any], fn: ([a, b]) => !eq(a, b) },
  lt: { params: [any, any], fn: ([a, b]) => lt(a, b) },
  le: { params: [any, any], fn: ([a, b]) => lt(a, b) || eq(a, b) },
  gt: { params: [any, any], fn: ([a, b]) => !(lt(a, b) || eq(a, b)) },
  ge: { params: [any, any], fn: ([a, b]) => !lt(a, b) },
  html: { params: [], variadic: any, fn: (a) => htmlEscapeGo(evalArgs(a)) },
  js: { params: [], variadic: any, fn: (a) => jsEscape(evalArgs(a)) },
  urlquery: { params: [], variadic: any, fn: (a) => queryEscape(evalArgs(a)) },
  call: {
    params: [any],
    variadic: any,
    fn: ([f]) => {
      if (f === undefined || f === null) throw new FuncError("call of nil");
      throw new FuncError(`non-function of type ${typeName(f)}`);
    },
  },
};

/** Used by `GoStruct` printing of query results in tests. */
export const METRIC_TYPE = "templates.metric";
export function isMetric(v: GoValue): v is GoStruct {
  return v instanceof GoStruct && v.type === METRIC_TYPE;
}
