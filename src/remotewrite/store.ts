// Where one destination's pushed series wait for a sender: in memory (./memstore.ts) or in the disk
// outbox (./outbox/store.ts). Both count rows with sequence numbers, so a flush can wait for "every row
// pushed before now" without tracking rows one by one.
import type { TimeSeries } from "./types.js";

/** One request's worth of rows, handed to one sender. */
export interface Batch {
  rows: number;
  /** Sequence number of its first row; -1 for rows an earlier process left in the outbox. */
  seq: number;
  /** The request body (snappy-compressed protobuf); throws when the series cannot be encoded. */
  body(): Buffer;
}

/** What became of a batch a sender had. */
export type Settlement = "sent" | "dropped" | "kept";

export interface SeriesStore {
  /** Sequence number the next pushed row gets. */
  readonly nextSeq: number;
  /** Rows waiting for a sender (not counting batches being sent). */
  readonly waitingRows: number;
  /** Rows being sent right now. */
  readonly inflightRows: number;
  /** Accepts the prefix of `series` that fits and returns its length; the caller drops the rest. */
  push(series: readonly TimeSeries[]): number;
  /** Rows with seq < target go out without waiting for a full batch. */
  force(target: number): void;
  /** Resolves when rows with seq < target are stored (the outbox: written and fsynced, or dropped). */
  stored(target: number): Promise<void>;
  /** Every row with a lower sequence number has been settled (sent or dropped). */
  settledSeq(): number;
  /** The next batch to send; waits for one; undefined once the store is stopped. */
  next(): Promise<Batch | undefined>;
  /** A sender is done with `batch`: sent, dropped (counted by the caller) or kept for a later run. */
  settle(batch: Batch, how: Settlement): void;
  /** Called on every change a flush may wait for (progress, stop). */
  onChange(fn: () => void): void;
  /** Ends next(): every waiting and later call returns undefined. */
  stop(): void;
}
