// Time for the engine: a real clock, and a fake one tests drive by hand.

export type TimerHandle = { cancel(): void };

export interface Clock {
  /** Unix ms: the wall clock, which an operator or NTP may step back or forth. */
  now(): number;
  /** ms on a clock that never steps (only differences mean something): what schedules are kept on. */
  monotonic(): number;
  /** Runs fn after ms of monotonic time (never before). */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/** Resolves after ms on the given clock; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told; pending promise work runs between timers. Timers run on its
 * monotonic time; `jump` steps only the wall clock, as an operator or NTP would.
 */
export class FakeClock implements Clock {
  private t = 0;
  private wallOffset: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start = Date.UTC(2026, 7, 20, 8, 0, 0)) {
    this.wallOffset = start;
  }

  now(): number {
    return this.t + this.wallOffset;
  }

  monotonic(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Number of timers not yet run. */
  pending(): number {
    return this.timers.filter((x) => !x.cancelled).length;
  }

  /** Moves time forward by ms, firing due timers in order and letting async work settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.timers = this.timers.filter((x) => !x.cancelled);
      let next: FakeTimer | undefined;
      for (const x of this.timers) {
        if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
      }
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      if (next.at > this.t) this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }

  /** Steps the wall clock (either way) without moving monotonic time or firing timers. */
  jump(ms: number): void {
    this.wallOffset += ms;
  }
}

/** Lets queued promise callbacks (and a few chained hops through setImmediate) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
