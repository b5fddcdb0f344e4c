// Structural validation with the JSON schema shipped as rules.schema.json (the same file editors use).
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Path } from "./locate.js";

export interface SchemaProblem {
  path: Path;
  /** Point at the key (unknown fields) or at the value. */
  which: "key" | "value";
  message: string;
}

let validator: ValidateFunction | undefined;

export function schemaUrl(): URL {
  // src/config/schema.ts and dist/config/schema.js both sit two levels below the package root.
  return new URL("../../rules.schema.json", import.meta.url);
}

function getValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(schemaUrl(), "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(schema);
  }
  return validator;
}

function parsePointer(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
};

/** Where the parent of a path is: the file, a group, or a rule. */
function owner(path: Path): string {
  const i = path.lastIndexOf("rules");
  if (i >= 0 && i === path.length - 2) return "rule";
  if (path.length >= 2 && path[path.length - 2] === "groups") return "group";
  if (path[path.length - 1] === "spec") return "spec";
  return "config";
}

function toProblem(err: ErrorObject, data: unknown): SchemaProblem | null {
  const path = parsePointer(err.instancePath);
  const field = path.length ? String(path[path.length - 1]) : "document";
  const value = valueAt(data, path);
  switch (err.keyword) {
    case "if":
      return null;
    case "additionalProperties": {
      const key = String((err.params as { additionalProperty: string }).additionalProperty);
      return { path: [...path, key], which: "key", message: `unknown field "${key}" in ${owner(path)}` };
    }
    case "required": {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      if (missing === "name") return { path, which: "value", message: "group name must be set" };
      if (missing === "expr") return { path, which: "value", message: "expression can't be empty" };
      return { path, which: "value", message: `missing required field "${missing}"` };
    }
    case "type": {
      const want = String((err.params as { type: string | string[] }).type)
        .split(",")
        .filter((t) => t !== "null")
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(" or ");
      return { path, which: "value", message: `"${field}" must be ${want}, got ${kindOf(value)}` };
    }
    case "enum": {
      const allowed = (err.params as { allowedValues: unknown[] }).allowedValues.map(String);
      if (field === "type") {
        return {
          path,
          which: "value",
          message: `unknown datasource type ${JSON.stringify(value)}: want ${allowed.join(", ")}`,
        };
      }
      return { path, which: "value", message: `"${field}" must be one of ${allowed.join(", ")}, got ${kindOf(value)}` };
    }
    case "minimum":
      return { path, which: "value", message: `invalid ${field} ${String(value)}: must not be negative` };
    default:
      return { path, which: "value", message: `"${field}" ${err.message ?? "is invalid"}` };
  }
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

export function schemaProblems(data: unknown): SchemaProblem[] {
  const validate = getValidator();
  if (validate(data)) return [];
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const p = toProblem(err, data);
    if (!p) continue;
    const key = `${p.path.join("/")}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
