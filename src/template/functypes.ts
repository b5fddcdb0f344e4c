// Function signatures the executor checks arguments against (Go's reflect-based call rules).
import type { Metric } from "../datasource/types.js";
import type { GoValue } from "./values.js";

/** Go parameter types a template function can declare. */
export type Param = "any" | "string" | "float64" | "int" | "bool" | "metric" | "metrics";

export interface FuncContext {
  externalURL: string;
  /** Synchronous view of the query cache; throws NeedQuery when the result is not fetched yet. */
  query(expr: string): Metric[];
}

export interface FuncDef {
  params: Param[];
  variadic?: Param;
  fn(args: GoValue[], ctx: FuncContext): GoValue;
}

/** Go's parameter type names for "wrong type for value; expected X". */
export const PARAM_TYPE: Record<Param, string> = {
  any: "interface {}",
  string: "string",
  float64: "float64",
  int: "int",
  bool: "bool",
  metric: "templates.metric",
  metrics: "[]templates.metric",
};

function percentEncode(s: string, keep: RegExp, spacePlus: boolean): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && keep.test(c)) out += c;
    else if (spacePlus && c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  if (/^[A-Za-z0-9\-_.~]*$/.test(s)) return s;
  return percentEncode(s, /[A-Za-z0-9\-_.~]/, true);
}

/** url.PathEscape. */
export function pathEscape(s: string): string {
  if (/^[A-Za-z0-9\-_.~$&+:=@]*$/.test(s)) return s;
  return percentEncode(s, /[A-Za-z0-9\-_.~$&+:=@]/, false);
}
