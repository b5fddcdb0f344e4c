// Query parameters as vmalert reads them: `x[]` and `x` both accepted for list filters.
import { TsalertError } from "../errors.js";

export class BadRequest extends TsalertError {
  readonly status: number;
  constructor(message: string, status = 400) {
    super("TSA_HTTP", message);
    this.status = status;
  }
}

export function list(q: URLSearchParams, name: string): string[] {
  return [...q.getAll(`${name}[]`), ...q.getAll(name)].filter((v) => v !== "");
}

export function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === "") return false;
  const l = v.toLowerCase();
  if (l === "true" || l === "1" || l === "t") return true;
  if (l === "false" || l === "0" || l === "f") return false;
  throw new BadRequest(`invalid value ${JSON.stringify(v)} for parameter ${JSON.stringify(name)}: want true or false`);
}

export function positiveInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v))
    throw new BadRequest(`invalid value ${JSON.stringify(v)} for parameter ${JSON.stringify(name)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new BadRequest(`parameter ${JSON.stringify(name)} must be a positive integer; got ${v}`);
  return n;
}

/** IDs are decimal uint64 strings. */
export function id(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (v === null || v === "") throw new BadRequest(`missing parameter ${JSON.stringify(name)}`);
  if (!/^\d{1,20}$/.test(v)) throw new BadRequest(`invalid ${name} ${JSON.stringify(v)}: want a decimal number`);
  return v;
}
