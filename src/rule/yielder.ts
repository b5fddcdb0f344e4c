// Long loops of one rule (rendering the templates of thousands of alerts, building thousands of alerts or
// series) give the event loop back every few milliseconds, so other groups' timers and queries and the
// HTTP server keep their schedule while one rule works through a large or hostile result.

/**
 * Work between two yields, ms: short enough for a 1 s group and /health to keep time, long enough that a
 * rule with tens of thousands of alerts yields only a few hundred times per evaluation.
 */
export const YIELD_AFTER_MS = 5;

/** How many cheap items (an alert built, a series made, microseconds each) go between two clock reads. */
export const CHEAP_STRIDE = 32;

/**
 * After an expensive step (an alert whose templates ran out of time) a rule rests this many times as long
 * as the step took, at most MAX_REST_MS, instead of yielding for one turn of the loop: an HTTP answer or a
 * query result may need several turns, each would otherwise wait for another expensive step, and a
 * process that keeps a core busy is the last one the kernel wakes when a request arrives on a loaded
 * machine. A hostile rule so uses at most a fifth of a core.
 */
export const REST_FACTOR = 4;
export const MAX_REST_MS = 100;

export class Yielder {
  private since = performance.now();
  private calls = 0;
  /** performance.now() as of the last reading: a caller that needs the time too can use it. */
  now = this.since;

  /**
   * A promise to await when YIELD_AFTER_MS of work has passed since the last yield, null otherwise, so
   * the common case costs at most one clock read and no await. `stride` > 1 reads the clock only every
   * stride-th call, for loops whose items are uniformly cheap.
   */
  due(stride = 1): Promise<void> | null {
    if (stride > 1 && ++this.calls < stride) return null;
    this.calls = 0;
    this.now = performance.now();
    if (this.now - this.since < YIELD_AFTER_MS) return null;
    return this.after(new Promise<void>((resolve) => setImmediate(resolve)));
  }

  /** Rests after a step that held the loop for `blockedMs` (see REST_FACTOR). */
  rest(blockedMs: number): Promise<void> {
    const ms = Math.min(REST_FACTOR * blockedMs, MAX_REST_MS);
    return this.after(new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }

  private after(p: Promise<void>): Promise<void> {
    return p.then(() => {
      this.since = performance.now();
      this.now = this.since;
    });
  }
}
