// Several -remoteWrite.url: every destination gets every series, through its own store, senders and
// retries, so a slow or dead destination never delays another's delivery. flush() resolves when each
// destination has delivered or counts as down (./writer.ts), so a dead one does not hold up rules.
import type { Logger } from "pino";
import { redactURL } from "../net/redact.js";
import type { Post } from "./transport.js";
import type { RemoteWriter, RemoteWriterOptions } from "./types.js";
import { writeURL } from "./url.js";
import { createRemoteWriter, type DestinationWriter } from "./writer.js";

/** Labels of the destinations in logs and metrics; a URL given twice is told apart by its position. */
function labels(list: readonly RemoteWriterOptions[]): string[] {
  const shown = list.map((o) => redactURL(writeURL(o.url, o.disablePathAppend), o.client?.showURL));
  return shown.map((s, i) => (shown.indexOf(s) !== i || shown.lastIndexOf(s) !== i ? `${s}#${i + 1}` : s));
}

export interface RemoteWriters extends RemoteWriter {
  readonly destinations: readonly DestinationWriter[];
}

/** One RemoteWriter over every destination in `list` (at least one). */
export function createRemoteWriters(list: readonly RemoteWriterOptions[], logger: Logger, post?: Post): RemoteWriters {
  if (list.length === 0) throw new Error("no remote-write destination");
  const names = labels(list);
  const dests: DestinationWriter[] = [];
  try {
    for (const [i, o] of list.entries()) dests.push(createRemoteWriter(o, logger, post, names[i]));
  } catch (err) {
    // Release what was opened (outbox locks) before reporting.
    for (const d of dests) void d.close(0);
    throw err;
  }
  if (dests.length === 1) return Object.assign(dests[0], { destinations: dests });
  return {
    destinations: dests,
    push(series) {
      for (const d of dests) d.push(series);
    },
    async flush(signal) {
      await Promise.all(dests.map((d) => d.flush(signal)));
    },
    async close(deadlineMs) {
      await Promise.all(dests.map((d) => d.close(deadlineMs)));
    },
  };
}
