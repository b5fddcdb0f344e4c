// -remoteRead.url: asks the query API for the ALERTS_FOR_STATE series this alert wrote before a restart.
// The HTTP side (path append, step, group params/headers, auth, tenant) is the datasource querier's job;
// the wiring builds a QuerierFactory for -remoteRead.url and hands it over.

import type { QuerierFactory } from "../datasource/types.js";
import { errorMessage, TsalertError } from "../errors.js";
import { restoreExpr } from "./query.js";
import type { AlertRestorer, RestoredAlert } from "./types.js";

export interface RestorerOptions {
  /** Queriers for -remoteRead.url (with -remoteRead.* auth/TLS/headers). */
  querierFactory: QuerierFactory;
  /** -remoteRead.lookback, ms (default 1h). */
  lookback?: number;
  disableAlertgroupLabel?: boolean;
}

const DEFAULT_LOOKBACK_MS = 3_600_000;

export function createRestorer(opts: RestorerOptions): AlertRestorer {
  const lookback = opts.lookback && opts.lookback > 0 ? opts.lookback : DEFAULT_LOOKBACK_MS;
  return {
    async restore(q) {
      const expr = restoreExpr(q, lookback, opts.disableAlertgroupLabel);
      let data: { labels: Record<string, string>; value: number }[];
      try {
        const res = await opts.querierFactory.forGroup(q.group).query(expr, { time: q.time });
        data = res.data;
      } catch (err) {
        const msg = errorMessage(err);
        throw new TsalertError(
          "TSA_REMOTEREAD",
          `group "${q.groupName}" rule "${q.alertName}": cannot restore alert state with ${expr}: ${msg}`,
          { cause: err },
        );
      }
      const out: RestoredAlert[] = [];
      for (const m of data) {
        if (!Number.isFinite(m.value)) continue;
        const { __name__: _, ...labels } = m.labels;
        out.push({ labels, activeAt: Math.round(m.value * 1000) });
      }
      return out;
    },
  };
}
