// A rule's last N evaluations (the `updates` of the rule API), as a ring buffer. An entry is five numbers
// in a Float64Array plus three references (error text, state, where its curl command comes from); the
// API's texts are made only when someone asks: as objects with two time texts and a curl string, 20 entries
// for each of thousands of rules would cost ~400 bytes per entry instead of ~60.
import { keptErrorText } from "../errors.js";
import type { ApiStateEntry } from "./api.js";
import { rfc3339Nano } from "./format.js";

/** Makes an evaluation's request as a curl command from its query time (one per rule, shared by its entries). */
export interface CurlSource {
  curl(queryTimeMs: number): string;
}

/** One evaluation, as added and as last() gives it back. */
export interface HistoryEntry {
  /** Wall-clock start, ms. */
  start: number;
  /** Evaluation (query) time, ms. */
  at: number;
  durationMs: number;
  error: string | null;
  samples: number;
  seriesFetched: number | null;
  /** Set when a request answered: its curl command is made from `at` when shown. */
  curl?: CurlSource;
  /** tsalert extension: the rule's state after this evaluation. */
  state?: string;
}

const START = 0;
const AT = 1;
const DURATION = 2;
const SAMPLES = 3;
const FETCHED = 4;
const FIELDS = 5;

export class History {
  private nums?: Float64Array;
  private errors: (string | null)[] = [];
  private states: (string | undefined)[] = [];
  private curls: (CurlSource | undefined)[] = [];
  private count = 0;
  private next = 0;

  constructor(private limit: number) {
    if (this.limit < 1) this.limit = 1;
  }

  get size(): number {
    return this.limit;
  }

  add(e: HistoryEntry): void {
    this.nums ??= new Float64Array(this.limit * FIELDS);
    const i = this.next;
    const o = i * FIELDS;
    this.nums[o + START] = e.start;
    this.nums[o + AT] = e.at;
    this.nums[o + DURATION] = e.durationMs;
    this.nums[o + SAMPLES] = e.samples;
    this.nums[o + FETCHED] = e.seriesFetched ?? Number.NaN;
    // The rule's lastError is its newest entry's error: both are kept small here.
    this.errors[i] = e.error ? keptErrorText(e.error) : e.error;
    this.states[i] = e.state;
    this.curls[i] = e.curl;
    this.next = (i + 1) % this.limit;
    if (this.count < this.limit) this.count++;
  }

  last(): HistoryEntry | undefined {
    return this.count === 0 ? undefined : this.at((this.next - 1 + this.limit) % this.limit);
  }

  /** Newest first, as the API shows them. */
  entries(): ApiStateEntry[] {
    const out: ApiStateEntry[] = [];
    for (let k = 1; k <= this.count; k++) out.push(apiEntry(this.at((this.next - k + this.limit) % this.limit)));
    return out;
  }

  private at(i: number): HistoryEntry {
    const n = this.nums as Float64Array;
    const o = i * FIELDS;
    const fetched = n[o + FETCHED];
    const e: HistoryEntry = {
      start: n[o + START],
      at: n[o + AT],
      durationMs: n[o + DURATION],
      error: this.errors[i] ?? null,
      samples: n[o + SAMPLES],
      seriesFetched: Number.isNaN(fetched) ? null : fetched,
      curl: this.curls[i],
    };
    const state = this.states[i];
    if (state !== undefined) e.state = state;
    return e;
  }
}

function apiEntry(e: HistoryEntry): ApiStateEntry {
  const out: ApiStateEntry = {
    time: rfc3339Nano(e.start),
    at: rfc3339Nano(e.at),
    duration: Math.round(e.durationMs * 1e6),
    error: e.error,
    samples: e.samples,
    series_fetched: e.seriesFetched,
    curl: e.curl ? e.curl.curl(e.at) : "",
  };
  if (e.state !== undefined) out.state = e.state;
  return out;
}
