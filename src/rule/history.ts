// A rule's last N evaluations (the `updates` of the rule API), as a ring buffer.
import { keptErrorText } from "../errors.js";
import type { ApiStateEntry } from "./api.js";

export class History {
  private buf: ApiStateEntry[] = [];
  private next = 0;

  constructor(private limit: number) {
    if (this.limit < 1) this.limit = 1;
  }

  get size(): number {
    return this.limit;
  }

  add(e: ApiStateEntry): void {
    // The rule's lastError is its newest entry's error: both are kept small here.
    if (e.error) e.error = keptErrorText(e.error);
    if (this.buf.length < this.limit) {
      this.buf.push(e);
      this.next = this.buf.length % this.limit;
      return;
    }
    this.buf[this.next] = e;
    this.next = (this.next + 1) % this.limit;
  }

  last(): ApiStateEntry | undefined {
    if (this.buf.length === 0) return undefined;
    const i = this.buf.length < this.limit ? this.buf.length - 1 : (this.next - 1 + this.limit) % this.limit;
    return this.buf[i];
  }

  /** Newest first. */
  entries(): ApiStateEntry[] {
    const out: ApiStateEntry[] = [];
    const n = this.buf.length;
    const newest = n < this.limit ? n - 1 : (this.next - 1 + this.limit) % this.limit;
    for (let i = 0; i < n; i++) out.push(this.buf[(newest - i + n) % n]);
    return out;
  }
}
