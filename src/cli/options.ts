// Flag values mapped onto the options of the engine, the datasource and the remote writer. The run
// mode and replay both build from here, so a flag means the same in both.
import { hostname } from "node:os";
import { type Membership, parseMembership } from "../cluster/membership.js";
import type { GroupDefaults } from "../config/types.js";
import { type DatasourceOptions, parseTenant, tenantURL } from "../datasource/index.js";
import { errorMessage, TsalertError } from "../errors.js";
import type { LoggerOptions } from "../log.js";
import type { PushMetricsOptions } from "../metricspush.js";
import { parseHeaderList } from "../net/headers.js";
import { outboxDir, type RemoteWriterOptions, writeURL } from "../remotewrite/index.js";
import { parseSemantics, type RuleSemantics, SEMANTICS } from "../rule/semantics.js";
import type { EngineSettings } from "../rule/types.js";
import {
  checkRemoteWriteItems,
  clientOptionsFromFlags,
  remoteWriteClientOptions,
  remoteWriteItem,
} from "./clientflags.js";
import type { FlagSet } from "./flagset.js";

/** -external.label (or another name=value list flag) items, split at the first `=` (checkFlagValues has rejected items without one). */
export function externalLabels(flags: FlagSet, flag = "external.label"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of flags.list(flag)) {
    const i = item.indexOf("=");
    if (i > 0) out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** vmalert's default -external.url: http(s)://<hostname>:<port of the first -httpListenAddr>. */
export function externalURL(flags: FlagSet): string {
  const raw = flags.string("external.url");
  if (raw !== "") return raw.replace(/\/+$/, "");
  const addr = flags.list("httpListenAddr")[0] ?? ":8880";
  const port = /:(\d+)$/.exec(addr)?.[1] ?? "8880";
  const scheme = flags.boolList("tls")[0] ? "https" : "http";
  return `${scheme}://${hostname()}:${port}`;
}

/** -defaultTenant.*: checked at start, so a typo fails with the flag named rather than in a group. */
function defaultTenants(flags: FlagSet): { prometheus?: string; graphite?: string } {
  const out: { prometheus?: string; graphite?: string } = {};
  for (const type of ["prometheus", "graphite"] as const) {
    const v = flags.string(`defaultTenant.${type}`).trim();
    if (v === "") continue;
    try {
      parseTenant(v);
    } catch (err) {
      throw new TsalertError("TSA_FLAG", `-defaultTenant.${type}: ${errorMessage(err)}`);
    }
    out[type] = v;
  }
  return out;
}

function atLeast(flags: FlagSet, name: string, min: number): number {
  const v = flags.int(name);
  if (v < min) throw new TsalertError("TSA_FLAG", `invalid value "${v}" for flag -${name}: must be at least ${min}`);
  return v;
}

/** -rule.semantics (a bad value is a flag error). */
export function ruleSemantics(flags: FlagSet): RuleSemantics {
  return parseSemantics(flags.string("rule.semantics"));
}

/** -rule.evalDelay when given, else the semantics' default (Prometheus: 0, its query_offset) or the flag's. */
function evalDelay(flags: FlagSet, semantics: RuleSemantics): number {
  const def = SEMANTICS[semantics].defaultEvalDelay;
  return flags.isSet("rule.evalDelay") || def === null ? flags.duration("rule.evalDelay") : def;
}

/** -disableAlertgroupLabel, which Prometheus semantics imply (Prometheus has no `alertgroup` label). */
export function alertgroupLabelDisabled(flags: FlagSet): boolean {
  return flags.bool("disableAlertgroupLabel") || !SEMANTICS[ruleSemantics(flags)].alertgroupLabel;
}

/** -cluster.membersCount, -cluster.memberNum, -cluster.replicationFactor, -cluster.memberURLTemplate. */
export function membershipFromFlags(flags: FlagSet): Membership {
  return parseMembership({
    membersCount: flags.int("cluster.membersCount"),
    memberNum: flags.string("cluster.memberNum"),
    replicationFactor: flags.int("cluster.replicationFactor"),
    memberURLTemplate: flags.string("cluster.memberURLTemplate"),
  });
}

/** -cluster.peerTimeout and -cluster.peerMaxResponseSize: both bound what a peer can cost, so 0 is refused. */
export function clusterPeerLimits(flags: FlagSet): { timeoutMs: number; maxBytes: number } {
  const timeoutMs = flags.duration("cluster.peerTimeout");
  const maxBytes = flags.int("cluster.peerMaxResponseSize");
  if (timeoutMs <= 0) {
    throw new TsalertError("TSA_FLAG", "-cluster.peerTimeout must be positive: a peer that hangs would block the page");
  }
  if (maxBytes <= 0) throw new TsalertError("TSA_FLAG", "-cluster.peerMaxResponseSize must be positive");
  return { timeoutMs, maxBytes };
}

/** -evaluationInterval, -rule.evalDelay, -rule.resultsLimit, -rule.semantics: the loader applies them to every group. */
export function groupDefaults(flags: FlagSet): GroupDefaults {
  const semantics = ruleSemantics(flags);
  return {
    evaluationInterval: flags.duration("evaluationInterval"),
    evalDelay: evalDelay(flags, semantics),
    resultsLimit: flags.int("rule.resultsLimit"),
    evalAlignment: SEMANTICS[semantics].alignByDefault,
  };
}

export function engineSettings(flags: FlagSet): EngineSettings {
  return {
    semantics: ruleSemantics(flags),
    resendDelay: flags.duration("rule.resendDelay"),
    maxResolveDuration: flags.duration("rule.maxResolveDuration"),
    externalLabels: externalLabels(flags),
    externalURL: externalURL(flags),
    externalURLRaw: flags.string("external.url"),
    alertSourceTemplate: flags.string("external.alert.source") || undefined,
    disableAlertgroupLabel: alertgroupLabelDisabled(flags),
    maxStartDelay: flags.duration("group.maxStartDelay"),
    updateEntriesLimit: flags.int("rule.updateEntriesLimit"),
    stripFilePath: flags.bool("rule.stripFilePath"),
    maxActiveAlerts: flags.int("rule.maxActiveAlerts"),
    templateTimeout: flags.duration("rule.templateTimeout"),
    maxConcurrency: atLeast(flags, "rule.maxConcurrency", 1),
    maxConcurrentEvals: atLeast(flags, "rule.maxConcurrentEvals", 0),
    writeVisibilityDelay: flags.duration("rule.writeVisibilityDelay"),
    clusterMode: flags.bool("clusterMode"),
    defaultTenants: defaultTenants(flags),
  };
}

/** -datasource.* flags; throws TSA_FLAG when -datasource.url is empty. */
export function datasourceOptions(flags: FlagSet): DatasourceOptions {
  const url = flags.string("datasource.url");
  if (url === "") throw new TsalertError("TSA_FLAG", "-datasource.url is empty: it is required unless -dryRun is set");
  return {
    url,
    ...clientOptionsFromFlags(flags, "datasource"),
    appendTypePrefix: flags.bool("datasource.appendTypePrefix"),
    disablePathAppend: flags.bool("remoteRead.disablePathAppend"),
    queryStep: flags.duration("datasource.queryStep"),
    disableStepParam: flags.bool("datasource.disableStepParam"),
    roundDigits: flags.int("datasource.roundDigits"),
    lookback: flags.duration("datasource.lookback"),
    queryTimeAlignment: flags.bool("datasource.queryTimeAlignment"),
    queryTimeout: flags.duration("datasource.queryTimeout"),
    maxResponseBytes: flags.int("datasource.maxResponseSize"),
    millisecondTime: SEMANTICS[ruleSemantics(flags)].millisecondTimes,
  };
}

/**
 * -remoteRead.*: the querier the state restorer asks, undefined without -remoteRead.url. Queries are bounded
 * and capped as the datasource's are (-datasource.queryTimeout, -datasource.maxResponseSize).
 */
export function remoteReadOptions(flags: FlagSet): DatasourceOptions | undefined {
  const url = flags.string("remoteRead.url");
  if (url === "") return undefined;
  return {
    url,
    ...clientOptionsFromFlags(flags, "remoteRead"),
    disablePathAppend: flags.bool("remoteRead.disablePathAppend"),
    queryTimeout: flags.duration("datasource.queryTimeout"),
    maxResponseBytes: flags.int("datasource.maxResponseSize"),
  };
}

/** The -remoteWrite.url items given (empty ones are not URLs). */
export function remoteWriteURLs(flags: FlagSet): string[] {
  return flags.list("remoteWrite.url").filter((u) => u.trim() !== "");
}

export interface RemoteWriteSelection {
  /** -clusterMode tenant: each URL becomes `<url>/insert/<tenant>/prometheus`. */
  tenant?: string;
  /** Whether -remoteWrite.tmpDataPath applies (replay writes through memory queues). */
  outbox?: boolean;
}

/** One RemoteWriterOptions per -remoteWrite.url (none without it), each with its item of the per-URL flags. */
export function remoteWriterOptions(flags: FlagSet, sel: RemoteWriteSelection = {}): RemoteWriterOptions[] {
  const urls = remoteWriteURLs(flags);
  checkRemoteWriteItems(flags, urls.length);
  const tmp = sel.outbox === false ? "" : flags.string("remoteWrite.tmpDataPath");
  const disablePathAppend = flags.bool("remoteWrite.disablePathAppend");
  const seen = new Map<string, number>();
  return urls.map((base, i) => {
    const url = sel.tenant === undefined ? base : tenantURL(base, "insert", sel.tenant);
    const target = writeURL(url, disablePathAppend);
    const occurrence = (seen.get(target) ?? 0) + 1;
    seen.set(target, occurrence);
    const maxDisk = remoteWriteItem(flags, "remoteWrite.maxDiskUsagePerURL", i, urls.length);
    return {
      url,
      disablePathAppend,
      concurrency: flags.int("remoteWrite.concurrency"),
      flushInterval: flags.duration("remoteWrite.flushInterval"),
      maxBatchSize: flags.int("remoteWrite.maxBatchSize"),
      maxQueueSize: flags.int("remoteWrite.maxQueueSize"),
      sendTimeout: flags.duration("remoteWrite.sendTimeout"),
      retryMinInterval: flags.duration("remoteWrite.retryMinInterval"),
      retryMaxTime: flags.duration("remoteWrite.retryMaxTime"),
      client: remoteWriteClientOptions(flags, i, urls.length),
      outbox:
        tmp === ""
          ? undefined
          : { dir: outboxDir(tmp, target, occurrence), maxDiskBytes: typeof maxDisk === "number" ? maxDisk : 0 },
    };
  });
}

/** -pushmetrics.* flags. */
export function pushMetricsOptions(flags: FlagSet): PushMetricsOptions {
  return {
    urls: flags.list("pushmetrics.url"),
    interval: flags.duration("pushmetrics.interval"),
    extraLabels: externalLabels(flags, "pushmetrics.extraLabel"),
    headers: parseHeaderList(flags.list("pushmetrics.header"), "-pushmetrics.header"),
    disableCompression: flags.bool("pushmetrics.disableCompression"),
    exposeMetadata: flags.bool("metrics.exposeMetadata"),
  };
}

/** The -logger* flags; run mode and replay log alike. */
export function loggerOptions(flags: FlagSet): LoggerOptions {
  return {
    level: flags.string("loggerLevel"),
    format: flags.string("loggerFormat"),
    output: flags.string("loggerOutput"),
    disableTimestamps: flags.bool("loggerDisableTimestamps"),
    timezone: flags.string("loggerTimezone"),
    jsonFields: flags.string("loggerJSONFields"),
    maxArgLen: flags.int("loggerMaxArgLen"),
    errorsPerSecondLimit: flags.int("loggerErrorsPerSecondLimit"),
    warnsPerSecondLimit: flags.int("loggerWarnsPerSecondLimit"),
  };
}
