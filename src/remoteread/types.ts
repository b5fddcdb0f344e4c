// The state seam: how alert state survives a restart, from ALERTS_FOR_STATE (-remoteRead.url) or from a
// local file (-state.path). The rule engine asks; these modules answer.
import type { GroupQuerySettings } from "../datasource/types.js";

export interface RestoreQuery {
  groupName: string;
  alertName: string;
  /** Merged rule+group labels whose values are not templates (used as matchers, as vmalert does). */
  ruleLabels: Record<string, string>;
  group: GroupQuerySettings;
  /** Query time, ms (first evaluation ts - 1s). */
  time: number;
}

export interface RestoredAlert {
  /** Alert labels as written to ALERTS_FOR_STATE, without __name__. */
  labels: Record<string, string>;
  /** ms */
  activeAt: number;
}

export interface AlertRestorer {
  restore(q: RestoreQuery): Promise<RestoredAlert[]>;
}

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
