// V8 sizes its heap for throughput: after each full GC it lets the old generation grow well past what is
// live, so a process that allocates steadily and keeps little (a rule engine parsing query answers every
// few seconds) sits at two to three times its live heap. `--optimize-for-size` makes V8 grow the heap in
// smaller steps and collect sooner. It is set from inside the process because users start tsalert with
// vmalert's command line only (`tsalert -rule=...`, `node bin/tsalert.js -rule=...`); V8 reads the flag
// whenever it sizes the heap, so setting it before the first rule loads is early enough. README, Speed
// and memory, says what it costs and saves.
import v8 from "node:v8";

export const HEAP_FLAG = "--optimize-for-size";

/**
 * Sets HEAP_FLAG unless the node command line or NODE_OPTIONS already says something about it (a user who
 * passes `--no-optimize-for-size` keeps V8's default). Returns whether it was set.
 */
export function tuneHeap(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS,
): boolean {
  const mentioned = (s: string) => s.includes("optimize-for-size") || s.includes("optimize_for_size");
  if (execArgv.some(mentioned) || mentioned(nodeOptions ?? "")) return false;
  v8.setFlagsFromString(HEAP_FLAG);
  return true;
}
