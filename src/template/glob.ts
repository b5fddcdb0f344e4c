// Minimal file globbing for -rule.templates: *, ?, [...] within a path segment and ** across segments.
import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, sep } from "node:path";
import { compileGlobSegment } from "../goregexp.js";

const hasMagic = (s: string) => /[*?[]/.test(s);

/** Files matching pattern, sorted. */
export async function glob(pattern: string): Promise<string[]> {
  if (!hasMagic(pattern)) return (await isFile(pattern)) ? [pattern] : [];
  const parts = pattern.split(/[\\/]/).filter((p, i) => p !== "" || i === 0);
  const abs = isAbsolute(pattern);
  if (abs) parts.shift();
  const out = new Set<string>();
  await walk(abs ? sep : ".", parts, out);
  return [...out].sort();
}

async function walk(dir: string, parts: string[], out: Set<string>): Promise<void> {
  if (parts.length === 0) return;
  const [seg, ...rest] = parts;
  if (seg === "**") {
    if (rest.length) await walk(dir, rest, out);
    for (const e of await entries(dir)) if (e.isDirectory()) await walk(join(dir, e.name), parts, out);
    return;
  }
  if (!hasMagic(seg)) {
    const next = join(dir, seg);
    if (rest.length === 0) {
      if (await isFile(next)) out.add(next);
    } else await walk(next, rest, out);
    return;
  }
  const re = compileGlobSegment(seg, { bangNegates: true });
  if (!re) throw new Error(`syntax error in pattern "${seg}"`);
  for (const e of await entries(dir)) {
    if (!re.matchString(e.name) || (e.name.startsWith(".") && !seg.startsWith("."))) continue;
    const next = join(dir, e.name);
    if (rest.length === 0) {
      if (await isFile(next)) out.add(next);
    } else if (e.isDirectory()) await walk(next, rest, out);
  }
}

async function entries(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
