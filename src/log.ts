// The process logger: pino, configured like vmalert's -logger* flags. Library code never creates a
// logger; it receives one.
import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from "pino";
import { TsalertError } from "./errors.js";
import { scrubSecrets } from "./net/redact.js";

export interface LoggerOptions {
  /** vmalert level name: INFO, WARN, ERROR, FATAL or PANIC. */
  level?: string;
  format?: string;
  /** "stderr", "stdout" or any stream with write(). */
  output?: string | { write(chunk: string): unknown };
  disableTimestamps?: boolean;
}

const LEVELS: Record<string, pino.Level> = {
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "fatal",
  PANIC: "fatal",
};

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
  const out = scrubbed(resolveOutput(opts.output ?? "stderr"));
  const options: PinoOptions = {
    level,
    messageKey: "msg",
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: "secret" },
    timestamp: opts.disableTimestamps ? false : () => `,"ts":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
  const dest: DestinationStream = format === "json" ? out : tabSeparated(out);
  return pino(options, dest);
}

/** The safety net: every line, as finally written, passes the scrubber of src/net/redact.ts. */
function scrubbed(dest: DestinationStream): DestinationStream {
  return { write: (line: string) => dest.write(scrubSecrets(line)) };
}

function resolveOutput(output: NonNullable<LoggerOptions["output"]>): DestinationStream {
  if (typeof output !== "string") return output as DestinationStream;
  if (output === "stderr") return { write: (s: string) => process.stderr.write(s) };
  if (output === "stdout") return { write: (s: string) => process.stdout.write(s) };
  throw new TsalertError("TSA_FLAG", `invalid value "${output}" for flag -loggerOutput: want stderr or stdout`);
}

const FIXED_KEYS = new Set(["ts", "level", "msg", "component", "caller"]);

/** vmalert's default format: `ts<TAB>level<TAB>caller<TAB>msg`, extra fields appended as key=value. */
function tabSeparated(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const caller = String(obj.caller ?? obj.component ?? "tsalert");
      const extras = Object.entries(obj)
        .filter(([k]) => !FIXED_KEYS.has(k))
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
      const msg = [String(obj.msg ?? ""), ...extras].join(" ");
      const parts = obj.ts === undefined ? [] : [String(obj.ts)];
      parts.push(String(obj.level), caller, msg);
      out.write(`${parts.join("\t")}\n`);
    },
  };
}
