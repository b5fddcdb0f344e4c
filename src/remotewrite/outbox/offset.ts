// The read offset: everything before it has been delivered (or dropped and counted). Saved after
// sends succeed (temp file, rename), read at start. Not fsynced: after a power loss an older offset
// may come back, which resends what was already delivered (at-least-once: duplicates, never a loss).
// One temp name: the directory lock keeps other writers out.

import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../../errors.js";

const FILE = "reader.json";

/** The saved offset, or null when there is none or it cannot be read (`problem` says why). */
export async function readOffset(dir: string): Promise<{ offset: number | null; problem?: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { offset: null };
    return { offset: null, problem: errorMessage(err) };
  }
  try {
    const v = (JSON.parse(text) as { offset?: unknown }).offset;
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return { offset: v };
  } catch {
    // reported below
  }
  return { offset: null, problem: `${join(dir, FILE)} does not hold an offset` };
}

export async function saveOffset(dir: string, offset: number): Promise<void> {
  const tmp = join(dir, `.${FILE}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify({ offset })}\n`, { mode: 0o600 });
    await rename(tmp, join(dir, FILE));
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
