// Replay from the command line: vmalert's flag mode (`-replay.timeFrom` set), the `tsalert replay`
// subcommand with the same flags, and `tsalert replay --compare OLD NEW --from --to`.
import type { Logger } from "pino";
import { loadRules } from "../config/load.js";
import { errorLines, formatProblem, hasErrors } from "../config/problems.js";
import type { EffectiveGroupConfig } from "../config/types.js";
import { type ClosableQuerierFactory, createQuerierFactory } from "../datasource/querier.js";
import { errorMessage, TsalertError } from "../errors.js";
import { createLogger } from "../log.js";
import { createRemoteWriters, type RemoteWriter } from "../remotewrite/index.js";
import { diffHistories, firingHistory, formatDifferences } from "../replay/compare.js";
import { type ReplayOptions, ReplayOptionsError, replayOptions } from "../replay/options.js";
import { createProgress } from "../replay/progress.js";
import { fmtTime, ReplayError, replay } from "../replay/replay.js";
import { outboundWriter } from "../rule/index.js";
import type { EngineSettings } from "../rule/types.js";
import { compileTemplate } from "../template/index.js";
import { type FlagSet, parseFlags } from "./flagset.js";
import { datasourceOptions, engineSettings, loggerOptions, remoteWriterOptions, remoteWriteURLs } from "./options.js";
import { loadOptionsFromFlags, loadRuleTemplates } from "./ruleopts.js";

export interface ReplayIO {
  out(text: string): void;
  err(text: string): void;
  /** Progress bar only on a terminal. */
  errIsTTY?: boolean;
}

/** The live engine's settings, minus what only matters in real time (delays, resends, caps, timeouts). */
function settingsFromFlags(flags: FlagSet): EngineSettings {
  return {
    ...engineSettings(flags),
    resendDelay: 0,
    maxResolveDuration: 0,
    maxStartDelay: 0,
    maxActiveAlerts: 0,
  };
}

function datasourceFromFlags(flags: FlagSet): ClosableQuerierFactory {
  // vmalert's replay skips VictoriaMetrics' rollup cache on every request.
  return createQuerierFactory({ ...datasourceOptions(flags), nocache: true });
}

function optionsFromFlags(flags: FlagSet, now: number): ReplayOptions {
  const o = replayOptions(
    {
      timeFrom: flags.string("replay.timeFrom"),
      timeTo: flags.string("replay.timeTo"),
      rulesDelay: flags.duration("replay.rulesDelay"),
      maxDatapointsPerQuery: flags.int("replay.maxDatapointsPerQuery"),
      ruleRetryAttempts: flags.int("replay.ruleRetryAttempts"),
      disableProgressBar: flags.bool("replay.disableProgressBar"),
      continueWithExecutionErr: flags.bool("replay.continueWithExecutionErr"),
      skipRules: flags.int("replay.skipRules"),
      ruleEvaluationConcurrency: flags.int("replay.ruleEvaluationConcurrency"),
    },
    now,
  );
  return o;
}

async function loadGroups(
  patterns: string[],
  flags: FlagSet,
): Promise<{ groups: EffectiveGroupConfig[]; error: string }> {
  const res = await loadRules(patterns, loadOptionsFromFlags(flags));
  if (hasErrors(res.problems)) {
    return {
      groups: [],
      error: errorLines(res.problems),
    };
  }
  if (res.groups.length === 0) return { groups: [], error: `no groups found in ${patterns.join(", ")}` };
  return { groups: res.groups, error: "" };
}

/** Stops the replay on SIGINT (a second SIGINT is left to Node's default). */
function interruptible(): { signal: AbortSignal; release(): void } {
  const ctl = new AbortController();
  const onInt = () => ctl.abort(new Error("interrupted"));
  process.once("SIGINT", onInt);
  return { signal: ctl.signal, release: () => process.removeListener("SIGINT", onInt) };
}

