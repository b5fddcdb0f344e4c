// The normal run mode: builds datasource, notifiers, remote write/read, engine and HTTP server from the
// flags, then runs until SIGTERM/SIGINT. Reloads (SIGHUP, /-/reload, -configCheckInterval) re-read rule,
// template and notifier files and keep the old config when anything in them is wrong.
import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Logger } from "pino";
import { createCluster, createClusterView, createPeerClient, isClustered, type PeerClient } from "../cluster/index.js";
import { loadRules } from "../config/load.js";
import { errorLines, formatProblem, hasErrors } from "../config/problems.js";
import type { EffectiveGroupConfig } from "../config/types.js";
import { type ClosableQuerierFactory, createQuerierFactory } from "../datasource/index.js";
import { TsalertError } from "../errors.js";
import { createHttpServer, type HttpServer, httpOptionsFromFlags } from "../http/index.js";
import { counter, gauge } from "../metrics.js";
import { startMetricsPush } from "../metricspush.js";
import { createNotifierSet, type ManagedNotifierSet } from "../notifier/index.js";
import { createRestorer } from "../remoteread/index.js";
import type { AlertRestorer } from "../remoteread/types.js";
import { createRemoteWriters, type RemoteWriter } from "../remotewrite/index.js";
import { Engine, groupConfigID, systemClock } from "../rule/index.js";
import { createStateFile } from "../state/index.js";
import { compileTemplate, type TemplateSet } from "../template/index.js";
import { notifierURLsFromFlags } from "./clientflags.js";
import type { FlagSet } from "./flagset.js";
import {
  clusterPeerLimits,
  datasourceOptions,
  engineSettings,
  membershipFromFlags,
  pushMetricsOptions,
  remoteReadOptions,
  remoteWriterOptions,
  remoteWriteURLs,
} from "./options.js";
import { loadOptionsFromFlags, loadRuleTemplates } from "./ruleopts.js";

/** How long shutdown waits for the remote-write queue to drain. */
const WRITE_DRAIN_MS = 30_000;
/** How long shutdown lets iterations in flight finish, so none is written to remote storage in part. */
const EVAL_DRAIN_MS = 5_000;

const reloadsTotal = counter("vmalert_config_last_reload_total", "Config reloads attempted");
const reloadErrorsTotal = counter("vmalert_config_last_reload_errors_total", "Config reloads that failed");
const reloadOK = gauge("vmalert_config_last_reload_successful", "Whether the last config reload succeeded (1) or not");
const reloadTime = gauge(
  "vmalert_config_last_reload_success_timestamp_seconds",
  "Unix time of the last successful config reload",
);

interface LoadedConfig {
  groups: EffectiveGroupConfig[];
  templates?: TemplateSet;
}

/** Rule and template files as the flags name them; throws a TSA_CONFIG error listing every problem. */
async function loadConfig(flags: FlagSet): Promise<LoadedConfig> {
  const templates = await loadRuleTemplates(flags.list("rule.templates"));
  if (templates.problem) throw new TsalertError("TSA_CONFIG", formatProblem(templates.problem));
  const res = await loadRules(flags.list("rule"), loadOptionsFromFlags(flags, templates.set));
  if (hasErrors(res.problems)) {
    throw new TsalertError("TSA_CONFIG", `cannot load rules:\n${errorLines(res.problems)}`);
  }
  return { groups: res.groups, templates: templates.set };
}

/** Identifies a loaded rule set: a reload yielding the same one changes nothing. */
function configSignature(groups: EffectiveGroupConfig[]): string {
  return JSON.stringify(groups.map((g) => [g.file, g.name, g.checksum]));
}

