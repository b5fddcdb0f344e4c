// Where the engine runs. V8 fixes an isolate's young generation when the isolate is made, so the process
// tsalert starts in keeps V8's default (semi-spaces growing to 16 MiB each) whatever it does later. A
// worker thread's isolate is made by tsalert, with the limit in `youngGenerationMiB`: serving rules runs
// there, and this thread only forwards signals and the exit code. One-shot commands (lint, unittest,
// replay, -dryRun, -help, -version) run here, where their output goes straight to the terminal. This file
// imports nothing heavy: whatever it loaded would stay in this thread's heap. README, Memory, has the
// measurements.
import { Worker } from "node:worker_threads";
import { crashText, exitOnCrash } from "./crash.js";
import { parseFlags } from "./flagset.js";
import { tuneHeap, youngGenerationMiB } from "./heap.js";
import type { SignalMessage } from "./start.js";

/** The signals `run` handles; this thread has Node's default for none of them while the worker runs. */
const FORWARDED: readonly NodeJS.Signals[] = ["SIGHUP", "SIGTERM", "SIGINT"];

/**
 * Whether argv asks for the long-running engine rather than a one-shot command. A guess from the flag
 * names only (a full parse would load the modules this file keeps out); a wrong guess changes only the
 * thread the same `main` runs in.
 */
export function servesRules(argv: readonly string[]): boolean {
  const first = argv[0];
  if (first === "lint" || first === "unittest" || first === "replay") return false;
  return !argv.some((a) => /^--?(help|version|dryRun|replay\.timeFrom)(=|$)/.test(a));
}

/** Starts tsalert with argv (the command line after the script): in a worker thread when serving rules. */
export async function launch(argv: string[]): Promise<void> {
  tuneHeap();
  if (!servesRules(argv)) {
    const { start } = await import("./start.js");
    start(argv);
    return;
  }
  // A crash of this thread is printed like the engine's, so the scrubber here must know the command
  // line's credentials too (parseFlags registers them); a bad command line is the engine's to report.
  try {
    parseFlags(argv);
  } catch {}
  exitOnCrash();
  const young = youngGenerationMiB();
  const worker = new Worker(new URL("./start.js", import.meta.url), {
    workerData: { argv },
    ...(young === undefined ? {} : { resourceLimits: { maxYoungGenerationSizeMb: young } }),
  });
  for (const signal of FORWARDED) {
    process.on(signal, () => worker.postMessage({ signal } satisfies SignalMessage));
  }
  // The worker's own handlers print its crashes; what reaches here (a thread that cannot start, or runs
  // out of heap) is printed the same scrubbed way.
  worker.on("error", (err) => {
    process.stderr.write(`fatal: engine thread: ${crashText(err)}\n`);
  });
  worker.on("exit", (code) => process.exit(code));
}
