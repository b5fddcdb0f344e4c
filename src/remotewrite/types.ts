// The remote-write seam: rules push series; delivery, batching and retries are the writer's business.

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  value: number;
  /** ms */
  timestamp: number;
}

export interface TimeSeries {
  /** Sorted by name. */
  labels: Label[];
  samples: Sample[];
}

export interface RemoteWriter {
  /** Non-blocking; series that do not fit the queue are dropped and counted. */
  push(series: TimeSeries[]): void;
  /**
   * Resolves when everything pushed so far has been delivered (or finally dropped). The group awaits
   * this after each rule so later rules of the group read what earlier ones wrote.
   */
  flush(signal?: AbortSignal): Promise<void>;
  /** Drain and flush within the deadline, then stop. */
  close(deadlineMs: number): Promise<void>;
}

/** Stale marker: Prometheus staleness NaN. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;
