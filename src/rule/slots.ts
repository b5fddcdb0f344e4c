// A counting semaphore: at most `size` holders at a time, waiters served first come, first served.
// Groups take one per rule evaluation from their own and from the process-wide one
// (-rule.maxConcurrency / group `concurrency`, -rule.maxConcurrentEvals).

export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** Resolves once a slot is held; the caller must release() it exactly once. */
  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter: `used` stays the same.
    if (next) next();
    else this.used--;
  }

  /** Holders now (metrics, tests). */
  get inUse(): number {
    return this.used;
  }
}
