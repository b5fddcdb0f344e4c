// The catalogue of errors a user can see. Every code is stable: docs and tests refer to it.
export const ErrorCodes = {
  TSA_FLAG: "bad command-line flag",
  TSA_CONFIG: "invalid rule file",
  TSA_EXPR: "invalid expression",
  TSA_TEMPLATE: "invalid template",
  TSA_TEMPLATE_EXEC: "template execution failed",
  TSA_DATASOURCE: "datasource query failed",
  TSA_REMOTEREAD: "state restore failed",
  TSA_HTTP: "bad HTTP request",
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class TsalertError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TsalertError";
    this.code = code;
  }
}

/** The message of a caught value: an Error's message, anything else as text (a throw may throw anything). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The longest error text kept where the API and the UI show it (rule history and `lastError`, notifier
 * `lastError`, the reload banner, template errors in annotations). A peer may answer with megabytes of
 * error body; what is kept per evaluation must stay small.
 */
export const MAX_KEPT_ERROR_BYTES = 4096;

/** `text` cut to MAX_KEPT_ERROR_BYTES of UTF-8, marked `... (N bytes cut)` when it was longer. */
export function keptErrorText(text: string, maxBytes = MAX_KEPT_ERROR_BYTES): string {
  // Up to 3 UTF-8 bytes per UTF-16 unit: short texts need no encoding.
  if (text.length * 3 <= maxBytes) return text;
  const total = Buffer.byteLength(text);
  if (total <= maxBytes) return text;
  const buf = Buffer.from(text.slice(0, maxBytes));
  let end = maxBytes;
  // Back up to the start of a character: never keep half of a multi-byte sequence.
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return `${buf.subarray(0, end).toString("utf8")}... (${total - end} bytes cut)`;
}
