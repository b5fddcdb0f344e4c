// Go `flag`-style parsing of the command line into a FlagSet with typed getters.

import { substituteEnv } from "../config/envsubst.js";
import { errorMessage, TsalertError } from "../errors.js";
import { parseHeaderList, parseHeaders } from "../net/headers.js";
import { redactURL, registerHeaderSecrets, registerSecret, registerURLSecrets } from "../net/redact.js";
import { splitArrayValue } from "./arrayvalue.js";
import { FLAGS, FLAGS_BY_NAME, type FlagDef, type FlagType } from "./flags.js";
import { formatGoDuration, parseGoDuration } from "./goduration.js";

type Scalar = string | number | boolean;

interface FlagState {
  def: FlagDef;
  /** Typed value for scalar flags. */
  value: Scalar;
  /** Typed items for array flags (empty = not given). */
  items: Scalar[];
  /** Raw texts as given, for display. */
  raw: string[];
  set: boolean;
  source?: "arg" | "env";
}

const ARRAY_ITEM_TYPE: Partial<Record<FlagType, FlagType>> = {
  array: "string",
  arrayDuration: "duration",
  arrayBool: "bool",
  arrayInt: "int",
  arraySize: "size",
};

export function isArrayFlag(def: FlagDef): boolean {
  return ARRAY_ITEM_TYPE[def.type] !== undefined;
}

function isBoolFlag(def: FlagDef): boolean {
  return def.type === "bool" || def.type === "arrayBool";
}

/** Parses one scalar flag value; null when it is not valid for the type. */
export function parseScalar(type: FlagType, text: string): Scalar | null {
  switch (type) {
    case "string":
      return text;
    case "bool":
      return parseGoBool(text);
    case "int":
      return parseGoInt(text);
    case "float": {
      if (text.trim() === "") return null;
      const n = Number(text);
      return Number.isNaN(n) && text !== "NaN" ? null : n;
    }
    case "duration":
      return parseGoDuration(text);
    case "size":
      return parseSize(text);
    default:
      return null;
  }
}

function parseGoBool(text: string): boolean | null {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return null;
}

function parseGoInt(text: string): number | null {
  const t = text.replaceAll("_", "");
  if (/^[+-]?\d+$/.test(t)) return Number.parseInt(t, 10);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  return null;
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text);
  if (!m) return null;
  const unit = SIZE_UNITS[m[2].toUpperCase()];
  return unit === undefined ? null : Math.round(Number(m[1]) * unit);
}

function describeValue(def: FlagDef, v: Scalar): string {
  if (def.type === "duration" || def.type === "arrayDuration") return formatGoDuration(v as number);
  return String(v);
}

function typeError(name: string, asked: string, def: FlagDef): never {
  throw new Error(`flag -${name} is ${def.type}, not ${asked}`);
}

export class FlagSet {
  readonly #states = new Map<string, FlagState>();

  constructor() {
    for (const def of FLAGS) {
      const state: FlagState = { def, value: "", items: [], raw: [], set: false };
      if (isArrayFlag(def)) {
        state.items = def.default === "" ? [] : this.#parseItems(def, def.default);
      } else {
        const v = parseScalar(def.type, def.default === "" && def.type !== "string" ? "0" : def.default);
        if (v === null) throw new Error(`flag table: bad default ${JSON.stringify(def.default)} of -${def.name}`);
        state.value = def.type === "bool" && def.default === "" ? false : v;
      }
      this.#states.set(def.name, state);
    }
  }

