// Where a destination's outbox lives under -remoteWrite.tmpDataPath. The directory is named by a hash
// of the write URL (it may carry credentials, so never the URL itself); a URL given twice (e.g. with
// different headers) is told apart by its occurrence. The same flags after a restart find the same
// directories, whatever order the URLs are given in.
import { createHash } from "node:crypto";
import { join } from "node:path";

export function outboxDir(tmpDataPath: string, writeURL: string, occurrence = 1): string {
  const id = createHash("sha256").update(writeURL).digest("hex").slice(0, 16);
  return join(tmpDataPath, "persistent-queue", occurrence > 1 ? `${id}_${occurrence}` : id);
}
