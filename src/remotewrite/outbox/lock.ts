// One process per outbox directory: two writers appending to the same segments would interleave
// records and each resend the other's. The lock file holds the owner's pid; a lock whose process is
// gone (a kill -9) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Directories locked by this process (a pid check cannot tell two writers of one process apart). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Locks `dir` (which must exist); returns the release function. Throws when another process holds it. */
export function lockDir(dir: string): () => void {
  const path = join(dir, "lock");
  if (held.has(path)) throw new Error(`${dir} is already used by another destination of this process`);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      let pid = Number.NaN;
      try {
        pid = Number(readFileSync(path, "utf8").trim());
      } catch {
        // Unreadable or vanished: treated as stale.
      }
      // Our own pid is a lock left by an earlier process that had it (containers restart as pid 1).
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`${dir} is in use by process ${pid} (lock file ${path})`);
      }
      try {
        unlinkSync(path);
      } catch {
        // Removed meanwhile: the next attempt creates it.
      }
    }
  }
  held.add(path);
  return () => {
    if (!held.delete(path)) return;
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
}
