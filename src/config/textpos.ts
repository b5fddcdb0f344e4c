// Maps a position inside a scalar's value (an expression, a template) back to the file, including
// block scalars (| and >) whose text is indented and folded in the file.
import { isScalar, type Node } from "yaml";

function valueIndex(value: string, line: number, col: number): number {
  const lines = value.split("\n");
  let idx = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) idx += lines[i].length + 1;
  const inLine = lines[Math.min(line - 1, lines.length - 1)] ?? "";
  return idx + Math.min(Math.max(col - 1, 0), inLine.length);
}

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t";
}

/** File offset of the character at (line, col) (1-based) of the scalar's value. */
export function scalarOffset(node: Node, source: string, line: number, col: number): number | null {
  if (!isScalar(node) || !node.range) return null;
  const value = typeof node.value === "string" ? node.value : (node.source ?? String(node.value));
  const [start, end] = node.range;
  let j = start;
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
    const nl = source.indexOf("\n", start);
    j = nl < 0 ? end : nl + 1;
  } else if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") {
    j = start + 1;
  }
  const target = valueIndex(value, line, col);
  let i = 0;
  // Walk value and source side by side; where they differ, skip layout whitespace on either side.
  while (i < target && j < end) {
    if (value[i] === source[j]) {
      i++;
      j++;
    } else if (isSpace(source[j])) j++;
    else if (isSpace(value[i])) i++;
    else {
      i++;
      j++;
    }
  }
  while (j < end && isSpace(source[j]) && !isSpace(value[i])) j++;
  return Math.min(j, Math.max(end - 1, start));
}
