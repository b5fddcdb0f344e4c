// -notifier.config as a notifier set: static targets and dns_sd_configs targets built from the file,
// DNS names resolved again every -promscrape.dnsSDCheckInterval, the whole file re-read on reload. A
// target whose URL stays keeps its notifier (and its lastError) across a DNS refresh.

import type { Logger } from "pino";
import { errorMessage } from "../errors.js";
import type { ClientOptions } from "../net/types.js";
import { AlertmanagerNotifier } from "./alertmanager.js";
import { loadNotifierConfig, type NotifierFileConfig } from "./config.js";
import { type DnsResolver, resolveDnsGroup, systemResolver } from "./discovery.js";
import { removeTargetMetrics } from "./metrics.js";
import type { Labels } from "./relabel.js";
import { resolveTarget } from "./targets.js";
import type { ApiNotifierGroup, ManagedNotifierSet, Notifier } from "./types.js";

/** One Alertmanager and its labels after relabeling (shown by /api/v1/notifiers). */
export interface Target {
  notifier: AlertmanagerNotifier;
  labels: Labels;
}

/** Closes the targets; the per-target metrics go too, except for addresses in `keep` (still in use). */
export async function closeTargets(list: readonly Target[], keep: ReadonlySet<string> = new Set()): Promise<void> {
  await Promise.all(
    list.map(async (t) => {
      if (!keep.has(t.notifier.addr())) removeTargetMetrics(t.notifier.addr());
      await t.notifier.close();
    }),
  );
}

export interface ConfigSetOptions {
  file: string;
  logger: Logger;
  /** -notifier.showURL */
  showURL?: boolean;
  /** -notifier.suppressDuplicateTargetErrors */
  suppressDuplicateTargetErrors?: boolean;
  /** ms between DNS refreshes. */
  dnsSDCheckInterval: number;
  resolver?: DnsResolver;
}

/** Turns a loaded file into targets; `seen` drops a second target with the same URL. */
class TargetBuilder {
  constructor(private readonly o: ConfigSetOptions) {}

  statics(c: NotifierFileConfig, seen: Set<string>): Target[] {
    const out: Target[] = [];
    for (const g of c.static) {
      for (const addr of g.targets) {
        const t = this.make(c, addr, {}, g.client, g.alertRelabel, seen, new Map());
        if (t) out.push(t);
      }
    }
    return out;
  }

  /** New DNS targets per group, and the previous ones that are gone (closed by the caller once unpublished). */
  async dns(
    c: NotifierFileConfig,
    seen: Set<string>,
    previous: Target[][],
  ): Promise<{ groups: Target[][]; gone: Target[] }> {
    const out: Target[][] = [];
    const gone: Target[] = [];
    for (const [i, g] of c.dns.entries()) {
      const reuse = new Map((previous[i] ?? []).map((t) => [t.notifier.url, t]));
      const found = await resolveDnsGroup(g, this.o.resolver ?? systemResolver, (name, err) =>
        this.o.logger.error(
          `-notifier.config ${this.o.file}: cannot resolve dns_sd_configs name "${name}": ${err.message}`,
        ),
      );
      const targets: Target[] = [];
      for (const d of found) {
        const t = this.make(c, d.address, d.meta, c.client, g.alertRelabel, seen, reuse);
        if (t) targets.push(t);
      }
      out.push(targets);
      gone.push(...reuse.values());
    }
    return { groups: out, gone };
  }

  private make(
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
      if (!this.o.suppressDuplicateTargetErrors) {
        this.o.logger.warn(`-notifier.config ${this.o.file}: skipping duplicate target ${r.url}`);
      }
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
      showURL: this.o.showURL,
      url: r.url,
      sendTimeout: cfg.timeoutMs,
      globalRelabel: cfg.alertRelabel,
      relabel: alertRelabel,
      logger: this.o.logger,
    });
    return { notifier, labels: r.labels };
  }
}

class ConfigNotifierSet implements ManagedNotifierSet {
  private list: Notifier[] = [];
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly o: ConfigSetOptions,
    private readonly build: TargetBuilder,
    private cfg: NotifierFileConfig,
    private statics: Target[],
    private dnsTargets: Target[][],
  ) {
    this.publish();
    this.timer = setInterval(() => {
      this.refreshDiscovery().catch((err: unknown) =>
        o.logger.error(`-notifier.config ${o.file}: discovery failed: ${errorMessage(err)}`),
      );
    }, o.dnsSDCheckInterval);
    this.timer.unref();
  }

  private publish(): void {
    this.list = [...this.statics, ...this.dnsTargets.flat()].map((t) => t.notifier);
  }

  notifiers(): Notifier[] {
    return this.list;
  }

  async refreshDiscovery(): Promise<void> {
    if (this.closed || this.cfg.dns.length === 0) return;
    const c = this.cfg;
    const next = await this.build.dns(c, new Set(this.statics.map((t) => t.notifier.url)), this.dnsTargets);
    // A reload during the lookups replaced the config (and closed the old targets); its own targets win.
    if (c !== this.cfg || this.closed) {
      await closeTargets(next.groups.flat().filter((t) => !this.list.includes(t.notifier)));
      return;
    }
    this.dnsTargets = next.groups;
    this.publish();
    await closeTargets(next.gone, new Set(this.list.map((n) => n.addr())));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await closeTargets([...this.statics, ...this.dnsTargets.flat()]);
  }

  async reload(): Promise<boolean> {
    const next = await loadNotifierConfig(this.o.file);
    if (next.checksum === this.cfg.checksum) return false;
    const oldTargets = [...this.statics, ...this.dnsTargets.flat()];
    const nextStatics = this.build.statics(next, new Set());
    const nextDns = (await this.build.dns(next, new Set(nextStatics.map((t) => t.notifier.url)), [])).groups;
    this.cfg = next;
    this.statics = nextStatics;
    this.dnsTargets = nextDns;
    this.publish();
    await closeTargets(oldTargets, new Set(this.list.map((n) => n.addr())));
    this.o.logger.info(`-notifier.config ${this.o.file}: reloaded, ${this.list.length} targets`);
    return true;
  }

  notifiersView(): ApiNotifierGroup[] {
    const groups: ApiNotifierGroup[] = [];
    const show = (ts: Target[]) =>
      ts.map((t) => ({ address: t.notifier.addr(), labels: t.labels, lastError: t.notifier.lastError() }));
    if (this.statics.length > 0) groups.push({ kind: "static", targets: show(this.statics) });
    const dns = this.dnsTargets.flat();
    if (dns.length > 0) groups.push({ kind: "DNSSD", targets: show(dns) });
    return groups;
  }
}

/** Loads the file and builds its targets; a bad file throws TsalertError("TSA_CONFIG"). */
export async function configNotifierSet(o: ConfigSetOptions): Promise<ManagedNotifierSet> {
  const build = new TargetBuilder(o);
  const cfg = await loadNotifierConfig(o.file);
  const statics = build.statics(cfg, new Set());
  const dns = (await build.dns(cfg, new Set(statics.map((t) => t.notifier.url)), [])).groups;
  return new ConfigNotifierSet(o, build, cfg, statics, dns);
}
