// One of a destination's `concurrency` senders: takes batches from the store, encodes each (on a later
// tick than push(), which only moves references), sends it and settles it; what cannot be delivered is
// dropped with its reason.
import { errorMessage } from "../errors.js";
import type { DropLog } from "./droplog.js";
import type { Sender } from "./sender.js";
import type { SeriesStore } from "./store.js";

export interface WorkerDeps {
  store: SeriesStore;
  sender: Sender;
  drops: DropLog;
  /** The outbox keeps a batch that shutdown interrupted for the next start; the memory queue drops it. */
  keepOnStop: boolean;
  onSent(rows: number): void;
}

/** Resolves once the store is stopped and the last batch it handed out is settled. */
export async function runWorker(d: WorkerDeps): Promise<void> {
  for (;;) {
    const batch = await d.store.next();
    if (!batch) return;
    let body: Buffer;
    try {
      body = batch.body();
    } catch (err) {
      d.drops.drop(batch.rows, "encode_error", `cannot encode batch: ${errorMessage(err)}`);
      d.store.settle(batch, "dropped");
      continue;
    }
    const res = await d.sender.send(body, batch.rows);
    if (res.ok) {
      d.onSent(batch.rows);
      d.store.settle(batch, "sent");
    } else if (res.reason === "stopped") {
      if (d.keepOnStop) d.store.settle(batch, "kept");
      else {
        d.drops.drop(batch.rows, "shutdown", `shutdown deadline reached: ${res.message}`);
        d.store.settle(batch, "dropped");
      }
    } else {
      d.drops.drop(batch.rows, res.reason, res.message);
      d.store.settle(batch, "dropped");
    }
  }
}
