import { TsalertError } from "../errors.js";

/** The only error `parse` throws. Positions are relative to the expression text. */
export class MetricsqlSyntaxError extends TsalertError {
  /** 1-based */
  readonly line: number;
  /** 1-based, in characters */
  readonly col: number;
  /** 0-based character offset */
  readonly offset: number;
  /** The message without position, e.g. `expected ")" but found "by"`. */
  readonly reason: string;

  constructor(reason: string, text: string, offset: number) {
    const at = Math.max(0, Math.min(offset, text.length));
    const { line, col } = lineCol(text, at);
    super("TSA_EXPR", reason);
    this.name = "MetricsqlSyntaxError";
    this.line = line;
    this.col = col;
    this.offset = at;
    this.reason = reason;
  }
}

export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}
