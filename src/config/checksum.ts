import { createHash } from "node:crypto";

/** Stable hash of a parsed group (everything but source positions), for change detection on reload. */
export function groupChecksum(group: unknown): string {
  const json = JSON.stringify(group, (key, value) =>
    key === "pos" || key === "exprPos" || key === "checksum" ? undefined : value,
  );
  return createHash("sha1").update(json).digest("hex");
}
