// One Alertmanager target: POST <url> (…/api/v2/alerts) with the alerts as JSON (Alertmanager's v2 API).
import type { Logger } from "pino";
import { errorMessage, keptErrorText } from "../errors.js";
import { rfc3339Nano } from "../gotime.js";
import { createHttpClient, type HttpClient } from "../net/client.js";
import { peerSnippet, redactURL } from "../net/redact.js";
import type { ClientOptions } from "../net/types.js";
import { alertsSendDuration, alertsSendErrors, alertsSent } from "./metrics.js";
import { type Labels, type RelabelRule, relabel } from "./relabel.js";
import type { Notifier, NotifierAlert } from "./types.js";

export const DEFAULT_SEND_TIMEOUT_MS = 10_000;
const MAX_ERROR_BODY = 1024;

export interface AlertmanagerOptions extends ClientOptions {
  /** Full target URL including the alerts path. */
  url: string;
  /** ms, default 10s. */
  sendTimeout?: number;
  /** Global alert_relabel_configs (from -notifier.config), applied first. */
  globalRelabel?: readonly RelabelRule[];
  /** The target's own alert_relabel_configs, applied after the global ones. */
  relabel?: readonly RelabelRule[];
  logger?: Logger;
  /** Reuse a client shared with other targets of the same config (SD targets). */
  client?: HttpClient;
}

const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_:]/g;

/** Label names Alertmanager would reject become valid ones, as vmalert does before relabeling. */
function sanitizeLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) out[k.replace(INVALID_LABEL_CHARS, "_")] = v;
  return out;
}

function sortedLabels(ls: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(ls).sort()) out[k] = ls[k] as string;
  return out;
}

/** The JSON body for one target; alerts whose label set becomes empty are left out. */
export function alertsBody(
  alerts: readonly NotifierAlert[],
  globalRelabel: readonly RelabelRule[] = [],
  own: readonly RelabelRule[] = [],
): { body: string; count: number } {
  const parts: string[] = [];
  for (const a of alerts) {
    let ls: Labels | null = sanitizeLabels(a.labels);
    ls = relabel(ls, globalRelabel);
    if (ls) ls = relabel(ls, own);
    if (!ls || Object.keys(ls).length === 0) continue;
    parts.push(
      JSON.stringify({
        startsAt: rfc3339Nano(a.startsAt.getTime(), "UTC"),
        generatorURL: a.generatorURL,
        endsAt: rfc3339Nano(a.endsAt.getTime(), "UTC"),
        labels: sortedLabels(ls),
        annotations: a.annotations,
      }),
    );
  }
  return { body: `[${parts.join(",")}]`, count: parts.length };
}

export class AlertmanagerNotifier implements Notifier {
  readonly url: string;
  private readonly address: string;
  private readonly client: HttpClient;
  private readonly ownsClient: boolean;
  private readonly timeout: number;
  private readonly globalRelabel: readonly RelabelRule[];
  private readonly relabel: readonly RelabelRule[];
  private readonly logger?: Logger;
  private lastErr = "";

  constructor(opts: AlertmanagerOptions) {
    this.url = opts.url;
    this.client = opts.client ?? createHttpClient(opts, `notifier ${redactURL(opts.url, opts.showURL)}`);
    this.ownsClient = opts.client === undefined;
    this.address = this.client.redact(opts.url);
    this.timeout = opts.sendTimeout && opts.sendTimeout > 0 ? opts.sendTimeout : DEFAULT_SEND_TIMEOUT_MS;
    this.globalRelabel = opts.globalRelabel ?? [];
    this.relabel = opts.relabel ?? [];
    this.logger = opts.logger;
  }

  addr(): string {
    return this.address;
  }

  lastError(): string {
    return this.lastErr;
  }

  /**
   * Delivers the alerts; a failure of the target (down, non-2xx, timeout) is recorded in lastError(),
   * the error metric and the log, and the promise still resolves. Cancellation by the caller rejects.
   */
  async send(alerts: NotifierAlert[], headers?: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const { body, count } = alertsBody(alerts, this.globalRelabel, this.relabel);
    if (count === 0) return;
    alertsSent.inc({ addr: this.address }, alerts.length);
    const start = performance.now();
    let err: string | undefined;
    try {
      const res = await this.client.request({
        url: this.url,
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body,
        signal,
        timeoutMs: this.timeout,
        maxBodyBytes: 1024 * 1024,
      });
      if (res.status < 200 || res.status >= 300) {
        err = `invalid SC ${res.status} from ${this.address}; response body: ${peerSnippet(res.body, MAX_ERROR_BODY)}`;
      }
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      err = errorMessage(e);
    } finally {
      alertsSendDuration.observe({ addr: this.address }, (performance.now() - start) / 1000);
    }
    if (err !== undefined) {
      alertsSendErrors.inc({ addr: this.address }, alerts.length);
      this.lastErr = keptErrorText(err);
      this.logger?.error(`failed to send ${alerts.length} alerts to ${this.address}: ${err}`);
      return;
    }
    this.lastErr = "";
  }

  async close(): Promise<void> {
    // A target dropped by both a discovery refresh and a reload may be closed twice.
    if (this.ownsClient) await this.client.close().catch(() => {});
  }
}
