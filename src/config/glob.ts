// Local -rule patterns: Go filepath.Match syntax per path segment (* ? [...] with ^ negation and \
// escapes) plus ** for any number of directories. Results are sorted, like Go's filepath.Glob.
import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileGlobSegment } from "../goregexp.js";

export function hasGlobMeta(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function isDir(path: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(path, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir === "" ? "." : dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch {
    return [];
  }
}

/** Expands a glob; throws on a malformed pattern. Paths keep the pattern's form (relative stays relative). */
export function expandGlob(pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s, i) => s !== "" || i === 0);
  if (absolute) segments.shift();
  const out: string[] = [];
  const seen = new Set<string>();
  const matchers = segments.map((s) => {
    if (s === "**" || !hasGlobMeta(s)) return s;
    const re = compileGlobSegment(s);
    if (!re) throw new Error(`syntax error in pattern ${JSON.stringify(pattern)}`);
    return re;
  });

  const walk = (base: string, idx: number): void => {
    if (idx === matchers.length) {
      if (!seen.has(base)) {
        seen.add(base);
        out.push(base);
      }
      return;
    }
    const m = matchers[idx];
    const last = idx === matchers.length - 1;
    const joinPath = (name: string) => (base === "" ? (absolute ? `/${name}` : name) : `${base}/${name}`);
    if (m === "**") {
      walk(base, idx + 1);
      for (const e of listDir(base === "" && absolute ? "/" : base)) {
        // Symlinked directories are not followed by ** so a link loop cannot recurse forever.
        if (e.isDirectory()) walk(joinPath(e.name), idx);
      }
      return;
    }
    if (typeof m === "string") {
      const next = joinPath(m);
      if (last) walk(next, idx + 1);
      else {
        try {
          if (statSync(next).isDirectory()) walk(next, idx + 1);
        } catch {
          // a missing directory simply matches nothing
        }
      }
      return;
    }
    const dir = base === "" ? (absolute ? "/" : "") : base;
    for (const e of listDir(dir)) {
      if (!m.matchString(e.name)) continue;
      if (last) walk(joinPath(e.name), idx + 1);
      else if (isDir(dir === "" ? "." : dir, e)) walk(joinPath(e.name), idx + 1);
    }
  };
  walk("", 0);
  // With ** the last literal segment is joined without checking it exists; keep only real entries.
  return out.filter((p) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}
