// Go's YAML decoder (used by vmalert) accepts a quoted value whose continuation lines are indented no
// deeper than its key; the yaml package does not. Real rule files (VictoriaMetrics' own alerts among
// them) rely on it, so such lines are re-indented and the text parsed again. Line numbers stay.

const QUOTED_VALUE = /^(\s*(?:-\s+)*)[^\s#'"-][^#]*?:\s+(["'])(.*)$/;

/** Index just after the closing quote in text, or -1 when the quote stays open. */
function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === "\\") i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return -1;
}

/** The text with under-indented quoted continuations re-indented, or null when nothing changed. */
export function reindentQuotedContinuations(source: string): { text: string; lines: number[] } | null {
  const lines = source.split("\n");
  const changed: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = QUOTED_VALUE.exec(lines[i]);
    if (!m || closingQuote(m[3], m[2]) >= 0) continue;
    const keyIndent = m[1].length;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j];
      const lead = line.length - line.trimStart().length;
      if (line.trim() !== "" && lead <= keyIndent) {
        lines[j] = " ".repeat(keyIndent + 2 - lead) + line;
        changed.push(j + 1);
      }
      if (closingQuote(line, m[2]) >= 0) break;
    }
    i = j;
  }
  return changed.length ? { text: lines.join("\n"), lines: changed } : null;
}
