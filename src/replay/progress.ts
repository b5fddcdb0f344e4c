// Replay progress: a redrawn bar on a terminal, one plain line per finished rule otherwise.

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

export interface Progress {
  /** `done` of `total` points of the current rule. */
  update(label: string, done: number, total: number): void;
  ruleDone(label: string, points: number, requests: number): void;
  finish(): void;
}

const WIDTH = 30;

export function createProgress(sink: ProgressSink, disabled: boolean): Progress {
  const bar = sink.isTTY && !disabled;
  let drawn = false;
  return {
    update(label, done, total) {
      if (!bar) return;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const fill = Math.round(frac * WIDTH);
      sink.write(`\r\x1b[K${label} [${"=".repeat(fill)}${" ".repeat(WIDTH - fill)}] ${Math.floor(frac * 100)}%`);
      drawn = true;
    },
    ruleDone(label, points, requests) {
      if (drawn) sink.write("\r\x1b[K");
      drawn = false;
      sink.write(`${label}: ${points} points, ${requests} requests\n`);
    },
    finish() {
      if (drawn) sink.write("\r\x1b[K");
      drawn = false;
    },
  };
}
