// The restore seam: alert state from before a restart, read back from ALERTS_FOR_STATE (-remoteRead.url).
// The rule engine asks; this module answers. The -state.path file is src/state's.
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
