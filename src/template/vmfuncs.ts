// vmalert's template functions (app/vmalert/templates), newest signatures: humanize* accept numbers
// and numeric strings; query results are []templates.metric {Labels, Timestamp, Value}.

import { isIP } from "node:net";
import type { Metric } from "../datasource/types.js";
import { errorMessage } from "../errors.js";
import { compileGoRegexp, MAX_REGEXP_INPUT, OutputTooLongError } from "../goregexp.js";
import { METRIC_TYPE } from "./builtins.js";
import { FuncError } from "./errors.js";
import { type FuncDef, pathEscape, queryEscape } from "./functypes.js";
import { formatTime } from "./goformat.js";
import {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  parseDurationSeconds,
  parseDurationTime,
  toFloat64,
  toTime,
  unixToTime,
} from "./humanize.js";
import { MAX_OUTPUT, OUTPUT_LIMIT_MESSAGE } from "./limits.js";
import { GoStruct, type GoValue } from "./values.js";

export function metricValue(m: Metric): GoStruct {
  return new GoStruct(METRIC_TYPE, {
    Labels: m.labels,
    Timestamp: BigInt(Math.trunc(m.timestamp)),
    Value: m.value,
  });
}

/** A metric's label value, "" when absent (own keys only: "constructor" is a label name like any other). */
function labelOf(m: GoValue, name: string): string {
  const labels = (m as GoStruct).fields.Labels as Record<string, string>;
  return Object.hasOwn(labels, name) ? labels[name] : "";
}

/** net.SplitHostPort; null on error. */
function splitHostPort(hp: string): [string, string] | null {
  if (hp.startsWith("[")) {
    const end = hp.indexOf("]");
    if (end < 0 || hp[end + 1] !== ":") return null;
    const port = hp.slice(end + 2);
    if (port.includes(":")) return null;
    return [hp.slice(1, end), port];
  }
  const i = hp.lastIndexOf(":");
  if (i < 0) return null;
  const host = hp.slice(0, i);
  if (host.includes(":") || host.includes("[") || host.includes("]")) return null;
  return [host, hp.slice(i + 1)];
}

function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function stripDomain(hp: string): string {
  const sp = splitHostPort(hp);
  const host = sp ? sp[0] : hp;
  const port = sp ? sp[1] : "";
  if (isIP(host) !== 0) return hp;
  const first = host.split(".")[0];
  return port !== "" ? joinHostPort(first, port) : first;
}

/** strings.Title: upper-cases letters that start words (after separators). */
function title(s: string): string {
  let out = "";
  let prev = " ";
  for (const ch of s) {
    out += isSeparator(prev) ? toUpperRune(ch) : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) {
    if (/[0-9a-zA-Z_]/.test(ch)) return false;
    return true;
  }
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

function toUpperRune(ch: string): string {
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}

function toLowerRune(ch: string): string {
  const u = ch.toLowerCase();
  return [...u].length === 1 ? u : ch;
}

function mapRunes(s: string, f: (c: string) => string, ascii: (s: string) => string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return ascii(s);
  let out = "";
  for (const ch of s) out += f(ch);
  return out;
}

/** quicktemplate's JSON string escaping (vmalert's quotesEscape/jsonEscape). */
function jsonString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "<") out += "\\u003c";
    else if (ch === "'") out += "\\u0027";
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

function htmlEscapeQt(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}

const num = (f: (v: number) => GoValue) => (args: GoValue[]) => f(toFloat64(args[0]));
const str = (f: (v: string) => GoValue) => (args: GoValue[]) => f(args[0] as string);

