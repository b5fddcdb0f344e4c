// Loading the rule and template files the flags name, and reloading them (SIGHUP, /-/reload,
// -configCheckInterval): one reload at a time, and the running config stays when anything in the new
// files is wrong.
import type { Logger } from "pino";
import { loadRules } from "../config/load.js";
import { errorLines, formatProblem, hasErrors } from "../config/problems.js";
import type { EffectiveGroupConfig } from "../config/types.js";
import { errorMessage, TsalertError } from "../errors.js";
import { counter, gauge } from "../metrics.js";
import type { TemplateSet } from "../template/index.js";
import type { FlagSet } from "./flagset.js";
import { remoteWriteURLs } from "./options.js";
import { loadOptionsFromFlags, loadRuleTemplates } from "./ruleopts.js";

const reloadsTotal = counter("vmalert_config_last_reload_total", "Config reloads attempted");
const reloadErrorsTotal = counter("vmalert_config_last_reload_errors_total", "Config reloads that failed");
const reloadOK = gauge("vmalert_config_last_reload_successful", "Whether the last config reload succeeded (1) or not");
const reloadTime = gauge(
  "vmalert_config_last_reload_success_timestamp_seconds",
  "Unix time of the last successful config reload",
);

export interface LoadedConfig {
  groups: EffectiveGroupConfig[];
  templates?: TemplateSet;
}

/** Rule and template files as the flags name them; throws a TSA_CONFIG error listing every problem. */
export async function loadConfig(flags: FlagSet): Promise<LoadedConfig> {
  const templates = await loadRuleTemplates(flags.list("rule.templates"));
  if (templates.problem) throw new TsalertError("TSA_CONFIG", formatProblem(templates.problem));
  const res = await loadRules(flags.list("rule"), loadOptionsFromFlags(flags));
  if (hasErrors(res.problems)) {
    throw new TsalertError("TSA_CONFIG", `cannot load rules:\n${errorLines(res.problems)}`);
  }
  return { groups: res.groups, templates: templates.set };
}

/** vmalert refuses a config whose rules have nowhere to go. */
export function checkDestinations(flags: FlagSet, groups: EffectiveGroupConfig[]): void {
  const rules = groups.flatMap((g) => g.rules);
  const hasNotifier =
    flags.list("notifier.url").length > 0 || flags.string("notifier.config") !== "" || flags.bool("notifier.blackhole");
  if (!hasNotifier && rules.some((r) => r.alert !== undefined)) {
    throw new TsalertError(
      "TSA_FLAG",
      "config contains alerting rules but neither -notifier.url nor -notifier.config nor -notifier.blackhole is set",
    );
  }
  if (remoteWriteURLs(flags).length === 0 && rules.some((r) => r.record !== undefined)) {
    throw new TsalertError("TSA_FLAG", "config contains recording rules but -remoteWrite.url is not set");
  }
}

/** Identifies a loaded rule set: a reload yielding the same one changes nothing. */
function configSignature(groups: EffectiveGroupConfig[]): string {
  return JSON.stringify(groups.map((g) => [g.file, g.name, g.checksum]));
}

/**
 * The -rule.templates set that rule templates compile against. The engine compiles while it applies a
 * config, so a reload offers the new set for the length of that update and keeps it only if the update
 * succeeds.
 */
export class TemplateSlot {
  constructor(private set: TemplateSet | undefined) {}

  current(): TemplateSet | undefined {
    return this.set;
  }

  async tryWith(next: TemplateSet | undefined, apply: () => Promise<void>): Promise<void> {
    const previous = this.set;
    this.set = next;
    try {
      await apply();
    } catch (err) {
      this.set = previous;
      throw err;
    }
  }
}

/** What a reload changes besides the rule files: the engine's groups and the notifier targets. */
export interface ReloadTargets {
  /** Re-reads -notifier.config; throws when it is wrong. */
  reloadNotifiers(): Promise<unknown>;
  updateEngine(groups: EffectiveGroupConfig[]): Promise<void>;
  /** Shown in the UI's banner and the API until a reload succeeds. */
  setReloadError(message: string): void;
}

export interface Reloader {
  /** The initial config runs: the reload gauges say so. */
  started(groups: EffectiveGroupConfig[]): void;
  /** Rejects with a TsalertError already logged; the running config stays. */
  reload(reason: string): Promise<void>;
  /** Resolves once no reload is running (shutdown waits for it). */
  idle(): Promise<void>;
}

export function createReloader(flags: FlagSet, templates: TemplateSlot, to: ReloadTargets, logger: Logger): Reloader {
  let applied = "";
  let reloading: Promise<void> = Promise.resolve();
  return {
    started(groups) {
      applied = configSignature(groups);
      reloadOK.set(1);
      reloadTime.set(Date.now() / 1000);
    },
    reload(reason) {
      // One reload at a time; a request during a reload runs after it, on the files as they are then.
      // -configCheckInterval polls: like vmalert, a poll is not counted as a reload and a poll that finds
      // nothing changed stays quiet (it would log every interval otherwise).
      const poll = reason === "configCheckInterval";
      const next = reloading.then(async () => {
        if (!poll) reloadsTotal.inc();
        try {
          const cfg = await loadConfig(flags);
          checkDestinations(flags, cfg.groups);
          await to.reloadNotifiers();
          await templates.tryWith(cfg.templates, () => to.updateEngine(cfg.groups));
          reloadOK.set(1);
          const signature = configSignature(cfg.groups);
          if (signature === applied && poll) return;
          if (signature !== applied) reloadTime.set(Date.now() / 1000);
          applied = signature;
          logger.info({ reason, groups: cfg.groups.length }, "config reloaded");
        } catch (err) {
          const msg = errorMessage(err);
          reloadErrorsTotal.inc();
          reloadOK.set(0);
          to.setReloadError(msg);
          logger.error({ reason }, `config reload failed, the previous config stays: ${msg}`);
          // Reported above; callers (/-/reload) get a TsalertError they need not log again.
          throw err instanceof TsalertError ? err : new TsalertError("TSA_CONFIG", msg, { cause: err });
        }
      });
      reloading = next.catch(() => {});
      return next;
    },
    idle: () => reloading,
  };
}
