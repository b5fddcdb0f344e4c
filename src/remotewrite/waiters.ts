// Flushes waiting for their rows: a flush waits until every row pushed before it is settled (sent or
// dropped), and, unless it asked to wait through an outage, only while the destination is up (see the
// up/down rule in ./writer.ts).
import type { SeriesStore } from "./store.js";

interface Waiter {
  target: number;
  whileDown: boolean;
  resolve: () => void;
}

export class SettleWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly store: SeriesStore,
    private readonly isUp: () => boolean,
  ) {}

  /** Releases the waiters whose rows are settled, and all but `whileDown` ones when the destination is down. */
  check(): void {
    const settled = this.store.settledSeq();
    const up = this.isUp();
    for (const w of this.waiters) {
      if (w.target <= settled || (!up && !w.whileDown)) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  /** Resolves once rows below `target` are settled (see check), or when `signal` aborts. */
  wait(target: number, whileDown: boolean, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.waiters.delete(w);
        resolve();
      };
      const w: Waiter = {
        target,
        whileDown,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.waiters.add(w);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.check();
    });
  }
}

/** `p`, or earlier when `signal` aborts (then `p` goes on in the background). */
export function raceAbort(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    p.then(done, done);
  });
}
