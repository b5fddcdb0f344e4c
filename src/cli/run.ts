// The normal run mode (datasource, groups, notifier, HTTP server). The lead wires the engine here.
import type { Logger } from "pino";
import type { FlagSet } from "./flagset.js";

export async function run(_flags: FlagSet, logger: Logger): Promise<number> {
  logger.error("evaluation engine not wired yet; use -dryRun or `tsalert lint` to check rule files");
  return 1;
}
