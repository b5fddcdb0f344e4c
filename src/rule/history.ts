// A rule's last N evaluations (the `updates` of the rule API), as a ring buffer. Entries are kept as
// numbers and references and turned into the API's texts only when someone asks: 20 entries for each of
// thousands of rules would otherwise hold two time texts and a curl command each.
import { keptErrorText } from "../errors.js";
import type { ApiStateEntry } from "./api.js";
import { rfc3339Nano } from "./format.js";

/** One evaluation as kept. */
export interface HistoryEntry {
  /** Wall-clock start, ms. */
  start: number;
  /** Evaluation (query) time, ms. */
  at: number;
  durationMs: number;
  error: string | null;
  samples: number;
  seriesFetched: number | null;
  /** The request as a curl command, made on demand ("" when there was no request). */
  curl?: () => string;
  /** tsalert extension: the rule's state after this evaluation. */
  state?: string;
}

export function apiEntry(e: HistoryEntry): ApiStateEntry {
  const out: ApiStateEntry = {
    time: rfc3339Nano(e.start),
    at: rfc3339Nano(e.at),
    duration: Math.round(e.durationMs * 1e6),
    error: e.error,
    samples: e.samples,
    series_fetched: e.seriesFetched,
    curl: e.curl ? e.curl() : "",
  };
  if (e.state !== undefined) out.state = e.state;
  return out;
}

export class History {
  private buf: HistoryEntry[] = [];
  private next = 0;

  constructor(private limit: number) {
    if (this.limit < 1) this.limit = 1;
  }

  get size(): number {
    return this.limit;
  }

  add(e: HistoryEntry): void {
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

  last(): HistoryEntry | undefined {
    if (this.buf.length === 0) return undefined;
    const i = this.buf.length < this.limit ? this.buf.length - 1 : (this.next - 1 + this.limit) % this.limit;
    return this.buf[i];
  }

  /** Newest first, as the API shows them. */
  entries(): ApiStateEntry[] {
    const out: ApiStateEntry[] = [];
    const n = this.buf.length;
    const newest = n < this.limit ? n - 1 : (this.next - 1 + this.limit) % this.limit;
    for (let i = 0; i < n; i++) out.push(apiEntry(this.buf[(newest - i + n) % n]));
    return out;
  }
}
