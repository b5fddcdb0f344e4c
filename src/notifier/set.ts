// The notifier targets the engine sends to: -notifier.url list, -notifier.config (static and DNS
// discovered targets, reloadable), or -notifier.blackhole. One AlertmanagerNotifier per target URL.
import type { Logger } from "pino";
import { TsalertError } from "../errors.js";
import { redactURL } from "../net/redact.js";
import type { ClientOptions } from "../net/types.js";
import type { ApiNotifierGroup } from "../rule/api.js";
import { AlertmanagerNotifier } from "./alertmanager.js";
import { BlackholeNotifier } from "./blackhole.js";
import { loadNotifierConfig, type NotifierFileConfig } from "./config.js";
import { type DnsResolver, resolveDnsGroup, systemResolver } from "./discovery.js";
import { removeTargetMetrics } from "./metrics.js";
import type { Labels } from "./relabel.js";
import { resolveTarget } from "./targets.js";
import type { Notifier, NotifierSet } from "./types.js";

/** One -notifier.url with its per-URL flags (auth/TLS arrays, -notifier.headers, -notifier.sendTimeout). */
export interface NotifierURLOptions extends ClientOptions {
  /** `/api/v2/alerts` is appended after trimming trailing `/`. */
  url: string;
  /** ms, default 10s. */
  sendTimeout?: number;
}

export interface NotifierSetOptions {
  logger: Logger;
  urls?: NotifierURLOptions[];
  /** -notifier.config */
  configFile?: string;
  /** -notifier.blackhole */
  blackhole?: boolean;
  /** -notifier.showURL, for targets from -notifier.config (URL targets carry their own showURL). */
  showURL?: boolean;
  /** -promscrape.dnsSDCheckInterval, ms (default 30s). */
  dnsSDCheckInterval?: number;
  /** -notifier.suppressDuplicateTargetErrors */
  suppressDuplicateTargetErrors?: boolean;
  /** DNS lookups (tests); default node:dns. */
  resolver?: DnsResolver;
}

export interface ManagedNotifierSet extends NotifierSet {
  /**
   * Re-reads -notifier.config if its content changed (SIGHUP, /-/reload, -configCheckInterval). Returns
   * whether targets were rebuilt. A bad file throws TsalertError("TSA_CONFIG") and the old targets stay.
   * Without -notifier.config it does nothing and returns false.
   */
  reload(): Promise<boolean>;
  /** The `/api/v1/notifiers` data. */
  notifiersView(): ApiNotifierGroup[];
  /** Resolves dns_sd_configs again now (the timer does it every dnsSDCheckInterval). */
  refreshDiscovery(): Promise<void>;
}

interface Target {
  notifier: AlertmanagerNotifier;
  labels: Labels;
}

const DEFAULT_DNS_INTERVAL_MS = 30_000;

