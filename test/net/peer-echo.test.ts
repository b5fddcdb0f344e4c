// Peers that quote back what they received (headers, URL, body) in their answers: every path that turns
// such an answer into text (datasource errors, 200 answers with `status: error` or a non-JSON body,
// notifier errors, remote-write errors, the OAuth2 token endpoint) must leave no credential in it.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createQuerierFactory } from "../../src/datasource/index.js";
import type { GroupQuerySettings } from "../../src/datasource/types.js";
import { createHttpClient } from "../../src/net/index.js";
import { AlertmanagerNotifier } from "../../src/notifier/alertmanager.js";
import { createTransport } from "../../src/remotewrite/transport.js";
import { type FakeServer, findSecrets, secretForms, startEchoServer } from "../drills/lib/secrets.js";
import { startFaultServer } from "../helpers/faults.js";

// Characters that URL, form and JSON encodings change, so every encoding is really exercised.
const S = {
  dsHeader: "dsHdr+Val/7Kq=",
  groupHeader: 'grpHdr"Val9Wz',
  urlToken: "urlTok+en/3Xp=",
  urlPassword: "urlPa ss+4Rv",
  dsBearer: "dsBear+er/8Lm=",
  amHeader: "amHdr+Val/2Nc=",
  amGroupHeader: "amGrpHdr+5Tb",
  amBearer: "amBear+er/6Qd=",
  rwHeader: "rwHdr+Val/1Hs=",
  rwPassword: "rwPa+ss/0Yu=",
  clientSecret: "oauthSec+ret/5Jk=",
};
const FORMS = secretForms(S, [
  ["rwuser", S.rwPassword],
  ["dsurl", S.urlPassword],
  ["client", S.clientSecret],
]);

let bad: FakeServer;
let errorOn200: FakeServer;
let textOn200: FakeServer;

beforeAll(async () => {
  [bad, errorOn200, textOn200] = await Promise.all([
    startEchoServer(400),
    startEchoServer(200),
    startEchoServer(200, "text"),
  ]);
});
afterAll(async () => {
  await Promise.all([bad?.stop(), errorOn200?.stop(), textOn200?.stop()]);
});

function group(headers: string[] = []): GroupQuerySettings {
  return { type: "prometheus", evaluationInterval: 60_000, params: {}, headers };
}

/** The datasource URL with userinfo and a URL-encoded `token` parameter. */
function dsURL(peer: FakeServer): string {
  const u = new URL(peer.url);
  return `http://dsurl:${encodeURIComponent(S.urlPassword)}@${u.host}/?token=${encodeURIComponent(S.urlToken)}`;
}

describe("datasource answers quoting the request", () => {
  for (const [name, peer] of [
    ["400 with the echo as API error", () => bad],
    ["200 with status error", () => errorOn200],
    ["200 with a non-JSON body", () => textOn200],
  ] as const) {
    test(name, async () => {
      const f = createQuerierFactory({
        url: dsURL(peer()),
        bearerToken: S.dsBearer,
        headers: { "X-Custom-Auth": S.dsHeader },
      });
      try {
        const err = (await f
          .forGroup(group([`X-Team: ${S.groupHeader}`]))
          .query("up", { time: Date.now() })
          .catch((e: unknown) => e)) as Error & { curl?: string };
        expect(err).toBeInstanceOf(Error);
        const seen = peer().seen.at(-1);
        // The credentials did reach the peer, and the error still says what went wrong.
        expect(JSON.stringify(seen)).toContain(encodeURIComponent(S.urlToken));
        expect(seen?.headers["x-team"]).toBe(S.groupHeader);
        expect(err.message).toMatch(/400|response error|invalid JSON/);
        expect(findSecrets("error", `${err.message}\n${err.curl}`, FORMS)).toEqual([]);
      } finally {
        await f.close();
      }
    });
  }
});

describe("notifier, remote write and OAuth2 answers quoting the request", () => {
  test("notifier lastError", async () => {
    const logged: string[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => logged.push(s) });
    const n = new AlertmanagerNotifier({
      url: `${bad.url}/api/v2/alerts`,
      bearerToken: S.amBearer,
      headers: { "X-Notify": S.amHeader },
      logger,
    });
    try {
      const now = Date.now();
      await n.send(
        [
          {
            labels: { alertname: "A" },
            annotations: {},
            startsAt: new Date(now),
            endsAt: new Date(now + 60_000),
            generatorURL: "http://x/",
          },
        ],
        { "X-Group-Notify": S.amGroupHeader },
      );
      expect(bad.seen.at(-1)?.headers["x-group-notify"]).toBe(S.amGroupHeader);
      expect(n.lastError()).toMatch(/invalid SC 400/);
      expect(findSecrets("lastError", n.lastError(), FORMS)).toEqual([]);
      expect(findSecrets("log", logged.join(""), FORMS)).toEqual([]);
    } finally {
      await n.close();
    }
  });

  test("remote write error body", async () => {
    const t = createTransport({
      basicAuth: { username: "rwuser", password: S.rwPassword },
      headers: { "X-Rw": S.rwHeader },
    });
    try {
      const res = await t.post(
        `${bad.url}/api/v1/write`,
        new Uint8Array([1, 2]),
        {},
        new AbortController().signal,
        5000,
      );
      expect(res.status).toBe(400);
      expect(res.body).toContain("echo:");
      expect(findSecrets("body", res.body, FORMS)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test("OAuth2 token endpoint answering 200 with just the client secret (JSON.parse quotes short bodies)", async () => {
    const tokens = await startFaultServer((r, res) => {
      const basic = /^Basic (.+)$/.exec(r.headers.authorization ?? "")?.[1] ?? "";
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end(decodeURIComponent(Buffer.from(basic, "base64").toString().split(":")[1] ?? ""));
    });
    const c = createHttpClient({
      oauth2: { clientID: "client", clientSecret: S.clientSecret, tokenURL: `${tokens.url}/token` },
    });
    try {
      const err = (await c.request({ url: `${bad.url}/x` }).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/not valid JSON|invalid JSON/);
      expect(findSecrets("error", err.message, FORMS)).toEqual([]);
    } finally {
      await c.close();
      await tokens.stop();
    }
  });
});
