// Requests to the other members for the merged API and UI. Each member is asked for its own share only
// (`?local=1`), with a timeout and a size cap; answers are checked (./answers.ts) before use. Requests for
// the same thing are shared while in flight and for a second after, so a busy dashboard costs each peer
// at most one request per second, and a hung peer costs a page at most one timeout.
import type { Logger } from "pino";
import { errorMessage, keptErrorText } from "../errors.js";
import { createHttpClient, type HttpClient, jsonErrorText, peerSnippet } from "../net/index.js";
import type { ApiAlert, ApiGroup, ApiNotifierGroup, ApiRule } from "../rule/api.js";
import { alertAnswer, notifiersAnswer, ruleAnswer, rulesAnswer } from "./answers.js";
import { type Membership, memberURL } from "./membership.js";
import * as m from "./metrics.js";

/** How long a list answer (rules, notifiers) of a peer is reused. */
export const PEER_CACHE_MS = 1000;
/** Characters of a peer's error body quoted in the error. */
const BODY_SNIPPET = 200;

export interface PeerClientOptions {
  membership: Membership;
  /** -cluster.peerTimeout, ms. */
  timeoutMs: number;
  /** -cluster.peerMaxResponseSize, bytes. */
  maxBytes: number;
  /** The members' HTTP server credentials (-httpAuth.*): every member runs with the same flags. */
  username?: string;
  password?: string;
  logger: Logger;
  /** Test seam: the clock of the cache. */
  now?: () => number;
}

export type PeerResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PeerClient {
  /** The member's base URL, redacted. */
  url(member: number): string;
  rules(member: number): Promise<PeerResult<ApiGroup[]>>;
  notifiers(member: number): Promise<PeerResult<ApiNotifierGroup[]>>;
  /** undefined value: the member does not have it (404). */
  rule(member: number, groupID: string, ruleID: string): Promise<PeerResult<ApiRule | undefined>>;
  alert(member: number, groupID: string, alertID: string): Promise<PeerResult<ApiAlert | undefined>>;
  close(): Promise<void>;
}

export function createPeerClient(opts: PeerClientOptions): PeerClient {
  const { membership, logger } = opts;
  const now = opts.now ?? Date.now;
  const basicAuth =
    opts.username || opts.password ? { username: opts.username ?? "", password: opts.password ?? "" } : undefined;
  const client: HttpClient = createHttpClient({ basicAuth, maxIdleConnections: 4 }, "cluster peer");
  const base = (member: number) => memberURL(membership.urlTemplate, member);
  const cache = new Map<string, { at: number; result: Promise<PeerResult<unknown>> }>();
  const down = new Set<number>();

  function note(member: number, error?: string): void {
    const labels = { member: String(member) };
    m.peerUp.set(labels, error === undefined ? 1 : 0);
    if (error === undefined) {
      if (down.delete(member)) logger.info(`cluster: member ${member} answers again`);
      return;
    }
    m.peerErrors.inc(labels);
    // Once per outage, not once per page view.
    if (!down.has(member)) logger.warn(`cluster: member ${member}: ${error}`);
    down.add(member);
  }

  /** With `lookup`, a 404 is an answer (the member does not have it): the value is undefined. */
  async function get<T>(
    member: number,
    path: string,
    parse: (body: unknown) => T,
    lookup = false,
  ): Promise<PeerResult<T | undefined>> {
    m.peerRequests.inc({ member: String(member) });
    const url = `${base(member)}${path}`;
    let error: string;
    try {
      const res = await client.request({ url, timeoutMs: opts.timeoutMs, maxBodyBytes: opts.maxBytes });
      if (res.status === 404 && lookup) {
        note(member);
        return { ok: true, value: undefined };
      }
      if (res.status !== 200) {
        error = `${client.redact(url)} answered ${res.status}: ${peerSnippet(res.body, BODY_SNIPPET)}`;
      } else {
        let body: unknown;
        try {
          body = JSON.parse(res.body.toString("utf8"));
        } catch (err) {
          throw new Error(`${client.redact(url)}: ${jsonErrorText(err)}`);
        }
        try {
          const value = parse(body);
          note(member);
          return { ok: true, value };
        } catch (err) {
          throw new Error(`${client.redact(url)}: ${errorMessage(err)}`);
        }
      }
    } catch (err) {
      error = errorMessage(err);
    }
    const text = keptErrorText(client.scrub(error));
    note(member, text);
    return { ok: false, error: text };
  }

  function shared<T>(key: string, fetch: () => Promise<PeerResult<T>>): Promise<PeerResult<T>> {
    const t = now();
    const hit = cache.get(key);
    if (hit && t - hit.at < PEER_CACHE_MS) return hit.result as Promise<PeerResult<T>>;
    const result = fetch();
    const entry = { at: t, result };
    cache.set(key, entry);
    // Reused from when the answer arrived, not from when it was asked for, and then let go: a peer's list
    // may be tens of megabytes, not to be held between page views.
    void result.then(() => {
      entry.at = now();
      setTimeout(() => {
        if (cache.get(key) === entry) cache.delete(key);
      }, PEER_CACHE_MS).unref();
    });
    return result;
  }

  const q = encodeURIComponent;
  return {
    url: (member) => client.redact(base(member)),
    rules: (member) =>
      shared(`${member} rules`, () => get(member, "/api/v1/rules?local=1", rulesAnswer)) as Promise<
        PeerResult<ApiGroup[]>
      >,
    notifiers: (member) =>
      shared(`${member} notifiers`, () => get(member, "/api/v1/notifiers?local=1", notifiersAnswer)) as Promise<
        PeerResult<ApiNotifierGroup[]>
      >,
    rule: (member, gid, rid) =>
      get(member, `/api/v1/rule?group_id=${q(gid)}&rule_id=${q(rid)}&local=1`, ruleAnswer, true),
    alert: (member, gid, aid) =>
      get(member, `/api/v1/alert?group_id=${q(gid)}&alert_id=${q(aid)}&local=1`, alertAnswer, true),
    close: () => client.close(),
  };
}
