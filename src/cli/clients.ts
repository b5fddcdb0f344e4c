// What the run mode builds from the flags around the engine: the datasource, the notifiers, the remote
// writers (one per tenant with -clusterMode), the restore query client and the -state.path file. One
// owner for their cleanup: `close(drainMs)`, used both when the start fails and at shutdown.
import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Logger } from "pino";
import { createPeerClient, isClustered, type Membership, type PeerClient } from "../cluster/index.js";
import { type ClosableQuerierFactory, createQuerierFactory } from "../datasource/index.js";
import { errorMessage, TsalertError } from "../errors.js";
import { httpOptionsFromFlags } from "../http/index.js";
import { createNotifierSet, type ManagedNotifierSet } from "../notifier/index.js";
import { createRestorer } from "../remoteread/index.js";
import type { AlertRestorer } from "../remoteread/types.js";
import { createRemoteWriters, type RemoteWriter } from "../remotewrite/index.js";
import { outboundWriter } from "../rule/index.js";
import { createStateFile, type StateFile } from "../state/index.js";
import { notifierURLsFromFlags } from "./clientflags.js";
import type { FlagSet } from "./flagset.js";
import {
  clusterPeerLimits,
  datasourceOptions,
  engineSettings,
  remoteReadOptions,
  remoteWriterOptions,
} from "./options.js";

export interface RunClients {
  querierFactory: ClosableQuerierFactory;
  notifiers: ManagedNotifierSet;
  /** Undefined without -remoteWrite.url. */
  writer?: RemoteWriter;
  /** -clusterMode: the writer of a tenant (undefined without -remoteWrite.url). */
  writerFor(tenant: string): RemoteWriter | undefined;
  restorer?: AlertRestorer;
  stateFile?: StateFile;
  /** -cluster.memberURLTemplate: the client that asks the other members for the merged API view. */
  peers?: PeerClient;
  /** Remote writers drain for at most drainMs (0: drop what waits in memory), then every client closes. */
  close(drainMs: number): Promise<void>;
}

/** The state file is written next to itself (temp file, rename): its directory must be writable now, not at exit. */
function checkStateDir(path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new TsalertError("TSA_FLAG", `-state.path=${path}: directory ${dir} is not writable: ${errorMessage(err)}`);
  }
}

function remoteWriter(flags: FlagSet, logger: Logger, tenant?: string): RemoteWriter | undefined {
  const list = remoteWriterOptions(flags, { tenant });
  if (list.length === 0) return undefined;
  try {
    return outboundWriter(createRemoteWriters(list, logger), engineSettings(flags));
  } catch (err) {
    // Opening an outbox is the only way this fails: a directory in use or not writable.
    throw new TsalertError(
      "TSA_FLAG",
      `-remoteWrite.tmpDataPath=${flags.string("remoteWrite.tmpDataPath")}: cannot open the outbox: ${errorMessage(err)}`,
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
          `group "${q.groupName}": rule "${q.alertName}": cannot restore alerts state: ${errorMessage(err)}; stopping, as -remoteRead.ignoreRestoreErrors=false asks`,
        );
        throw err;
      }
    },
  };
}

/** Builds every client; when one fails, those already built are closed before the error goes on. */
export async function buildClients(
  flags: FlagSet,
  logger: Logger,
  fatal: (msg: string) => void,
  membership: Membership,
): Promise<RunClients> {
  type Closer = (drainMs: number) => Promise<unknown> | undefined;
  const writers: Closer[] = [];
  const others: Closer[] = [];
  const close = async (drainMs: number): Promise<void> => {
    // The writers drain first; the datasource stays open meanwhile, though nothing queries it any more.
    await Promise.all(writers.map((c) => c(drainMs)));
    await Promise.all(others.map((c) => c(drainMs)));
  };
  try {
    const querierFactory = createQuerierFactory(datasourceOptions(flags));
    others.push(() => querierFactory.close());
    const notifiers = await createNotifierSet({
      logger: logger.child({ component: "notifier" }),
      urls: notifierURLsFromFlags(flags),
      configFile: flags.string("notifier.config") || undefined,
      blackhole: flags.bool("notifier.blackhole"),
      showURL: flags.bool("notifier.showURL"),
      dnsSDCheckInterval: flags.duration("promscrape.dnsSDCheckInterval"),
      suppressDuplicateTargetErrors: flags.bool("notifier.suppressDuplicateTargetErrors"),
    });
    others.push(() => notifiers.close());
    const writer = remoteWriter(flags, logger.child({ component: "remotewrite" }));
    writers.push((ms) => writer?.close(ms));
    const tenants = tenantWriters(flags, logger.child({ component: "remotewrite" }));
    writers.push((ms) => tenants.close(ms));
    const readFactory = restoreQuerierFactory(flags);
    others.push(() => readFactory?.close());
    const baseRestorer = readFactory
      ? createRestorer({
          querierFactory: readFactory,
          lookback: flags.duration("remoteRead.lookback"),
          disableAlertgroupLabel: flags.bool("disableAlertgroupLabel"),
        })
      : undefined;
    const statePath = flags.string("state.path");
    if (statePath !== "") checkStateDir(statePath);
    let peers: PeerClient | undefined;
    if (isClustered(membership) && membership.urlTemplate !== "") {
      // The merged view asks the other members with this member's own server credentials: members share flags.
      const http = httpOptionsFromFlags(flags);
      peers = createPeerClient({
        membership,
        ...clusterPeerLimits(flags),
        username: http.username,
        password: http.password,
        logger: logger.child({ component: "cluster" }),
      });
      others.push(() => peers?.close());
    }
    return {
      querierFactory,
      notifiers,
      writer,
      writerFor: tenants.writerFor,
      restorer:
        baseRestorer && !flags.bool("remoteRead.ignoreRestoreErrors")
          ? strictRestorer(baseRestorer, fatal)
          : baseRestorer,
      stateFile: statePath !== "" ? createStateFile(statePath, logger) : undefined,
      peers,
      close,
    };
  } catch (err) {
    await close(0);
    throw err;
  }
}
