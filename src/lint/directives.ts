// `# tsalert-disable-next-line [id ...]` comments. A directive counts when it sits in the block of
// comment lines directly above the rule's first line or above its `expr:` key (no blank line between).

export interface Directives {
  /** A directive without ids: every check is off for the rule. */
  all: boolean;
  ids: Set<string>;
  /** Ids named in directives, with their 1-based line, to report unknown ones. */
  named?: { id: string; line: number; col: number }[];
}

const DIRECTIVE = /^#\s*tsalert-disable-next-line\b(.*)$/;

/** Ids of one comment line: null when it is no directive, [] for "all". */
export function parseDirective(comment: string): string[] | null {
  const m = DIRECTIVE.exec(comment.trim());
  if (!m) return null;
  // Anything after a second `#` or ` -- ` is a reason for humans.
  const ids = m[1].split(/\s--\s|#/)[0];
  return ids
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Directives in the comment blocks directly above each of the 1-based anchor lines. */
export function directivesAbove(lines: readonly string[], anchors: readonly number[]): Directives {
  const out: Directives = { all: false, ids: new Set(), named: [] };
  for (const anchor of new Set(anchors)) {
    for (let i = anchor - 2; i >= 0; i--) {
      const t = lines[i]?.trim() ?? "";
      if (!t.startsWith("#")) break;
      const ids = parseDirective(t);
      if (ids === null) continue;
      if (ids.length === 0) out.all = true;
      for (const id of ids) {
        out.ids.add(id);
        out.named?.push({ id, line: i + 1, col: (lines[i] ?? "").indexOf("#") + 1 });
      }
    }
  }
  return out;
}

export function isDisabled(d: Directives, id: string): boolean {
  return d.all || d.ids.has(id);
}
