// Entry point of the CLI: flags, then help / version / -dryRun / lint, or the engine.
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { formatProblem } from "../config/problems.js";
import { TsalertError } from "../errors.js";
import { createLogger } from "../log.js";
import { unittest } from "../unittest/cli.js";
import { dryRun, lint } from "./check.js";
import { type FlagSet, parseFlags } from "./flagset.js";
import { helpText } from "./help.js";
import { type CliIO, processIO } from "./io.js";
import { loggerOptions, membershipFromFlags } from "./options.js";
import { replayCommand, runReplay } from "./replay.js";
import { checkFlagValues, loadOptionsFromFlags, loadRuleTemplates } from "./ruleopts.js";
import { run } from "./run.js";

export function version(): string {
  // src/cli and dist/cli both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function flagError(io: CliIO, err: TsalertError): number {
  io.err(`tsalert: ${err.message}\nRun "tsalert -help" to see all flags.\n`);
  return 2;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  if (argv[0] === "lint") return lint(argv.slice(1), io);
  if (argv[0] === "unittest") return unittest(argv.slice(1), io);
  if (argv[0] === "replay")
    return replayCommand(argv.slice(1), { ...io, errIsTTY: io === processIO && process.stderr.isTTY });
  let flags: FlagSet;
  let logger: Logger;
  try {
    const parsed = parseFlags(argv);
    flags = parsed.flags;
    if (parsed.args.length > 0) {
      throw new TsalertError("TSA_FLAG", `unprocessed command-line args: ${parsed.args.join(" ")}`);
    }
    if (flags.bool("help")) {
      io.out(helpText(version()));
      return 0;
    }
    if (flags.bool("version")) {
      io.out(`tsalert ${version()}\n`);
      return 0;
    }
    checkFlagValues(flags);
    logger = createLogger(loggerOptions(flags));
  } catch (err) {
    if (err instanceof TsalertError && err.code === "TSA_FLAG") return flagError(io, err);
    throw err;
  }
  if (flags.bool("dryRun")) {
    const templates = await loadRuleTemplates(flags.list("rule.templates"));
    if (templates.problem) {
      io.err(`${formatProblem(templates.problem)}\n`);
      return 1;
    }
    const opts = loadOptionsFromFlags(flags);
    return dryRun(flags.list("rule"), opts, io, flags.string("external.alert.source"), membershipFromFlags(flags));
  }
  if (flags.string("replay.timeFrom") !== "") {
    return runReplay(flags, logger, { ...io, errIsTTY: io === processIO && process.stderr.isTTY });
  }
  return run(flags, logger);
}
