// -state.path: alert state in a local JSON file, for restarts without -remoteRead.url. Saves are atomic
// (temp file in the same directory, fsync, rename, fsync of the directory) so a crash leaves either the
// old or the new snapshot, never half of one. A file that cannot be read back is reported and ignored:
// losing alert state must never keep the process from starting.
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "pino";
import { errorMessage, TsalertError } from "../errors.js";
import type { AlertSnapshot, StateFile, StateSnapshot } from "./types.js";

const STATES = new Set(["pending", "firing", "inactive"]);
const NUMBER_FIELDS = ["value", "activeAt", "start", "resolvedAt", "keepFiringSince", "lastSent", "end"] as const;

function isStringRecord(v: unknown): v is Record<string, string> {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string")
  );
}

function checkAlert(a: unknown, where: string): string | null {
  if (typeof a !== "object" || a === null) return `${where}: not an object`;
  const o = a as Record<string, unknown>;
  if (!isStringRecord(o.labels)) return `${where}: labels must be a string map`;
  if (!isStringRecord(o.annotations)) return `${where}: annotations must be a string map`;
  if (typeof o.state !== "string" || !STATES.has(o.state)) return `${where}: bad state ${JSON.stringify(o.state)}`;
  for (const f of NUMBER_FIELDS) {
    // JSON has no NaN: a NaN alert value is saved as null.
    if (f === "value" && o[f] === null) continue;
    if (typeof o[f] !== "number") return `${where}: ${f} must be a number`;
  }
  return null;
}

/** Returns the reason the parsed JSON is not a snapshot, or null. */
export function checkSnapshot(v: unknown): string | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const o = v as Record<string, unknown>;
  if (o.version !== 1) return `unsupported version ${JSON.stringify(o.version)}`;
  if (typeof o.savedAt !== "number") return "savedAt must be a number";
  if (typeof o.rules !== "object" || o.rules === null || Array.isArray(o.rules)) return "rules must be an object";
  for (const [key, alerts] of Object.entries(o.rules)) {
    if (!Array.isArray(alerts)) return `rules["${key}"] must be an array`;
    for (let i = 0; i < alerts.length; i++) {
      const problem = checkAlert(alerts[i], `rules["${key}"][${i}]`);
      if (problem) return problem;
    }
  }
  return null;
}

function revive(s: StateSnapshot): StateSnapshot {
  for (const alerts of Object.values(s.rules)) {
    for (const a of alerts as (AlertSnapshot & { value: number | null })[]) if (a.value === null) a.value = Number.NaN;
  }
  return s;
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    // Some filesystems cannot fsync a directory; the rename is still atomic there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM") throw err;
  } finally {
    await fh?.close();
  }
}

export function createStateFile(path: string, logger: Logger): StateFile {
  const log = logger.child({ component: "state", path });
  let chain: Promise<void> = Promise.resolve();

  async function write(snapshot: StateSnapshot): Promise<void> {
    const dir = dirname(path);
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const data = JSON.stringify(snapshot);
    try {
      const fh = await open(tmp, "wx", 0o600);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      await fsyncDir(dir);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw new TsalertError("TSA_REMOTEREAD", `state file "${path}": cannot save: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        log.error(`state file "${path}" cannot be read, starting without saved alert state: ${String(err)}`);
        return null;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        log.error(`state file "${path}" is corrupt, ignoring it: ${errorMessage(err)}`);
        return null;
      }
      const problem = checkSnapshot(parsed);
      if (problem) {
        log.error(`state file "${path}" is corrupt, ignoring it: ${problem}`);
        return null;
      }
      return revive(parsed as StateSnapshot);
    },
    save(snapshot) {
      // Saves run one after another so the file ends with the newest snapshot.
      const next = chain.then(() => write(snapshot));
      chain = next.catch(() => {});
      return next;
    },
  };
}
