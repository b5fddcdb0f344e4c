// The notifier fake, beside the notifiers it stands in for: records what it was sent, and a set around
// notifiers. Every test of code that notifies uses it.
import type { Notifier, NotifierAlert, NotifierSet } from "./types.js";

export class RecordingNotifier implements Notifier {
  readonly sent: { alerts: NotifierAlert[]; headers?: Record<string, string> }[] = [];
  /** When set, send() rejects with it (a notifier that fails in a way the caller must handle). */
  failWith?: Error;
  /** When set, send() waits for it before recording (a slow or hung Alertmanager). */
  gate?: Promise<void>;
  private last = "";

  constructor(private readonly address = "http://alertmanager.test/api/v2/alerts") {}

  async send(alerts: NotifierAlert[], headers?: Record<string, string>, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    if (this.gate) await this.gate;
    if (this.failWith) {
      this.last = this.failWith.message;
      throw this.failWith;
    }
    this.sent.push({ alerts: alerts.map((a) => ({ ...a, labels: { ...a.labels } })), headers });
  }
  addr(): string {
    return this.address;
  }
  lastError(): string {
    return this.last;
  }
  /** Every alert received so far, in order. */
  alerts(): NotifierAlert[] {
    return this.sent.flatMap((s) => s.alerts);
  }
}

export function staticNotifierSet(...list: Notifier[]): NotifierSet {
  return { notifiers: () => list, close: async () => {} };
}
