// The process logger: pino, configured like vmalert's -logger* flags. Library code never creates a
// logger; it receives one.
//
// Pipeline: pino serializes each call to a JSON record (credentials redacted) → renderLine applies
// -loggerMaxArgLen, -loggerJSONFields and the format → writeLine writes the final text. Rate limits
// (-logger*PerSecondLimit) are decided before serialization, in pino's logMethod hook.
import { fileURLToPath } from "node:url";
import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from "pino";
import { TsalertError } from "./errors.js";
import { type LogFormat, parseJSONFields, renderLine } from "./log/line.js";
import { callSite, type LimitedLevel, LogRateLimiter, SUPPRESS_PREFIX } from "./log/ratelimit.js";
import { timestampFormat } from "./log/timestamp.js";
import { scrubSecrets } from "./net/redact.js";

export interface LoggerOptions {
  /** vmalert level name: INFO, WARN, ERROR, FATAL or PANIC. */
  level?: string;
  format?: string;
  /** "stderr", "stdout" or any stream with write(). */
  output?: string | { write(chunk: string): unknown };
  disableTimestamps?: boolean;
  /** -loggerTimezone: an IANA name, "UTC" (default) or "Local". */
  timezone?: string;
  /** -loggerJSONFields, e.g. "ts:timestamp,msg:message". */
  jsonFields?: string;
  /** -loggerMaxArgLen (default 5000): longer strings are logged as `start..end`. */
  maxArgLen?: number;
  /** -loggerErrorsPerSecondLimit / -loggerWarnsPerSecondLimit: per call site; 0 = no limit. */
  errorsPerSecondLimit?: number;
  warnsPerSecondLimit?: number;
  /** Clock of timestamps and rate limits (ms since the epoch); tests pass their own. */
  now?: () => number;
}

const LEVELS: Record<string, pino.Level> = {
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "fatal",
  PANIC: "fatal",
};

export const DEFAULT_MAX_ARG_LEN = 5000;

/** Paths pino masks in every log object, so credentials never reach a log line. */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "bearerToken",
  "*.bearerToken",
  "clientSecret",
  "*.clientSecret",
  "authKey",
  "*.authKey",
  "authorization",
  "*.authorization",
  "Authorization",
  "*.Authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
];

const PINO_DIR = "/node_modules/pino/";
const THIS_FILE = fileURLToPath(import.meta.url);

export function createLogger(opts: LoggerOptions = {}): Logger {
  const levelName = (opts.level ?? "INFO").toUpperCase();
  const level = LEVELS[levelName];
  if (!level) {
    throw new TsalertError(
      "TSA_FLAG",
      `invalid value "${opts.level}" for flag -loggerLevel: want INFO, WARN, ERROR, FATAL or PANIC`,
    );
  }
  const format = opts.format ?? "default";
  if (format !== "default" && format !== "json") {
    throw new TsalertError("TSA_FLAG", `invalid value "${format}" for flag -loggerFormat: want default or json`);
  }
  const maxArgLen = opts.maxArgLen ?? DEFAULT_MAX_ARG_LEN;
  const errorsLimit = nonNegative("loggerErrorsPerSecondLimit", opts.errorsPerSecondLimit);
  const warnsLimit = nonNegative("loggerWarnsPerSecondLimit", opts.warnsPerSecondLimit);
  const fields = parseJSONFields(opts.jsonFields);
  const stamp = timestampFormat(opts.timezone);
  const now = opts.now ?? Date.now;
  const out = resolveOutput(opts.output ?? "stderr");

  /** Every log line passes here, as the final text: the scrubber of src/net/redact.ts is its safety net. */
  const writeLine = (line: string): void => {
    out.write(scrubSecrets(line));
  };
  const lineOptions = { format: format as LogFormat, maxArgLen, fields };
  const dest: DestinationStream = { write: (json: string) => writeLine(renderLine(json, lineOptions)) };

  let root: Logger | undefined;
  let reporting = false;
  const limiter = new LogRateLimiter({ warn: warnsLimit, error: errorsLimit }, now, (lvl, text) => {
    reporting = true;
    try {
      root?.[lvl](text);
    } finally {
      reporting = false;
    }
  });
  const options: PinoOptions = {
    level,
    messageKey: "msg",
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: "secret" },
    timestamp: opts.disableTimestamps ? false : () => `,"ts":"${stamp(now())}"`,
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      logMethod(args, method, numLevel) {
        const lvl = limitedLevel(numLevel);
        if (lvl && !reporting && limiter.enabled(lvl)) {
          const verdict = limiter.check(
            lvl,
            callSite((f) => f.includes(PINO_DIR) || f.includes(THIS_FILE)),
          );
          if (verdict === "drop") return;
          if (verdict === "last") return method.apply(this, withPrefix(args, SUPPRESS_PREFIX(limitOf(lvl))));
        }
        return method.apply(this, args);
      },
    },
  };
  const limitOf = (lvl: LimitedLevel) => (lvl === "warn" ? warnsLimit : errorsLimit);
  root = pino(options, dest);
  return root;
}

function nonNegative(flag: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!Number.isInteger(v) || v < 0) {
    throw new TsalertError("TSA_FLAG", `invalid value "${v}" for flag -${flag}: want 0 (no limit) or more`);
  }
  return v;
}

/** pino's numeric levels of the rate-limited levels (vmalert limits WARN and ERROR only). */
function limitedLevel(n: number): LimitedLevel | undefined {
  return n === 40 ? "warn" : n === 50 ? "error" : undefined;
}

/** The log call's arguments with `prefix` in front of its message (pino takes `msg`, `obj, msg` or `err`). */
function withPrefix<T extends unknown[]>(args: T, prefix: string): T {
  const out = [...args] as T;
  if (typeof out[0] === "string") out[0] = prefix + out[0];
  else if (typeof out[1] === "string") out[1] = prefix + out[1];
  else {
    const err = out[0] instanceof Error ? out[0] : (out[0] as { err?: unknown } | undefined)?.err;
    out[1] = prefix + (err instanceof Error ? err.message : "");
  }
  return out;
}

function resolveOutput(output: NonNullable<LoggerOptions["output"]>): { write(s: string): unknown } {
  if (typeof output !== "string") return output;
  if (output === "stderr") return { write: (s: string) => process.stderr.write(s) };
  if (output === "stdout") return { write: (s: string) => process.stdout.write(s) };
  throw new TsalertError("TSA_FLAG", `invalid value "${output}" for flag -loggerOutput: want stderr or stdout`);
}
