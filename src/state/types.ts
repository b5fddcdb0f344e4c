// The -state.path seam: every alert's full state in a local file, saved by the engine and loaded before the
// first evaluation (README "State restore").

/** One alert's full state, as persisted by -state.path. Times are ms; 0 = unset. */
export interface AlertSnapshot {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing" | "inactive";
  value: number;
  activeAt: number;
  start: number;
  resolvedAt: number;
  keepFiringSince: number;
  lastSent: number;
  end: number;
}

export interface StateSnapshot {
  version: 1;
  /** ms */
  savedAt: number;
  /** Keyed by `<groupID>/<ruleID>`. */
  rules: Record<string, AlertSnapshot[]>;
}

export interface StateFile {
  /** null when there is no file, or it is corrupt (reported through the logger, never thrown). */
  load(): Promise<StateSnapshot | null>;
  /** Atomic: temp file, fsync, rename. */
  save(snapshot: StateSnapshot): Promise<void>;
}