  #state(name: string): FlagState {
    const s = this.#states.get(name);
    if (!s) throw new Error(`flag -${name} is not declared in src/cli/flags.ts`);
    return s;
  }

  #parseItems(def: FlagDef, text: string): Scalar[] {
    const itemType = ARRAY_ITEM_TYPE[def.type]!;
    return splitArrayValue(text).map((item) => {
      const v = parseScalar(itemType, item);
      if (v === null) throw badValue(def.name, item, itemType);
      return v;
    });
  }

  /** Sets a flag from text as the command line would; repeated array flags append. */
  set(name: string, text: string, source: "arg" | "env" = "arg"): void {
    const def = FLAGS_BY_NAME.get(name);
    if (!def) throw new TsalertError("TSA_FLAG", `flag provided but not defined: -${name}`);
    const s = this.#state(name);
    if (isArrayFlag(def)) {
      const items = this.#parseItems(def, text);
      if (!s.set) {
        s.items = [];
        s.raw = [];
      }
      s.items.push(...items);
      s.raw.push(text);
    } else {
      const v = parseScalar(def.type, text);
      if (v === null) throw badValue(name, text, def.type);
      s.value = v;
      s.raw = [text];
    }
    s.set = true;
    s.source = source;
  }

  isSet(name: string): boolean {
    return this.#state(name).set;
  }

  string(name: string): string {
    const s = this.#state(name);
    if (s.def.type !== "string") typeError(name, "string", s.def);
    return s.value as string;
  }

  bool(name: string): boolean {
    const s = this.#state(name);
    if (s.def.type !== "bool") typeError(name, "bool", s.def);
    return s.value as boolean;
  }

  int(name: string): number {
    const s = this.#state(name);
    if (s.def.type !== "int" && s.def.type !== "size") typeError(name, "int", s.def);
    return s.value as number;
  }

  float(name: string): number {
    const s = this.#state(name);
    if (s.def.type !== "float" && s.def.type !== "int") typeError(name, "float", s.def);
    return s.value as number;
  }

  /** Milliseconds. */
  duration(name: string): number {
    const s = this.#state(name);
    if (s.def.type !== "duration") typeError(name, "duration", s.def);
    return s.value as number;
  }

  /** Items of an array flag as given, or its default when not given. */
  list(name: string): string[] {
    const s = this.#state(name);
    if (s.def.type !== "array") typeError(name, "array", s.def);
    return s.items as string[];
  }

  /** Milliseconds per item. */
  durationList(name: string): number[] {
    const s = this.#state(name);
    if (s.def.type !== "arrayDuration") typeError(name, "arrayDuration", s.def);
    return s.items as number[];
  }

  boolList(name: string): boolean[] {
    const s = this.#state(name);
    if (s.def.type !== "arrayBool") typeError(name, "arrayBool", s.def);
    return s.items as boolean[];
  }

  /** Number of items of an array flag (given, or its default). */
  itemCount(name: string): number {
    const s = this.#state(name);
    if (!isArrayFlag(s.def)) typeError(name, "array", s.def);
    return s.items.length;
  }

  /** The texts an array flag was given, as given (one per occurrence, not split at commas). */
  texts(name: string): string[] {
    const s = this.#state(name);
    if (!isArrayFlag(s.def)) typeError(name, "array", s.def);
    return s.set ? [...s.raw] : [];
  }

  /**
   * Item i of a per-URL array flag (e.g. -notifier.sendTimeout for -notifier.url i): a single item
   * applies to every URL, a missing one falls back to the flag default.
   */
  itemAt(name: string, i: number): Scalar | undefined {
    const s = this.#state(name);
    if (!isArrayFlag(s.def)) typeError(name, "array", s.def);
    if (s.items.length === 1) return s.items[0];
    if (i < s.items.length) return s.items[i];
    if (s.def.default === "") return undefined;
    return this.#parseItems(s.def, s.def.default)[0];
  }

  /**
   * Flag names whose values /flags never shows, as newest vmalert: every name containing pass, key,
   * secret or token (case-insensitive), every header flag, and the names listed in -secret.flags.
   */
  secretNames(): Set<string> {
    const names = new Set(FLAGS.filter((d) => d.secret || isSecretFlagName(d.name)).map((d) => d.name));
    for (const n of this.list("secret.flags")) names.add(n.replace(/^-+/, ""));
    return names;
  }

  /** Whether URL values of this flag are shown as given (`-<prefix>.url` with `-<prefix>.showURL`). */
  #showsURL(name: string): boolean {
    const show = name.endsWith(".url") ? `${name.slice(0, -".url".length)}.showURL` : "";
    return show !== "" && FLAGS_BY_NAME.get(show)?.type === "bool" && this.bool(show);
  }

  /** Every flag with its current value as text, secrets replaced, for a /flags page or startup log. */
  redactedFlags(): { name: string; value: string; isSet: boolean }[] {
    const secrets = this.secretNames();
    return FLAGS.map((def) => {
      const s = this.#state(def.name);
      const show = this.#showsURL(def.name);
      // URL values (-datasource.url, -rule=http://..., ...) may carry credentials in userinfo or the query.
      const shown = (v: Scalar) => redactURL(describeValue(def, v), show);
      let value = isArrayFlag(def) ? s.items.map(shown).join(",") : shown(s.value);
      if (secrets.has(def.name) && value !== "") value = "secret";
      return { name: def.name, value, isSet: s.set };
    });
  }

  /**
   * Registers with the scrubber (src/net/redact.ts) every credential the command line carries, before
   * anything is logged: values of credential flags and of flags named by -secret.flags, header values of
   * header flags, and userinfo and credential-like query values of every URL (unless its -*.showURL).
   * `file://` values are registered when the file is read.
   */
  registerSecrets(): void {
    const listed = new Set(this.list("secret.flags").map((n) => n.replace(/^-+/, "")));
    for (const def of FLAGS) {
      const s = this.#state(def.name);
      if (!s.set) continue;
      // An array flag's texts count whole too: with one -remoteWrite.url a text is one value, commas and all.
      const values = (isArrayFlag(def) ? [...s.items, ...s.raw] : [s.value]).filter(
        (v): v is string => typeof v === "string",
      );
      for (const v of values) {
        if ((def.secret || listed.has(def.name)) && !v.startsWith("file://")) registerSecret(v, { pinned: true });
        if (isHeadersFlag(def.name)) registerHeaderSecrets(flagHeaders(def.name, v), { pinned: true });
        if (v.includes("://") && !this.#showsURL(def.name)) registerURLSecrets(v, { pinned: true });
      }
    }
  }
}

