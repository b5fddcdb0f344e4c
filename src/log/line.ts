// Turns one pino record (a JSON line) into the text written to the log: vmalert's tab-separated
// default format or JSON, with -loggerMaxArgLen and -loggerJSONFields applied.
import { TsalertError } from "../errors.js";
import { shortenStrings } from "./shorten.js";

export type LogFormat = "default" | "json";

/** The fields -loggerJSONFields can rename, as vmalert: ts, level, caller, msg. */
export type FieldNames = Record<"ts" | "level" | "caller" | "msg", string>;

export const DEFAULT_FIELDS: FieldNames = { ts: "ts", level: "level", caller: "caller", msg: "msg" };

/** `-loggerJSONFields=ts:timestamp,msg:message`; an unknown field or a missing `:` is a flag error. */
export function parseJSONFields(spec: string | undefined): FieldNames {
  const out = { ...DEFAULT_FIELDS };
  if (!spec) return out;
  for (const raw of spec.split(",")) {
    const item = raw.trim();
    const parts = item.split(":");
    const bad = (why: string) =>
      new TsalertError("TSA_FLAG", `invalid value ${JSON.stringify(spec)} for flag -loggerJSONFields: ${why}`);
    if (parts.length !== 2 || parts[1] === "") throw bad(`want name:newName, got ${JSON.stringify(item)}`);
    const [name, to] = parts;
    if (!(name in out)) throw bad(`unknown field ${JSON.stringify(name)}; want ts, level, caller or msg`);
    out[name as keyof FieldNames] = to;
  }
  return out;
}

export interface LineOptions {
  format: LogFormat;
  /** -loggerMaxArgLen */
  maxArgLen: number;
  fields: FieldNames;
}

/** Keys of the record that are columns in the default format, not `key=value` extras. */
const COLUMNS = new Set(["ts", "level", "msg", "component", "caller"]);

/**
 * The record as one line of text (newline-terminated). pino's `component` binding is the caller column
 * (tsalert has no call-site callers); in JSON it is `component` unless `caller` is renamed.
 */
export function renderLine(json: string, o: LineOptions): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return o.format === "json" ? json : `${escapeControl(json.replace(/\n$/, ""))}\n`;
  }
  shortenStrings(rec, o.maxArgLen);
  return o.format === "json" ? jsonLine(rec, o.fields) : tabLine(rec);
}

function jsonLine(rec: Record<string, unknown>, f: FieldNames): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    const renamed =
      k === "ts"
        ? f.ts
        : k === "level"
          ? f.level
          : k === "msg"
            ? f.msg
            : k === "component" && f.caller !== "caller"
              ? f.caller
              : k;
    out[renamed] = v;
  }
  return `${JSON.stringify(out)}\n`;
}

/** vmalert's default format: `ts<TAB>level<TAB>caller<TAB>msg`, extra fields appended as key=value. */
function tabLine(rec: Record<string, unknown>): string {
  const caller = String(rec.caller ?? rec.component ?? "tsalert");
  const extras: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (COLUMNS.has(k)) continue;
    extras.push(`${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  const msg = [String(rec.msg ?? ""), ...extras].join(" ");
  const parts = rec.ts === undefined ? [] : [String(rec.ts)];
  parts.push(String(rec.level), caller, msg);
  return `${parts.map(escapeControl).join("\t")}\n`;
}

// C0 and C1 controls, DEL and the Unicode line separators: anything that could end or fake a line, or a
// column (tab), in a line-oriented log.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Control characters as escapes (`\n`, `\t`, `\u001b`), so one log call stays one line. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
