// V8's heap sizing, chosen for a process that allocates steadily and keeps little (a rule engine parsing
// query answers every few seconds). Users start tsalert with vmalert's command line only (`tsalert
// -rule=...`, `node bin/tsalert.js -rule=...`), so the settings are made from inside the process, and a
// node command line or NODE_OPTIONS that names the same V8 setting wins. README, Memory, has the
// measurements.
//
// - WebAssembly: see WASM_FLAG.
// - The old generation: after each full GC V8 lets it grow up to four times what is live, so the process
//   sits at two to three times its live heap. A fixed growing factor of 1.5 keeps it closer for little
//   CPU (`--optimize-for-size` saves a little more for twice the CPU). V8 reads the flag whenever it
//   sizes the heap, so setting it before the first rule loads is early enough.
// - The young generation: V8 grows each semi-space to 16 MiB when objects survive scavenges, 32 MiB
//   touched for objects that mostly die young; 8 MiB semi-spaces save 14 MiB at W2 for about a fifth
//   more CPU. Its size is fixed when an isolate is made, so it applies to the engine's worker thread
//   (./launch.ts).
import v8 from "node:v8";

export const HEAP_FLAG = "--heap-growing-percent=50";

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it with Liftoff and, soon after
 * the first requests, again with TurboFan in the background: 35 MB of compiler memory for a moment, at
 * start, where it sets the peak RSS of a small engine. Liftoff's code parses as fast for tsalert's
 * answers (3,000 answers of 200 kB: the same CPU).
 */
export const WASM_FLAG = "--liftoff-only";

/**
 * The engine thread's young generation, MiB: V8 makes it three semi-spaces' worth (8 MiB each). Half that
 * saved another 7 MiB at W2 for 40% more CPU.
 */
export const YOUNG_GENERATION_MIB = 24;

function mentions(pattern: RegExp, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((a) => pattern.test(a)) || pattern.test(nodeOptions ?? "");
}

/**
 * Sets HEAP_FLAG and WASM_FLAG, each unless the node command line or NODE_OPTIONS already says something
 * about what it sets (a user who passes `--heap-growing-percent=0` keeps V8's default). Returns the flags
 * it set.
 */
export function tuneHeap(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS,
): string[] {
  const set: string[] = [];
  for (const [flag, topic] of [
    [HEAP_FLAG, /heap[-_]growing[-_]percent/],
    [WASM_FLAG, /liftoff|wasm/],
  ] as const) {
    if (mentions(topic, execArgv, nodeOptions)) continue;
    v8.setFlagsFromString(flag);
    set.push(flag);
  }
  return set;
}

/**
 * The young generation limit for the engine's thread, or undefined when the node command line or
 * NODE_OPTIONS sizes it (`--max-semi-space-size`, `--min-semi-space-size`, `--semi-space-growth-factor`):
 * V8's flags would win over the limit anyway, and the user's choice is the one to keep.
 */
export function youngGenerationMiB(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS,
): number | undefined {
  return mentions(/semi[-_]space/, execArgv, nodeOptions) ? undefined : YOUNG_GENERATION_MIB;
}