/** `<url>/api/v2/alerts`, keeping a query string the URL may carry; throws for a malformed URL. */
export function notifierURL(base: string): string {
  const u = new URL(base);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`unsupported scheme ${u.protocol}`);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/api/v2/alerts`;
  return u.toString();
}

async function closeTargets(list: readonly Target[], keep: ReadonlySet<string> = new Set()): Promise<void> {
  await Promise.all(
    list.map(async (t) => {
      if (!keep.has(t.notifier.addr())) removeTargetMetrics(t.notifier.addr());
      await t.notifier.close();
    }),
  );
}

export async function createNotifierSet(opts: NotifierSetOptions): Promise<ManagedNotifierSet> {
  const modes = [
    opts.urls && opts.urls.length > 0 ? "-notifier.url" : "",
    opts.configFile ? "-notifier.config" : "",
    opts.blackhole ? "-notifier.blackhole" : "",
  ].filter(Boolean);
  if (modes.length > 1) {
    throw new TsalertError(
      "TSA_FLAG",
      `only one of -notifier.url, -notifier.config, -notifier.blackhole may be set; got ${modes.join(", ")}`,
    );
  }
  if (opts.blackhole) return blackholeSet();
  if (opts.configFile) return configSet(opts, opts.configFile);
  return urlSet(opts);
}

function blackholeSet(): ManagedNotifierSet {
  const list: Notifier[] = [new BlackholeNotifier()];
  return {
    notifiers: () => list,
    close: async () => {},
    reload: async () => false,
    // vmalert lists the blackhole notifier among the static targets.
    notifiersView: () => [{ kind: "static", targets: [{ address: "blackhole", labels: {}, lastError: "" }] }],
    refreshDiscovery: async () => {},
  };
}

function urlSet(opts: NotifierSetOptions): ManagedNotifierSet {
  const targets: Target[] = (opts.urls ?? []).map((u) => {
    let url: string;
    try {
      url = notifierURL(u.url);
    } catch (err) {
      throw new TsalertError(
        "TSA_FLAG",
        `-notifier.url: invalid URL ${JSON.stringify(redactURL(u.url, u.showURL))}: ${(err as Error).message}`,
      );
    }
    return { notifier: new AlertmanagerNotifier({ ...u, url, logger: opts.logger }), labels: {} };
  });
  const list: Notifier[] = targets.map((t) => t.notifier);
  return {
    notifiers: () => list,
    close: () => closeTargets(targets),
    reload: async () => false,
    notifiersView: () =>
      targets.length === 0
        ? []
        : [
            {
              kind: "static",
              targets: targets.map((t) => ({
                address: t.notifier.addr(),
                labels: {},
                lastError: t.notifier.lastError(),
              })),
            },
          ],
    refreshDiscovery: async () => {},
  };
}

async function configSet(opts: NotifierSetOptions, file: string): Promise<ManagedNotifierSet> {
  const log = opts.logger;
  const resolver = opts.resolver ?? systemResolver;
  let cfg: NotifierFileConfig = await loadNotifierConfig(file);
  let statics: Target[] = [];
  let dnsTargets: Target[][] = [];
  let list: Notifier[] = [];
  let closed = false;

  function makeTarget(
    cfg: NotifierFileConfig,
    address: string,
    meta: Labels,
    client: ClientOptions,
    alertRelabel: NotifierFileConfig["alertRelabel"],
    seen: Set<string>,
    reuse: Map<string, Target>,
  ): Target | null {
    const r = resolveTarget(address, meta, cfg.scheme, cfg.pathPrefix, cfg.relabel);
    if (!r) return null;
    if (seen.has(r.url)) {
      if (!opts.suppressDuplicateTargetErrors) log.warn(`-notifier.config ${file}: skipping duplicate target ${r.url}`);
      return null;
    }
    seen.add(r.url);
    const old = reuse.get(r.url);
    if (old) {
      reuse.delete(r.url);
      return { notifier: old.notifier, labels: r.labels };
    }
    const notifier = new AlertmanagerNotifier({
      ...client,
      showURL: opts.showURL,
      url: r.url,
      sendTimeout: cfg.timeoutMs,
      globalRelabel: cfg.alertRelabel,
      relabel: alertRelabel,
      logger: log,
    });
    return { notifier, labels: r.labels };
  }

  function buildStatics(c: NotifierFileConfig, seen: Set<string>): Target[] {
    const out: Target[] = [];
    for (const g of c.static) {
      for (const addr of g.targets) {
        const t = makeTarget(c, addr, {}, g.client, g.alertRelabel, seen, new Map());
        if (t) out.push(t);
      }
    }
    return out;
  }

  /** New DNS targets per group, and the previous ones that are gone (closed by the caller once unpublished). */
  async function buildDns(
    c: NotifierFileConfig,
    seen: Set<string>,
    previous: Target[][],
  ): Promise<{ groups: Target[][]; gone: Target[] }> {
    const out: Target[][] = [];
    const gone: Target[] = [];
    for (const [i, g] of c.dns.entries()) {
      const reuse = new Map((previous[i] ?? []).map((t) => [t.notifier.url, t]));
      const found = await resolveDnsGroup(g, resolver, (name, err) =>
        log.error(`-notifier.config ${file}: cannot resolve dns_sd_configs name "${name}": ${err.message}`),
      );
      const targets: Target[] = [];
      for (const d of found) {
        const t = makeTarget(c, d.address, d.meta, c.client, g.alertRelabel, seen, reuse);
        if (t) targets.push(t);
      }
      out.push(targets);
      gone.push(...reuse.values());
    }
    return { groups: out, gone };
  }

  function publish(): void {
    list = [...statics, ...dnsTargets.flat()].map((t) => t.notifier);
  }

  statics = buildStatics(cfg, new Set());
  dnsTargets = (await buildDns(cfg, new Set(statics.map((t) => t.notifier.url)), [])).groups;
  publish();

  async function refreshDiscovery(): Promise<void> {
    if (closed || cfg.dns.length === 0) return;
    const c = cfg;
    const next = await buildDns(c, new Set(statics.map((t) => t.notifier.url)), dnsTargets);
    // A reload during the lookups replaced the config (and closed the old targets); its own targets win.
    if (c !== cfg || closed) {
      await closeTargets(next.groups.flat().filter((t) => !list.includes(t.notifier)));
      return;
    }
    dnsTargets = next.groups;
    publish();
    await closeTargets(next.gone, new Set(list.map((n) => n.addr())));
  }

  const timer = setInterval(() => {
    refreshDiscovery().catch((err: unknown) =>
      log.error(`-notifier.config ${file}: discovery failed: ${(err as Error).message}`),
    );
  }, opts.dnsSDCheckInterval ?? DEFAULT_DNS_INTERVAL_MS);
  timer.unref();

  return {
    notifiers: () => list,
    async close() {
      closed = true;
      clearInterval(timer);
      await closeTargets([...statics, ...dnsTargets.flat()]);
    },
    async reload() {
      const next = await loadNotifierConfig(file);
      if (next.checksum === cfg.checksum) return false;
      const oldTargets = [...statics, ...dnsTargets.flat()];
      const nextStatics = buildStatics(next, new Set());
      const nextDns = (await buildDns(next, new Set(nextStatics.map((t) => t.notifier.url)), [])).groups;
      cfg = next;
      statics = nextStatics;
      dnsTargets = nextDns;
      publish();
      await closeTargets(oldTargets, new Set(list.map((n) => n.addr())));
      log.info(`-notifier.config ${file}: reloaded, ${list.length} targets`);
      return true;
    },
    notifiersView() {
      const groups: ApiNotifierGroup[] = [];
      const show = (ts: Target[]) =>
        ts.map((t) => ({ address: t.notifier.addr(), labels: t.labels, lastError: t.notifier.lastError() }));
      if (statics.length > 0) groups.push({ kind: "static", targets: show(statics) });
      const dns = dnsTargets.flat();
      if (dns.length > 0) groups.push({ kind: "DNSSD", targets: show(dns) });
      return groups;
    },
    refreshDiscovery,
  };
}
