// Stack headroom checks. Code that recurses on input must stop at its own limit well before the JS stack
// ends: near the very end, V8 aborts the whole process if it has to compile a regexp there, which no
// try/catch can turn into an error. These helpers run a function with part of the stack already used.

function pad(frames: number, fn: () => unknown): unknown {
  if (frames === 0) return fn();
  // Not a tail call: every level keeps its frame.
  const r = pad(frames - 1, fn);
  return r;
}

/** How many `pad` frames fit on an empty stack here. */
export function stackFrames(): number {
  let lo = 0;
  let hi = 1 << 20;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    try {
      pad(mid, () => 0);
      lo = mid;
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      hi = mid - 1;
    }
  }
  return lo;
}

/** Runs `fn` with `share` (0..1) of the stack already used; a RangeError from `fn` propagates. */
export function withStackUsed<T>(share: number, fn: () => T): T {
  const frames = Math.floor(stackFrames() * share);
  let out: T | undefined;
  pad(frames, () => {
    out = fn();
  });
  return out as T;
}
