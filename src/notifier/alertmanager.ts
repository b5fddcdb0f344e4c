// One Alertmanager target: POST <url> (…/api/v2/alerts) with the alerts as JSON (Alertmanager's v2 API).

import type { Logger } from "pino";
import { errorMessage, keptErrorText } from "../errors.js";
import { rfc3339Nano } from "../gotime.js";
import { memo } from "../memo.js";
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
const INVALID_LABEL_CHAR = /[^a-zA-Z0-9_:]/;

/** Label names Alertmanager would reject become valid ones, as vmalert does before relabeling. */
function sanitizeLabels(labels: Labels): Labels {
  let valid = true;
  for (const k in labels) {
    if (INVALID_LABEL_CHAR.test(k)) {
      valid = false;
      break;
    }
  }
  // The usual case costs no copy: a re-send of tens of thousands of alerts each iteration adds up.
  if (valid) return labels;
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) out[k.replace(INVALID_LABEL_CHARS, "_")] = v;
  return out;
}

/** The label set as sent (sanitized, relabeled, keys sorted), null when relabeling leaves nothing. */
function labelsJSON(labels: Labels, globalRelabel: readonly RelabelRule[], own: readonly RelabelRule[]): string | null {
  let ls: Labels | null = sanitizeLabels(labels);
  ls = relabel(ls, globalRelabel);
  if (ls) ls = relabel(ls, own);
  if (!ls) return null;
  const keys = Object.keys(ls);
  if (keys.length === 0) return null;
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  // Alerts keep their labels in key order already; only other sets are copied in order.
  if (sorted) return JSON.stringify(ls);
  const out: Labels = {};
  for (const k of keys.sort()) out[k] = ls[k] as string;
  return JSON.stringify(out);
}

/**
 * Largest request body one POST carries. An alert storm of a million alerts would otherwise be one JSON
 * text of hundreds of MB (past V8's longest string, about 512 MB, it cannot even be built); in requests of
 * at most this size it costs one request at a time. Alertmanager takes any number of alerts per request.
 */
export const MAX_BODY_BYTES = 4 << 20;

/**
 * startsAt/endsAt texts of one target: most alerts of an evaluation share their times, and a re-send of
 * tens of thousands of alerts would otherwise format each again. Only the texts are kept (bounded), never
 * anything per alert.
 */
export class AlertTimes {
  private texts = new Map<number, string>();

  text(ms: number): string {
    return memo(this.texts, ms, 4096, () => rfc3339Nano(ms, "UTC"));
  }
}

/**
 * The JSON bodies for one target, built one at a time as the caller asks for the next: each holds as
 * many alerts as fit in `maxBytes` (an alert larger than that goes alone). Alerts whose label set
 * becomes empty are left out; `count` is the number of alerts in the body. `times`: the target's.
 */
export function* alertsBodies(
  alerts: readonly NotifierAlert[],
  globalRelabel: readonly RelabelRule[] = [],
  own: readonly RelabelRule[] = [],
  maxBytes = MAX_BODY_BYTES,
  times = new AlertTimes(),
): Generator<{ body: string; count: number }> {
  let parts: string[] = [];
  let size = 2;
  for (const a of alerts) {
    const labels = labelsJSON(a.labels, globalRelabel, own);
    if (labels === null) continue;
    // JSON.stringify({ startsAt, generatorURL, endsAt, labels, annotations }) written out, so the label
    // set is stringified as it is; the times are RFC 3339 texts, which need no escaping.
    const part = `{"startsAt":"${times.text(a.startsAt.getTime())}","generatorURL":${JSON.stringify(a.generatorURL ?? "")},"endsAt":"${times.text(a.endsAt.getTime())}","labels":${labels},"annotations":${JSON.stringify(a.annotations)}}`;
    // String length stands in for bytes: at most three times off for non-ASCII text, close enough for a
    // bound on memory and request size.
    if (parts.length > 0 && size + part.length + 1 > maxBytes) {
      yield { body: `[${parts.join(",")}]`, count: parts.length };
      parts = [];
      size = 2;
    }
    parts.push(part);
    size += part.length + 1;
  }
  if (parts.length > 0) yield { body: `[${parts.join(",")}]`, count: parts.length };
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
  private readonly times = new AlertTimes();

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
    let delivered = 0;
    let first = true;
    for (const { body, count } of alertsBodies(alerts, this.globalRelabel, this.relabel, MAX_BODY_BYTES, this.times)) {
      // Counted as vmalert counts them: every alert handed to the target, once something is sent.
      if (first) alertsSent.inc({ addr: this.address }, alerts.length);
      first = false;
      const err = await this.post(body, headers, signal);
      if (err === undefined) {
        delivered += count;
        continue;
      }
      // A target that failed one request is not tried with the rest: a hung one would cost a send
      // timeout per request. The alerts not delivered count as failed, as a failed single request did.
      const failed = alerts.length - delivered;
      alertsSendErrors.inc({ addr: this.address }, failed);
      this.lastErr = keptErrorText(err);
      this.logger?.error(`failed to send ${failed} alerts to ${this.address}: ${err}`);
      return;
    }
    this.lastErr = "";
  }

  /** One request; resolves with the error text of a failed one, rejects only when `signal` aborts. */
  private async post(
    body: string,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const start = performance.now();
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
        return `invalid SC ${res.status} from ${this.address}; response body: ${peerSnippet(res.body, MAX_ERROR_BODY)}`;
      }
      return undefined;
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      return errorMessage(e);
    } finally {
      alertsSendDuration.observe({ addr: this.address }, (performance.now() - start) / 1000);
    }
  }

  async close(): Promise<void> {
    // A target dropped by both a discovery refresh and a reload may be closed twice.
    if (this.ownsClient) await this.client.close().catch(() => {});
  }
}
