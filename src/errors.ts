// The catalogue of errors a user can see. Every code is stable: docs and tests refer to it.
export const ErrorCodes = {
  TSA_FLAG: "bad command-line flag",
  TSA_CONFIG: "invalid rule file",
  TSA_EXPR: "invalid expression",
  TSA_TEMPLATE: "invalid template",
  TSA_TEMPLATE_EXEC: "template execution failed",
  TSA_DATASOURCE: "datasource query failed",
  TSA_NOTIFIER: "notifier request failed",
  TSA_REMOTEWRITE: "remote write failed",
  TSA_REMOTEREAD: "state restore failed",
  TSA_RULE: "rule evaluation failed",
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
