// -notifier.blackhole: alerts are counted and dropped, for tests and dry environments.
import { alertsSent } from "./metrics.js";
import type { Notifier, NotifierAlert } from "./types.js";

export class BlackholeNotifier implements Notifier {
  async send(alerts: NotifierAlert[]): Promise<void> {
    alertsSent.inc({ addr: "blackhole" }, alerts.length);
  }
  addr(): string {
    return "blackhole";
  }
  lastError(): string {
    return "";
  }
}
