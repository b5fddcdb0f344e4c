// Sends one request body to one destination, retrying 5xx, 429, timeouts and network errors with
// jittered exponential backoff; any other 4xx is the server saying "never", so it is not retried.

import type { Logger } from "pino";
import { errorMessage } from "../errors.js";
import type { DestinationMetrics, DropReason } from "./metrics.js";
import type { Transport } from "./transport.js";

const HEADERS: Record<string, string> = {
  "Content-Encoding": "snappy",
  "Content-Type": "application/x-protobuf",
  "X-Prometheus-Remote-Write-Version": "0.1.0",
  "User-Agent": "vmalert",
};

/**
 * Retry delays double up to this. Uncapped, a batch that failed through a 60 s outage slept up to
 * another minute after the storage came back, while fresh results waited behind it.
 */
export const MAX_RETRY_DELAY_MS = 5_000;
const MAX_SERVER_MESSAGE = 512;

export interface RetryPolicy {
  /** -remoteWrite.sendTimeout */
  sendTimeout: number;
  /** -remoteWrite.retryMinInterval */
  retryMinInterval: number;
  /** -remoteWrite.retryMaxTime; undefined: retried until delivered or stopped (the outbox). */
  retryMaxTime?: number;
}

export type SendOutcome =
  | { ok: true }
  /** Not delivered and never will be: the caller drops the rows with this reason. */
  | { ok: false; reason: DropReason; message: string }
  /** The stop signal ended the attempts. */
  | { ok: false; reason: "stopped"; message: string };

export interface Sender {
  send(body: Buffer, rows: number): Promise<SendOutcome>;
}

export interface SenderDeps {
  url: string;
  transport: Transport;
  policy: RetryPolicy;
  metrics: DestinationMetrics;
  log: Logger;
  /** Aborts attempts and backoff sleeps (shutdown). */
  stop: AbortSignal;
  /** Every attempt's result: the destination's up/down state follows it. */
  onAttempt(ok: boolean): void;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string };

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export function createSender(d: SenderDeps): Sender {
  const { metrics: m, policy, stop } = d;

  async function attempt(body: Buffer): Promise<Attempt> {
    m.requests();
    const started = performance.now();
    try {
      const res = await d.transport.post(d.url, body, HEADERS, stop, policy.sendTimeout);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const msg = res.body.slice(0, MAX_SERVER_MESSAGE).trim();
      return {
        ok: false,
        retry: res.status === 429 || res.status >= 500,
        reason: `unexpected response code ${res.status}${msg ? `: ${msg}` : ""}`,
      };
    } catch (err) {
      return { ok: false, retry: true, reason: errorMessage(err) };
    } finally {
      m.sendSeconds((performance.now() - started) / 1000);
    }
  }

  return {
    async send(body, rows) {
      const started = performance.now();
      const firstTry = Date.now();
      let retries = 0;
      for (;;) {
        if (stop.aborted) return { ok: false, reason: "stopped", message: "stopped before they were sent" };
        const res = await attempt(body);
        // A rejection (4xx) proves the destination answers: it is up, the batch is bad.
        d.onAttempt(res.ok || !res.retry);
        if (res.ok) {
          m.sent(rows, body.length, (performance.now() - started) / 1000);
          return { ok: true };
        }
        m.errors();
        if (stop.aborted) return { ok: false, reason: "stopped", message: `stopped: ${res.reason}` };
        if (!res.retry) {
          return { ok: false, reason: "rejected", message: `server rejected the batch (not retried): ${res.reason}` };
        }
        let left = Number.POSITIVE_INFINITY;
        if (policy.retryMaxTime !== undefined) {
          left = policy.retryMaxTime - (Date.now() - firstTry);
          if (left <= 0) {
            return {
              ok: false,
              reason: "retries_exhausted",
              message: `giving up after ${retries + 1} attempts in ${policy.retryMaxTime}ms: ${res.reason}`,
            };
          }
        }
        const base = Math.max(
          policy.retryMinInterval,
          Math.min(policy.retryMinInterval * 2 ** Math.min(retries, 30), MAX_RETRY_DELAY_MS),
        );
        const delay = Math.min(left, base / 2 + (Math.random() * base) / 2);
        if (retries === 0) d.log.warn({ rows }, `remote write failed, retrying: ${res.reason}`);
        retries++;
        await sleep(delay, stop);
      }
    },
  };
}
