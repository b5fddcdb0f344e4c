// V8 sizes its heap for throughput: after each full GC it lets the old generation grow up to four times
// what is live, so a process that allocates steadily and keeps little (a rule engine parsing query answers
// every few seconds) sits at two to three times its live heap. A fixed growing factor of 1.5 keeps it
// closer for little CPU (`--optimize-for-size` saves a little more memory for twice the CPU). It is set
// from inside the process because users start tsalert with vmalert's command line only
// (`tsalert -rule=...`, `node bin/tsalert.js -rule=...`); V8 reads the flag whenever it sizes the heap, so
// setting it before the first rule loads is early enough. README, Memory, has the measurements.
import v8 from "node:v8";

export const HEAP_FLAG = "--heap-growing-percent=50";

/**
 * Sets HEAP_FLAG unless the node command line or NODE_OPTIONS already says something about it (a user who
 * passes `--heap-growing-percent=0` keeps V8's default). Returns whether it was set.
 */
export function tuneHeap(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS,
): boolean {
  const mentioned = (s: string) => /heap[-_]growing[-_]percent/.test(s);
  if (execArgv.some(mentioned) || mentioned(nodeOptions ?? "")) return false;
  v8.setFlagsFromString(HEAP_FLAG);
  return true;
}
