// Long loops of one rule (rendering the templates of thousands of alerts, building thousands of alerts or
// series) give the event loop back every few milliseconds, so other groups' timers and queries and the
// HTTP server keep their schedule while one rule works through a large or hostile result.

/** Work between two yields, ms: short enough for a 1 s group and /health to keep time, long enough that
 * a rule with tens of thousands of alerts yields only a few hundred times per evaluation. */
export const YIELD_AFTER_MS = 5;

export class Yielder {
  private since = performance.now();

  /**
   * A promise to await when YIELD_AFTER_MS of work has passed since the last yield, null otherwise, so
   * the common case costs one clock read and no await.
   */
  due(): Promise<void> | null {
    if (performance.now() - this.since < YIELD_AFTER_MS) return null;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.since = performance.now();
    });
  }
}
