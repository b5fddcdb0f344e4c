// Cross-group order (README "The rule dependency graph"): a group whose rules read another group's output
// runs its iteration for evaluation time t once that group's iteration for t has written, or after
// waiting its interval at most. A producer that made a reader wait that long is not waited for again
// until it writes, so a stuck group never stops its readers' alerting.
import type { Clock } from "./clock.js";

interface Waiter {
  ids: readonly string[];
  ts: number;
  wake(): void;
}

export class WriteBarrier {
  /** Per group ID: the newest evaluation time whose iteration has finished writing. */
  private readonly written = new Map<string, number>();
  /** Per group ID: wall time its newest write was confirmed. */
  private readonly writtenAt = new Map<string, number>();
  private readonly late = new Set<string>();
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly clock: Clock) {}

  /** Group `id` has written its iteration for evaluation time `ts`, confirmed at wall time `at`. */
  markWritten(id: string, ts: number, at = 0): void {
    if ((this.written.get(id) ?? Number.NEGATIVE_INFINITY) < ts) this.written.set(id, ts);
    this.writtenAt.set(id, at);
    this.late.delete(id);
    for (const w of this.waiters) if (this.ready(w.ids, w.ts)) w.wake();
  }

  /** Wall time the newest of these groups' writes was confirmed (0: none yet). */
  lastWrite(ids: readonly string[]): number {
    let at = 0;
    for (const id of ids) at = Math.max(at, this.writtenAt.get(id) ?? 0);
    return at;
  }

  /** A group left the engine: nobody waits for it any more. */
  forget(id: string): void {
    this.written.delete(id);
    this.writtenAt.delete(id);
    this.late.delete(id);
    for (const w of this.waiters) if (this.ready(w.ids, w.ts)) w.wake();
  }

  private ready(ids: readonly string[], ts: number): boolean {
    return ids.every((id) => this.late.has(id) || (this.written.get(id) ?? Number.NEGATIVE_INFINITY) >= ts);
  }

  /**
   * Waits until every group in `ids` has written its iteration for `ts`, at most `maxMs`. Resolves with
   * the groups it stopped waiting for (empty when all wrote in time, or the signal ended the wait).
   */
  async waitFor(ids: readonly string[], ts: number, maxMs: number, signal: AbortSignal): Promise<string[]> {
    if (ids.length === 0 || this.ready(ids, ts)) return [];
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const done = () => {
        timer.cancel();
        signal.removeEventListener("abort", done);
        this.waiters.delete(w);
        resolve();
      };
      const w: Waiter = { ids, ts, wake: done };
      const timer = this.clock.setTimer(maxMs, () => {
        timedOut = true;
        done();
      });
      this.waiters.add(w);
      signal.addEventListener("abort", done, { once: true });
      if (signal.aborted) done();
    });
    if (!timedOut) return [];
    const missing = ids.filter((id) => !this.ready([id], ts));
    for (const id of missing) this.late.add(id);
    return missing;
  }
}
