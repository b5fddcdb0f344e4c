// The notifier seam: alerts in Alertmanager v2 shape go to every target.

export interface NotifierAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt: Date;
  generatorURL: string;
}

export interface Notifier {
  /** Never throws for delivery failures that are the target's fault; rejects with context otherwise. */
  send(alerts: NotifierAlert[], headers?: Record<string, string>, signal?: AbortSignal): Promise<void>;
  /** Target address, redacted unless -notifier.showURL. */
  addr(): string;
  lastError(): string;
}

/** Where the rules get the current targets from (static flags, -notifier.config with SD, blackhole). */
export interface NotifierSet {
  notifiers(): Notifier[];
  close(): Promise<void>;
}

/** A target as /api/v1/notifiers shows it. */
export interface ApiNotifierTarget {
  address: string;
  labels: Record<string, string>;
  lastError: string;
}

export interface ApiNotifierGroup {
  kind: "static" | "consulSD" | "DNSSD" | "blackhole";
  targets: ApiNotifierTarget[];
}

/** The set the run mode builds from the -notifier.* flags. */
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
