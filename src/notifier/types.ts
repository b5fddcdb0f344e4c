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
