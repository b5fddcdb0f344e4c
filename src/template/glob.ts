// Minimal file globbing for -rule.templates: *, ?, [...] within a path segment and ** across segments.
import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, sep } from "node:path";

function segmentRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 1);
      if (end < 0) throw new Error(`syntax error in pattern "${seg}"`);
      re += `[${seg
        .slice(i + 1, end)
        .replace(/^!/, "^")
        .replace(/\\/g, "\\\\")}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

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
  const re = segmentRegExp(seg);
  for (const e of await entries(dir)) {
    if (!re.test(e.name) || (e.name.startsWith(".") && !seg.startsWith("."))) continue;
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