function fail(io: ReplayIO, err: unknown): number {
  if (err instanceof ReplayOptionsError || (err instanceof TsalertError && err.code === "TSA_FLAG")) {
    io.err(`tsalert: ${errorMessage(err)}\n`);
    return 2;
  }
  io.err(`replay failed: ${errorMessage(err)}\n`);
  return 1;
}

/** vmalert's replay mode: evaluate -rule files over the past range and write results via -remoteWrite.url. */
export async function runReplay(flags: FlagSet, logger: Logger, io: ReplayIO, signal?: AbortSignal): Promise<number> {
  let opts: ReplayOptions;
  try {
    opts = optionsFromFlags(flags, Date.now());
    if (remoteWriteURLs(flags).length === 0) {
      throw new TsalertError("TSA_FLAG", "replay mode needs -remoteWrite.url to write the results to");
    }
  } catch (err) {
    return fail(io, err);
  }
  const templates = await loadRuleTemplates(flags.list("rule.templates"));
  if (templates.problem) {
    io.err(`${formatProblem(templates.problem)}\n`);
    return 1;
  }
  const loaded = await loadGroups(flags.list("rule"), flags);
  if (loaded.error) {
    io.err(`${loaded.error}\n`);
    return 1;
  }
  let qf: ClosableQuerierFactory;
  try {
    qf = datasourceFromFlags(flags);
  } catch (err) {
    return fail(io, err);
  }
  let writer: RemoteWriter;
  try {
    // A backfill writes through memory queues (no -remoteWrite.tmpDataPath) and reads what it wrote,
    // so its flushes wait for every destination, as vmalert's replay does.
    const list = remoteWriterOptions(flags, { outbox: false }).map((o) => ({ ...o, flushWaitsWhileDown: true }));
    writer = outboundWriter(createRemoteWriters(list, logger), settingsFromFlags(flags));
  } catch (err) {
    return fail(io, err);
  }
  const stop = signal ? { signal, release: () => {} } : interruptible();
  try {
    const summary = await replay(loaded.groups, opts, {
      querierFactory: qf,
      writer,
      compileTemplate: (t, o) => compileTemplate(t, { ...o, set: templates.set }),
      settings: settingsFromFlags(flags),
      logger,
      signal: stop.signal,
      progress: createProgress({ write: (t) => io.err(t), isTTY: io.errIsTTY === true }, opts.disableProgressBar),
      print: (l) => io.out(`${l}\n`),
    });
    if (summary.interruptedAt !== undefined) {
      io.out(
        `\nreplay interrupted in ${summary.interruptedIn} at ${new Date(summary.interruptedAt).toISOString()}: ${summary.points} points written; the groups before it are complete\n` +
          `resume with the same flags and -replay.timeFrom=${fmtTime(opts.from)} -replay.timeTo=${fmtTime(opts.to)} -replay.skipRules=${summary.completedRules}\n`,
      );
      return 1;
    }
    if (summary.skipped.length > 0) io.out(`\nskipped after errors: ${summary.skipped.join(", ")}\n`);
    io.out(
      `\n${summary.points} points of ${summary.rules} rules in ${summary.groups} groups, ${summary.requests} requests\nreplay succeed!\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ReplayError) return fail(io, err);
    throw err;
  } finally {
    stop.release();
    await writer.close(30_000);
    await qf.close();
  }
}

export const REPLAY_USAGE = `Usage:
  tsalert replay -rule=FILES -datasource.url=URL -remoteWrite.url=URL -replay.timeFrom=RFC3339 [-replay.* flags]
      backfills recording rules and ALERTS series over a past range (same as vmalert's replay mode)
  tsalert replay --compare OLD.rules NEW.rules --from=RFC3339 [--to=RFC3339] -datasource.url=URL
      prints the alerts that would have fired differently between two versions of a rule set
`;

/** Takes `--compare A B`, `--from X`, `--to Y` out of argv; the rest are vmalert flags. */
function splitArgs(argv: string[]): { compare?: [string, string]; from?: string; to?: string; rest: string[] } {
  const out: { compare?: [string, string]; from?: string; to?: string; rest: string[] } = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--?(compare|from|to)(?:=(.*))?$/.exec(a);
    if (!m) {
      out.rest.push(a);
      continue;
    }
    if (m[1] === "compare") {
      const first = m[2] ?? argv[++i];
      const second = argv[++i];
      if (first === undefined || second === undefined)
        throw new ReplayOptionsError("--compare needs two rule files: OLD NEW");
      out.compare = [first, second];
    } else {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new ReplayOptionsError(`--${m[1]} needs a value`);
      if (m[1] === "from") out.from = v;
      else out.to = v;
    }
  }
  return out;
}

/** `tsalert replay ...` */
export async function replayCommand(argv: string[], io: ReplayIO): Promise<number> {
  let split: ReturnType<typeof splitArgs>;
  let flags: FlagSet;
  try {
    split = splitArgs(argv);
    const parsed = parseFlags(split.rest);
    flags = parsed.flags;
    if (parsed.args.length > 0) throw new ReplayOptionsError(`unexpected arguments: ${parsed.args.join(" ")}`);
    if (flags.bool("help")) {
      io.out(REPLAY_USAGE);
      return 0;
    }
    if (split.from !== undefined) flags.set("replay.timeFrom", split.from);
    if (split.to !== undefined) flags.set("replay.timeTo", split.to);
    if (flags.string("replay.timeFrom") === "") throw new ReplayOptionsError("replay needs --from or -replay.timeFrom");
  } catch (err) {
    if (err instanceof ReplayOptionsError || err instanceof TsalertError) {
      io.err(`tsalert replay: ${err.message}\n${REPLAY_USAGE}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({ ...loggerOptions(flags), output: "stderr" });
  if (!split.compare) return runReplay(flags, logger, io);
  return runCompare(split.compare, flags, logger, io);
}

async function runCompare(files: [string, string], flags: FlagSet, logger: Logger, io: ReplayIO): Promise<number> {
  let opts: ReplayOptions;
  let qf: ClosableQuerierFactory;
  try {
    opts = optionsFromFlags(flags, Date.now());
    qf = datasourceFromFlags(flags);
  } catch (err) {
    return fail(io, err);
  }
  try {
    const templates = await loadRuleTemplates(flags.list("rule.templates"));
    if (templates.problem) {
      io.err(`${formatProblem(templates.problem)}\n`);
      return 2;
    }
    const sets: EffectiveGroupConfig[][] = [];
    for (const f of files) {
      const loaded = await loadGroups([f], flags);
      if (loaded.error) {
        io.err(`${loaded.error}\n`);
        return 2;
      }
      sets.push(loaded.groups);
    }
    const stop = interruptible();
    const deps = {
      querierFactory: qf,
      compileTemplate: (t: string, o?: { limited?: boolean }) => compileTemplate(t, { ...o, set: templates.set }),
      settings: settingsFromFlags(flags),
      logger,
      signal: stop.signal,
    };
    try {
      const oldH = await firingHistory(sets[0], opts, deps);
      const newH = await firingHistory(sets[1], opts, deps);
      if (stop.signal.aborted) {
        io.err("compare interrupted\n");
        return 1;
      }
      const diffs = diffHistories(oldH, newH);
      io.out(
        `OLD: ${files[0]}\nNEW: ${files[1]}\nrange: ${new Date(opts.from).toISOString()} .. ${new Date(opts.to).toISOString()}\n\n`,
      );
      const step = Math.max(
        flags.duration("evaluationInterval"),
        ...[...sets[0], ...sets[1]].map((g) => g.interval ?? 0),
      );
      io.out(formatDifferences(diffs, step));
      return diffs.length === 0 ? 0 : 1;
    } finally {
      stop.release();
    }
  } catch (err) {
    if (err instanceof ReplayError) {
      io.err(`compare failed: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await qf.close();
  }
}
