// The normal run mode: builds the clients (./clients.ts), the engine and the HTTP server from the flags,
// then runs until SIGTERM/SIGINT. Reloads (SIGHUP, /-/reload, -configCheckInterval) are ./reload.ts's.
import type { Logger } from "pino";
import { type Cluster, createCluster, createClusterView, isClustered } from "../cluster/index.js";
import { errorMessage, TsalertError } from "../errors.js";
import { createHttpServer, type HttpServer, httpOptionsFromFlags } from "../http/index.js";
import { startMetricsPush } from "../metricspush.js";
import { Engine, groupConfigID, systemClock } from "../rule/index.js";
import type { EngineSettings } from "../rule/types.js";
import { compileTemplate } from "../template/index.js";
import { buildClients, type RunClients } from "./clients.js";
import type { FlagSet } from "./flagset.js";
import { engineSettings, membershipFromFlags, pushMetricsOptions } from "./options.js";
import { checkDestinations, createReloader, loadConfig, TemplateSlot } from "./reload.js";

/** How long shutdown waits for the remote-write queue to drain. */
const WRITE_DRAIN_MS = 30_000;
/** How long shutdown lets iterations in flight finish, so none is written to remote storage in part. */
const EVAL_DRAIN_MS = 5_000;

/** A stoppable running instance; `run` wraps it with signal handling. */
export interface Instance {
  engine: Engine;
  http: HttpServer;
  reload(reason: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The listeners come first: an instance that cannot have its port (a second one on the same flags) stops
 * here, before it has read or written the -state.path file or evaluated anything. Until the engine runs,
 * the engine's routes and /health answer 503.
 */
async function listen(
  flags: FlagSet,
  engine: Engine,
  cluster: Cluster,
  clients: RunClients,
  reload: () => Promise<void>,
  logger: Logger,
): Promise<HttpServer> {
  const redacted = flags.redactedFlags();
  try {
    const viewFor = isClustered(cluster.membership)
      ? createClusterView({ engine, cluster, peers: clients.peers })
      : undefined;
    return await createHttpServer(
      { ...httpOptionsFromFlags(flags), waitForEngine: true },
      engine,
      { reload, flags: () => Object.fromEntries(redacted.map((f) => [f.name, f.value])), viewFor },
      logger.child({ component: "http" }),
    );
  } catch (err) {
    const addrs = flags.list("httpListenAddr").join(",") || ":8880";
    throw new TsalertError("TSA_HTTP", `-httpListenAddr=${addrs}: cannot start the HTTP server: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function newEngine(settings: EngineSettings, clients: RunClients, templates: TemplateSlot, logger: Logger): Engine {
  return new Engine(
    {
      querierFactory: clients.querierFactory,
      notifiers: clients.notifiers,
      writer: clients.writer,
      writerFor: settings.clusterMode ? clients.writerFor : undefined,
      restorer: clients.restorer,
      stateFile: clients.stateFile,
      // Reads the slot at compile time, so groups rebuilt by a reload see reloaded -rule.templates.
      compileTemplate: (text, opts) => compileTemplate(text, { ...opts, set: templates.current() }),
      clock: systemClock,
      logger,
      settings,
    },
    { notifierGroups: () => clients.notifiers.notifiersView() },
  );
}

export async function startInstance(
  flags: FlagSet,
  logger: Logger,
  fatal: (msg: string) => void = (msg) => logger.fatal(msg),
): Promise<Instance> {
  if (flags.list("rule").length === 0) throw new TsalertError("TSA_FLAG", "-rule is empty: pass -rule=PATH_OR_GLOB");
  const settings = engineSettings(flags);
  const cluster = createCluster(membershipFromFlags(flags), logger.child({ component: "cluster" }), {
    groupID: groupConfigID,
  });
  const initial = await loadConfig(flags);
  checkDestinations(flags, initial.groups);
  // With -cluster.membersCount > 1 the engine runs this member's share; every member checks the whole set.
  const initialPlan = cluster.plan(initial.groups);
  const templates = new TemplateSlot(initial.templates);
  const clients = await buildClients(flags, logger, fatal, cluster.membership);
  const engine = newEngine(settings, clients, templates, logger);
  const reloader = createReloader(
    flags,
    templates,
    {
      reloadNotifiers: () => clients.notifiers.reload(),
      async updateEngine(groups) {
        const plan = cluster.plan(groups);
        // Groups that moved here restore their alerts; groups that moved away finish and flush, as at shutdown.
        await engine.update(plan.owned, {
          restore: plan.restore,
          handOff: plan.handOff,
          handOffGraceMs: EVAL_DRAIN_MS,
        });
        plan.commit();
      },
      setReloadError: (msg) => engine.setReloadError(msg),
    },
    logger,
  );
  let http: HttpServer | undefined;
  try {
    http = await listen(flags, engine, cluster, clients, () => reloader.reload("/-/reload"), logger);
    await engine.start(initialPlan.owned);
    initialPlan.commit();
  } catch (err) {
    // Not engine.stop(): that would write the state file of an engine that never ran.
    await http?.close();
    await clients.close(0);
    throw err;
  }
  const server = http;
  server.engineStarted();
  reloader.started(initial.groups);
  const rules = initialPlan.owned.reduce((n, g) => n + g.rules.length, 0);
  logger.info(
    { groups: initialPlan.owned.length, rules, http: server.urls, externalURL: settings.externalURL },
    "tsalert started",
  );

  const stopPush = startMetricsPush(pushMetricsOptions(flags), logger.child({ component: "pushmetrics" }));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await stopPush();
      await server.close();
      await reloader.idle();
      await engine.stop(EVAL_DRAIN_MS);
      await clients.close(WRITE_DRAIN_MS);
    })();
    return stopping;
  };
  return { engine, http: server, reload: reloader.reload, stop };
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
    logger.fatal(err instanceof TsalertError ? err.message : `cannot start: ${errorMessage(err)}`);
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