/** newest vmalert's lib/flagutil rule for secret flag names. */
function isSecretFlagName(name: string): boolean {
  return /pass|key|secret|token/.test(name.toLowerCase()) || isHeadersFlag(name);
}

/** `-datasource.headers`, `-notifier.headers`, ..., `-pushmetrics.header`: values may be credentials. */
function isHeadersFlag(name: string): boolean {
  return name.endsWith(".headers") || name.endsWith(".header");
}

/** Header values of one header flag item; a malformed item is reported later by the flag's user. */
function flagHeaders(name: string, value: string): Record<string, string> {
  try {
    return name.endsWith(".header") ? parseHeaderList([value]) : parseHeaders(value, name);
  } catch {
    return {};
  }
}

function badValue(name: string, text: string, type: FlagType): TsalertError {
  const expect: Partial<Record<FlagType, string>> = {
    bool: "want true or false",
    int: "want an integer",
    float: "want a number",
    duration: "want a Go duration such as 30s, 1m30s or 1.5h (no d, w or y)",
    size: "want a size such as 512MB or 1GiB",
  };
  return new TsalertError(
    "TSA_FLAG",
    `invalid value ${JSON.stringify(text)} for flag -${name}: ${expect[type] ?? "parse error"}`,
  );
}

export interface ParsedArgs {
  flags: FlagSet;
  /** Arguments after the first non-flag argument (Go's flag.Args()). */
  args: string[];
}

/**
 * Parses argv with Go flag syntax. `%{ENV}` placeholders are replaced first; with -envflag.enable,
 * unset flags are then read from `<prefix><name with . as _>`. The credentials found are registered with
 * the scrubber (FlagSet.registerSecrets).
 */
export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedArgs {
  const flags = new FlagSet();
  const args = argv.map((a) => substituteEnv(a, env));
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    if (arg.length < 2 || arg[0] !== "-") break;
    if (arg === "--") {
      i++;
      break;
    }
    const body = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    if (body === "" || body[0] === "-" || body[0] === "=") {
      throw new TsalertError("TSA_FLAG", `bad flag syntax: ${arg}`);
    }
    i++;
    const eq = body.indexOf("=");
    let name = eq >= 0 ? body.slice(0, eq) : body;
    if (name === "h") name = "help";
    const def = FLAGS_BY_NAME.get(name);
    if (!def) throw new TsalertError("TSA_FLAG", `flag provided but not defined: -${name}`);
    if (def.unsupported) throw new TsalertError("TSA_FLAG", `flag -${name} is not supported: ${def.unsupported}`);
    if (eq >= 0) {
      flags.set(name, body.slice(eq + 1));
    } else if (isBoolFlag(def)) {
      flags.set(name, "true");
    } else {
      if (i >= args.length) throw new TsalertError("TSA_FLAG", `flag needs an argument: -${name}`);
      flags.set(name, args[i]);
      i++;
    }
  }
  if (flags.bool("envflag.enable")) readEnvFlags(flags, env);
  // Before anything can print (every command parses here): the command line's credentials are known.
  flags.registerSecrets();
  return { flags, args: args.slice(i) };
}

function readEnvFlags(flags: FlagSet, env: NodeJS.ProcessEnv): void {
  const prefix = flags.string("envflag.prefix");
  for (const def of FLAGS) {
    if (flags.isSet(def.name)) continue;
    const key = prefix + def.name.replaceAll(".", "_");
    const text = env[key];
    if (text === undefined) continue;
    if (def.unsupported) {
      throw new TsalertError(
        "TSA_FLAG",
        `environment variable ${key}: flag -${def.name} is not supported: ${def.unsupported}`,
      );
    }
    try {
      flags.set(def.name, substituteEnv(text, env), "env");
    } catch (err) {
      const msg = errorMessage(err);
      throw new TsalertError("TSA_FLAG", `environment variable ${key}: ${msg}`);
    }
  }
}
