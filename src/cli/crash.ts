// A crash (a bug: an uncaught exception or an unhandled rejection) prints the error, its stack and causes,
// scrubbed of every credential the thread has registered (README, Security), and ends the process. Kept
// apart from main.ts so that the launcher thread (./launch.ts) has the same handlers without loading the
// engine.
import { scrubSecrets } from "../net/redact.js";

/** What a crash prints: the error, its stack and causes, scrubbed of every credential registered so far. */
export function crashText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== undefined; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return scrubSecrets(parts.join("\ncaused by: "));
}

/** Prints `fatal: <crashText>` and exits with code. */
export function crash(code: number): (err: unknown) => never {
  return (err) => {
    process.stderr.write(`fatal: ${crashText(err)}\n`);
    process.exit(code);
  };
}

/** Makes this thread's uncaught exceptions and unhandled rejections crashes (exit code 1). */
export function exitOnCrash(): void {
  process.on("uncaughtException", crash(1));
  process.on("unhandledRejection", crash(1));
}
