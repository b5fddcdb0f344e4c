// Restarting the tsalert of a drill stack: the same flags on the same port, so the stack's helpers
// (alerts(), metrics(), ...) keep working against the new process.
import { readFile } from "node:fs/promises";
import { startTsalert, type TsalertProcess } from "../../helpers/tsalert.js";
import type { Stack } from "./stack.js";

/** The flags a running tsalert was started with, read back from /proc (node and the script dropped). */
export async function runningArgs(proc: TsalertProcess): Promise<string[]> {
  const raw = await readFile(`/proc/${proc.proc.pid}/cmdline`, "utf8");
  const argv = raw.split("\0").filter((a) => a !== "");
  const script = argv.findIndex((a) => a.endsWith("tsalert.js"));
  return argv.slice(script + 1);
}

/**
 * Kills the stack's tsalert with SIGKILL (unless already dead) and starts a new one with the same flags and
 * port. The new process replaces `stack.tsalert`; `stack.stop()` does not know it, so the caller stops it.
 */
export async function killAndRestart(stack: Stack, args?: string[]): Promise<TsalertProcess> {
  const flags = args ?? (await runningArgs(stack.tsalert));
  await stack.tsalert.kill();
  const next = await startTsalert({ args: flags, port: stack.tsalert.port });
  stack.tsalert = next;
  return next;
}
