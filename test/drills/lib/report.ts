// Each drill writes its figures to .tmp/drills/<name>.json; scripts/drills.mjs prints them as a table.
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export const REPORT_DIR = fileURLToPath(new URL("../../../.tmp/drills/", import.meta.url));

/** What a drill measured; every field optional, units in the names. */
export interface DrillFigures {
  /** Short title for the table. */
  title?: string;
  samplesLost?: number;
  samplesDropped?: number;
  alertsLost?: number;
  maxRssMiB?: number;
  recoverySeconds?: number;
  outageSeconds?: number;
  /** Anything else worth a column: name → value. */
  extra?: Record<string, number | string>;
}

export async function recordFigures(name: string, figures: DrillFigures): Promise<void> {
  await mkdir(REPORT_DIR, { recursive: true });
  await writeFile(
    `${REPORT_DIR}${name}.json`,
    `${JSON.stringify({ name, ...figures, at: new Date().toISOString() }, null, 2)}\n`,
  );
}

/** VmHWM in KiB → MiB with one decimal. */
export function mib(kib: number): number {
  return Math.round(kib / 102.4) / 10;
}
