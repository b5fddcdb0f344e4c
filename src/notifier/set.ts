// The notifier targets the engine sends to: -notifier.url list, -notifier.config (static and DNS
// discovered targets, reloadable), or -notifier.blackhole. One AlertmanagerNotifier per target URL.
import type { Logger } from "pino";
import { errorMessage, TsalertError } from "../errors.js";
import { redactURL } from "../net/redact.js";
import type { ClientOptions } from "../net/types.js";
import { AlertmanagerNotifier } from "./alertmanager.js";
import { BlackholeNotifier } from "./blackhole.js";
import { closeTargets, configNotifierSet, type Target } from "./configset.js";
import type { DnsResolver } from "./discovery.js";
import type { ManagedNotifierSet, Notifier } from "./types.js";

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

const DEFAULT_DNS_INTERVAL_MS = 30_000;

/** `<url>/api/v2/alerts`, keeping a query string the URL may carry; throws for a malformed URL. */
export function notifierURL(base: string): string {
  const u = new URL(base);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`unsupported scheme ${u.protocol}`);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/api/v2/alerts`;
  return u.toString();
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
  if (opts.configFile) {
    return configNotifierSet({
      file: opts.configFile,
      logger: opts.logger,
      showURL: opts.showURL,
      suppressDuplicateTargetErrors: opts.suppressDuplicateTargetErrors,
      dnsSDCheckInterval: opts.dnsSDCheckInterval ?? DEFAULT_DNS_INTERVAL_MS,
      resolver: opts.resolver,
    });
  }
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
        `-notifier.url: invalid URL ${JSON.stringify(redactURL(u.url, u.showURL))}: ${errorMessage(err)}`,
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
