// Long loops of one rule (rendering the templates of thousands of alerts, building thousands of alerts or
// series) give the event loop back every few milliseconds, so other groups' timers and queries and the
// HTTP server keep their schedule while one rule works through a large or hostile result.

/**
 * Work between two yields, ms: short enough for a 1 s group and /health to keep time, long enough that a
 * rule with tens of thousands of alerts yields only a few hundred times per evaluation.
 */
export const YIELD_AFTER_MS = 5;

/**
 * A block at least this long was one expensive step (a template running into -rule.templateTimeout), not
 * the sum of many cheap ones. After it the rule pauses for twice as long as it blocked (at most
 * MAX_PAUSE_MS) instead of for one turn of the loop: an HTTP answer or a query result may need several
 * turns, each would otherwise wait for another expensive step, and a process that keeps a core busy is
 * the last one the kernel wakes when a request arrives on a loaded machine.
 */
export const LONG_BLOCK_MS = 20;
export const PAUSE_FACTOR = 4;
export const MAX_PAUSE_MS = 100;

export class Yielder {
  private since = performance.now();

  /**
   * A promise to await when YIELD_AFTER_MS of work has passed since the last yield, null otherwise, so
   * the common case costs one clock read and no await.
   */
  due(): Promise<void> | null {
    const blocked = performance.now() - this.since;
    if (blocked < YIELD_AFTER_MS) return null;
    const pause = blocked >= LONG_BLOCK_MS ? Math.min(PAUSE_FACTOR * blocked, MAX_PAUSE_MS) : 0;
    return new Promise<void>((resolve) => {
      if (pause > 0) setTimeout(resolve, pause);
      else setImmediate(resolve);
    }).then(() => {
      this.since = performance.now();
    });
  }
}