/** The state file is written next to itself (temp file, rename): its directory must be writable now, not at exit. */
function checkStateDir(path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new TsalertError("TSA_FLAG", `-state.path=${path}: directory ${dir} is not writable: ${errorText(err)}`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** vmalert refuses a config whose rules have nowhere to go. */
function checkDestinations(flags: FlagSet, groups: EffectiveGroupConfig[]): void {
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

function datasourceFactory(flags: FlagSet): ClosableQuerierFactory {
  return createQuerierFactory(datasourceOptions(flags));
}

function remoteWriter(flags: FlagSet, logger: Logger, tenant?: string): RemoteWriter | undefined {
  const list = remoteWriterOptions(flags, { tenant });
  if (list.length === 0) return undefined;
  try {
    return createRemoteWriters(list, logger);
  } catch (err) {
    // Opening an outbox is the only way this fails: a directory in use or not writable.
    throw new TsalertError(
      "TSA_FLAG",
      `-remoteWrite.tmpDataPath=${flags.string("remoteWrite.tmpDataPath")}: cannot open the outbox: ${errorText(err)}`,
      { cause: err },
    );
  }
}

function restoreQuerierFactory(flags: FlagSet): ClosableQuerierFactory | undefined {
  const opts = remoteReadOptions(flags);
  return opts ? createQuerierFactory(opts, "remoteRead") : undefined;
}

/**
 * -clusterMode: one writer per tenant, built on the first group of that tenant and kept for the process
 * lifetime (a reload that drops a tenant leaves its idle writer; it costs a timer, not a connection).
 */
interface TenantWriters {
  writerFor(tenant: string): RemoteWriter | undefined;
  close(deadlineMs: number): Promise<void>;
}

function tenantWriters(flags: FlagSet, logger: Logger): TenantWriters {
  const writers = new Map<string, RemoteWriter>();
  return {
    writerFor(tenant) {
      // Keyed as written: "1" and "1:0" are one tenant to VictoriaMetrics but different paths to a proxy.
      const key = tenant.trim();
      let w = writers.get(key);
      if (!w) {
        w = remoteWriter(flags, logger.child({ tenant: key }), key);
        if (!w) return undefined;
        writers.set(key, w);
      }
      return w;
    },
    async close(deadlineMs) {
      await Promise.all([...writers.values()].map((w) => w.close(deadlineMs)));
    },
  };
}

/** A stoppable running instance; `run` wraps it with signal handling. */
export interface Instance {
  engine: Engine;
  http: HttpServer;
  reload(reason: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `-remoteRead.ignoreRestoreErrors=false` (vmalert 1.79.5): a failed restore stops the process, as
 * vmalert fails its start; `fatal` begins that shutdown. With the default (true) restore errors are
 * logged and alerting goes on.
 */
function strictRestorer(base: AlertRestorer, fatal: (msg: string) => void): AlertRestorer {
  return {
    async restore(q) {
      try {
        return await base.restore(q);
      } catch (err) {
        fatal(
          `group "${q.groupName}": rule "${q.alertName}": cannot restore alerts state: ${errorText(err)}; stopping, as -remoteRead.ignoreRestoreErrors=false asks`,
        );
        throw err;
      }
    },
  };
}

export async function startInstance(
  flags: FlagSet,
  logger: Logger,
  fatal: (msg: string) => void = (msg) => logger.fatal(msg),
): Promise<Instance> {
  if (flags.list("rule").length === 0) throw new TsalertError("TSA_FLAG", "-rule is empty: pass -rule=PATH_OR_GLOB");
  if (flags.string("replay.timeFrom") !== "") {
    throw new TsalertError("TSA_FLAG", "-replay.timeFrom: replay mode is not available in this build");
  }
  const settings = engineSettings(flags);
  const cluster = createCluster(membershipFromFlags(flags), logger.child({ component: "cluster" }), {
    groupID: groupConfigID,
  });
  const initial = await loadConfig(flags);
  checkDestinations(flags, initial.groups);
  // With -cluster.membersCount > 1 the engine runs this member's share; every member checks the whole set.
  const initialPlan = cluster.plan(initial.groups);
  let templates = initial.templates;

  const querierFactory = datasourceFactory(flags);
  const notifiers: ManagedNotifierSet = await createNotifierSet({
    logger: logger.child({ component: "notifier" }),
    urls: notifierURLsFromFlags(flags),
    configFile: flags.string("notifier.config") || undefined,
    blackhole: flags.bool("notifier.blackhole"),
    showURL: flags.bool("notifier.showURL"),
    dnsSDCheckInterval: flags.duration("promscrape.dnsSDCheckInterval"),
    suppressDuplicateTargetErrors: flags.bool("notifier.suppressDuplicateTargetErrors"),
  });
  const writer = remoteWriter(flags, logger.child({ component: "remotewrite" }));
  const tenants = tenantWriters(flags, logger.child({ component: "remotewrite" }));
  const readFactory = restoreQuerierFactory(flags);
  const baseRestorer = readFactory
    ? createRestorer({
        querierFactory: readFactory,
        lookback: flags.duration("remoteRead.lookback"),
        disableAlertgroupLabel: flags.bool("disableAlertgroupLabel"),
      })
    : undefined;
  const restorer =
    baseRestorer && !flags.bool("remoteRead.ignoreRestoreErrors") ? strictRestorer(baseRestorer, fatal) : baseRestorer;
  const statePath = flags.string("state.path");
  if (statePath !== "") checkStateDir(statePath);
  const stateFile = statePath !== "" ? createStateFile(statePath, logger) : undefined;

  const engine = new Engine(
    {
      querierFactory,
      notifiers,
      writer,
      writerFor: settings.clusterMode ? tenants.writerFor : undefined,
      restorer,
      stateFile,
      // Reads `templates` at compile time, so groups rebuilt by a reload see reloaded -rule.templates.
      compileTemplate: (text, opts) => compileTemplate(text, { ...opts, set: templates }),
      clock: systemClock,
      logger,
      settings,
    },
    { notifierGroups: () => notifiers.notifiersView() },
  );

  let applied = configSignature(initial.groups);
  let reloading: Promise<void> = Promise.resolve();
  const reload = (reason: string): Promise<void> => {
    // One reload at a time; a request during a reload runs after it, on the files as they are then.
    // -configCheckInterval polls: like vmalert, a poll is not counted as a reload and a poll that finds
    // nothing changed stays quiet (it would log every interval otherwise).
    const poll = reason === "configCheckInterval";
    const next = reloading.then(async () => {
      if (!poll) reloadsTotal.inc();
      try {
        const cfg = await loadConfig(flags);
        checkDestinations(flags, cfg.groups);
        await notifiers.reload();
        const plan = cluster.plan(cfg.groups);
        const previous = templates;
        templates = cfg.templates;
        try {
          // Groups that moved here restore their alerts; groups that moved away finish and flush, as at shutdown.
          await engine.update(plan.owned, {
            restore: plan.restore,
            handOff: plan.handOff,
            handOffGraceMs: EVAL_DRAIN_MS,
          });
        } catch (err) {
          templates = previous;
          throw err;
        }
        plan.commit();
        reloadOK.set(1);
        const signature = configSignature(cfg.groups);
        if (signature === applied && poll) return;
        if (signature !== applied) reloadTime.set(Date.now() / 1000);
        applied = signature;
        logger.info({ reason, groups: cfg.groups.length }, "config reloaded");
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        reloadErrorsTotal.inc();
        reloadOK.set(0);
        engine.setReloadError(msg);
        logger.error({ reason }, `config reload failed, the previous config stays: ${msg}`);
        // Reported above; callers (/-/reload) get a TsalertError they need not log again.
        throw err instanceof TsalertError ? err : new TsalertError("TSA_CONFIG", msg, { cause: err });
      }
    });
    reloading = next.catch(() => {});
    return next;
  };

  let peers: PeerClient | undefined;
  const closeClients = () =>
    Promise.all([
      notifiers.close(),
      writer?.close(0),
      tenants.close(0),
      querierFactory.close(),
      readFactory?.close(),
      peers?.close(),
    ]);
  // The listeners come first: an instance that cannot have its port (a second one on the same flags)
  // stops here, before it has read or written the -state.path file or evaluated anything. Until the engine
  // runs, the engine's routes and /health answer 503.
  const redacted = flags.redactedFlags();
  let http: HttpServer;
  try {
    const httpOpts = httpOptionsFromFlags(flags);
    // The merged view asks the other members with this member's own server credentials: members share flags.
    if (isClustered(cluster.membership) && cluster.membership.urlTemplate !== "") {
      peers = createPeerClient({
        membership: cluster.membership,
        ...clusterPeerLimits(flags),
        username: httpOpts.username,
        password: httpOpts.password,
        logger: logger.child({ component: "cluster" }),
      });
    }
    const viewFor = isClustered(cluster.membership) ? createClusterView({ engine, cluster, peers }) : undefined;
    http = await createHttpServer(
      { ...httpOpts, waitForEngine: true },
      engine,
      {
        reload: () => reload("/-/reload"),
        flags: () => Object.fromEntries(redacted.map((f) => [f.name, f.value])),
        viewFor,
      },
      logger.child({ component: "http" }),
    );
  } catch (err) {
    await closeClients();
    const addrs = flags.list("httpListenAddr").join(",") || ":8880";
    throw new TsalertError("TSA_HTTP", `-httpListenAddr=${addrs}: cannot start the HTTP server: ${errorText(err)}`, {
      cause: err,
    });
  }
  try {
    await engine.start(initialPlan.owned);
    initialPlan.commit();
  } catch (err) {
    // Not engine.stop(): that would write the state file of an engine that never ran.
    await http.close();
    await closeClients();
    throw err;
  }
  http.engineStarted();
  reloadOK.set(1);
  reloadTime.set(Date.now() / 1000);
  const rules = initialPlan.owned.reduce((n, g) => n + g.rules.length, 0);
  logger.info(
    { groups: initialPlan.owned.length, rules, http: http.urls, externalURL: settings.externalURL },
    "tsalert started",
  );

  const stopPush = startMetricsPush(pushMetricsOptions(flags), logger.child({ component: "pushmetrics" }));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await stopPush();
      await http.close();
      await reloading;
      await engine.stop(EVAL_DRAIN_MS);
      await Promise.all([writer?.close(WRITE_DRAIN_MS), tenants.close(WRITE_DRAIN_MS)]);
      await Promise.all([notifiers.close(), querierFactory.close(), readFactory?.close(), peers?.close()]);
    })();
    return stopping;
  };
  return { engine, http, reload, stop };
}

export async function run(flags: FlagSet, logger: Logger): Promise<number> {
  // Signals are handled from the start to the end: Node's default action for SIGHUP, SIGTERM and SIGINT
  // ends the process, which would cut startup short or, during shutdown, skip the remote-write drain and
  // lose the queued samples uncounted. A SIGHUP reloads once started; once shutting down, further signals
  // are logged once and ignored.
  let instance: Instance | undefined;
  let hupPending = false;
  let stopping = false;
  let ignoredLogged = false;
  let onStop: (signal: NodeJS.Signals) => void = () => {};
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    onStop = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (!ignoredLogged) {
        logger.warn(
          { signal },
          `${signal} received while shutting down: ignored, the shutdown goes on (SIGKILL stops at once)`,
        );
      }
      ignoredLogged = true;
      return;
    }
    if (signal === "SIGHUP") {
      logger.info("SIGHUP received, reloading config");
      if (instance) instance.reload("SIGHUP").catch(() => {});
      else hupPending = true;
      return;
    }
    stopping = true;
    onStop(signal);
  };
  const signals: NodeJS.Signals[] = ["SIGHUP", "SIGTERM", "SIGINT"];
  for (const s of signals) process.on(s, onSignal);
  const release = () => {
    for (const s of signals) process.off(s, onSignal);
  };
  let exitCode = 0;
  const fatal = (msg: string) => {
    logger.fatal(msg);
    exitCode = 1;
    if (!stopping) {
      stopping = true;
      onStop("SIGTERM");
    }
  };
  try {
    instance = await startInstance(flags, logger, fatal);
  } catch (err) {
    release();
    // A startup failure is the user's to fix: one clear line, no stack trace.
    logger.fatal(err instanceof TsalertError ? err.message : `cannot start: ${errorText(err)}`);
    return err instanceof TsalertError && err.code === "TSA_FLAG" ? 2 : 1;
  }
  const running = instance;
  if (hupPending) running.reload("SIGHUP").catch(() => {});
  const timers: NodeJS.Timeout[] = [];
  const checkEvery = flags.duration("configCheckInterval") || flags.duration("rule.configCheckInterval");
  if (checkEvery > 0) {
    timers.push(setInterval(() => running.reload("configCheckInterval").catch(() => {}), checkEvery).unref());
  }
  const signal = await stopSignal;
  logger.info({ signal }, "shutting down");
  for (const t of timers) clearInterval(t);
  await running.stop();
  logger.info("stopped");
  release();
  return exitCode;
}