export const VMFUNCS: Record<string, FuncDef> = {
  title: { params: ["string"], fn: str(title) },
  toUpper: { params: ["string"], fn: str((s) => mapRunes(s, toUpperRune, (a) => a.toUpperCase())) },
  toLower: { params: ["string"], fn: str((s) => mapRunes(s, toLowerRune, (a) => a.toLowerCase())) },
  crlfEscape: { params: ["string"], fn: str((s) => s.replace(/\n/g, "\\n").replace(/\r/g, "\\r")) },
  quotesEscape: { params: ["string"], fn: str(jsonString) },
  jsonEscape: { params: ["string"], fn: str((s) => `"${jsonString(s)}"`) },
  htmlEscape: { params: ["string"], fn: str(htmlEscapeQt) },
  stripPort: { params: ["string"], fn: str((s) => splitHostPort(s)?.[0] ?? s) },
  stripDomain: { params: ["string"], fn: str(stripDomain) },
  // regexp.MatchString and regexp.MustCompile(re).ReplaceAllString, as vmalert defines them. The pattern
  // is compiled as one given at run time: a template may build it from label values.
  match: {
    params: ["string", "string"],
    fn: ([re, s]) => {
      const r = regexpCall(() => compileGoRegexp(re as string, { runtime: true }));
      return r.matchString(limitInput(s as string));
    },
  },
  reReplaceAll: {
    params: ["string", "string", "string"],
    fn: ([re, repl, s]) => {
      const r = regexpCall(
        () => compileGoRegexp(re as string, { runtime: true }),
        `regexp: Compile(${goQuoteRe(re as string)}): `,
      );
      return regexpCall(() => r.replaceAllString(limitInput(s as string), repl as string, MAX_OUTPUT));
    },
  },
  parseDuration: { params: ["string"], fn: str(parseDurationSeconds) },
  parseDurationTime: { params: ["string"], fn: str(parseDurationTime) },
  humanize: { params: ["any"], fn: num(humanize) },
  humanize1024: { params: ["any"], fn: num(humanize1024) },
  humanizeDuration: { params: ["any"], fn: num(humanizeDuration) },
  humanizePercentage: { params: ["any"], fn: num(humanizePercentage) },
  humanizeTimestamp: { params: ["any"], fn: num(humanizeTimestamp) },
  toTime: { params: ["any"], fn: num(toTime) },
  formatTime: {
    params: ["string", "any"],
    fn: ([layout, ts]) => formatTime(unixToTime(toFloat64(ts)), layout as string),
  },
  // Whole seconds, as vmalert's float64(time.Now().Unix()).
  now: { params: [], fn: () => Math.floor(Date.now() / 1000) },
  externalURL: { params: [], fn: (_a, ctx) => ctx.externalURL },
  pathPrefix: {
    params: [],
    fn: (_a, ctx) => {
      try {
        return new URL(ctx.externalURL).pathname.replace(/^\/$/, ctx.externalURL.endsWith("/") ? "/" : "");
      } catch {
        return "";
      }
    },
  },
  pathEscape: { params: ["string"], fn: str(pathEscape) },
  queryEscape: { params: ["string"], fn: str(queryEscape) },
  query: { params: ["string"], fn: ([q], ctx) => ctx.query(q as string).map(metricValue) },
  first: {
    params: ["metrics"],
    fn: ([ms]) => {
      const a = ms as GoValue[];
      if (a.length === 0) throw new FuncError("first() called on vector with no elements");
      return a[0];
    },
  },
  label: {
    params: ["string", "metric"],
    fn: ([name, m]) => labelOf(m, name as string),
  },
  value: { params: ["metric"], fn: ([m]) => (m as GoStruct).fields.Value },
  strvalue: {
    params: ["metric"],
    fn: ([m]) => labelOf(m, "__name__"),
  },
  sortByLabel: {
    params: ["string", "metrics"],
    fn: ([name, ms]) => {
      const key = (m: GoValue) => labelOf(m, name as string);
      // Array.prototype.sort is stable, as sort.SliceStable.
      return (ms as GoValue[]).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    },
  },
  args: {
    params: [],
    variadic: "any",
    fn: (a) => new Map(a.map((v, i) => [`arg${i}`, v] as [string, GoValue])),
  },
  safeHtml: { params: ["string"], fn: str((s) => s) },
};

/** Go's regexp quote(): backquoted when possible. */
function goQuoteRe(s: string): string {
  return s.includes("`") || /[\x00-\x1f\x7f]/.test(s) ? JSON.stringify(s) : `\`${s}\``;
}

function limitInput(s: string): string {
  if (s.length > MAX_REGEXP_INPUT)
    throw new FuncError(`regexp input of ${s.length} characters exceeds the limit of ${MAX_REGEXP_INPUT}`);
  return s;
}

function regexpCall<T>(f: () => T, prefix = ""): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof FuncError) throw err;
    if (err instanceof OutputTooLongError) throw new FuncError(OUTPUT_LIMIT_MESSAGE);
    throw new FuncError(prefix + errorMessage(err));
  }
}

export { queryEscape };
