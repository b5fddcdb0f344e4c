import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHttpClient, HttpRequestError, parseHeaders, redactURL } from "../../src/net/index.js";
import {
  type FaultServer,
  json,
  makeCerts,
  type SelfSignedCert,
  startFaultServer,
  startTlsFaultServer,
} from "../helpers/faults.js";

let srv: FaultServer;
let dir: string;

beforeAll(async () => {
  srv = await startFaultServer((r, res) => json(res, 200, { auth: r.headers.authorization ?? null }));
  dir = mkdtempSync(join(tmpdir(), "tsalert-net-"));
});
afterAll(async () => {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

function echoAuth(): void {
  srv.handle((r, res) => json(res, 200, { auth: r.headers.authorization ?? null }));
}

async function authSeen(client: ReturnType<typeof createHttpClient>): Promise<string | null> {
  const res = await client.request({ url: `${srv.url}/x` });
  return (JSON.parse(res.body.toString()) as { auth: string | null }).auth;
}

describe("auth headers", () => {
  test("basic auth with password and with username/password files", async () => {
    echoAuth();
    const c1 = createHttpClient({ basicAuth: { username: "alice", password: "s3cret" } });
    expect(await authSeen(c1)).toBe(`Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
    await c1.close();
    writeFileSync(join(dir, "user"), "bob\n");
    writeFileSync(join(dir, "pass"), "pw-from-file\n");
    const c2 = createHttpClient({
      basicAuth: { usernameFile: join(dir, "user"), passwordFile: join(dir, "pass") },
    });
    expect(await authSeen(c2)).toBe(`Basic ${Buffer.from("bob:pw-from-file").toString("base64")}`);
    await c2.close();
  });

  test("bearer token file is re-read after it changes", async () => {
    echoAuth();
    const file = join(dir, "token");
    writeFileSync(file, "first\n");
    const c = createHttpClient({ bearerTokenFile: file });
    expect(await authSeen(c)).toBe("Bearer first");
    writeFileSync(file, "second");
    await new Promise((r) => setTimeout(r, 1100));
    expect(await authSeen(c)).toBe("Bearer second");
    await c.close();
  });

  test("oauth2 client credentials: token fetched once and cached, scopes and endpoint params sent", async () => {
    let issued = 0;
    srv.handle((r, res) => {
      if (r.url === "/token") {
        issued++;
        json(res, 200, { access_token: `tok${issued}`, token_type: "bearer", expires_in: 3600 });
        return;
      }
      json(res, 200, { auth: r.headers.authorization ?? null });
    });
    const c = createHttpClient({
      oauth2: {
        clientID: "cid",
        clientSecret: "csecret",
        tokenURL: `${srv.url}/token`,
        scopes: ["read", "write"],
        endpointParams: { audience: "vm" },
      },
    });
    expect(await authSeen(c)).toBe("Bearer tok1");
    expect(await authSeen(c)).toBe("Bearer tok1");
    expect(issued).toBe(1);
    const tokenReq = srv.seen.find((r) => r.url === "/token");
    const form = new URLSearchParams(tokenReq?.body);
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("scope")).toBe("read write");
    expect(form.get("audience")).toBe("vm");
    expect(tokenReq?.headers.authorization).toBe(`Basic ${Buffer.from("cid:csecret").toString("base64")}`);
    await c.close();
  });

  test("oauth2 token that expires is fetched again", async () => {
    let issued = 0;
    srv.handle((r, res) => {
      if (r.url === "/token") {
        issued++;
        // Within Go's 10 s expiry delta: never reused.
        json(res, 200, { access_token: `short${issued}`, expires_in: 5 });
        return;
      }
      json(res, 200, { auth: r.headers.authorization ?? null });
    });
    const c = createHttpClient({ oauth2: { clientID: "a", clientSecret: "b", tokenURL: `${srv.url}/token` } });
    expect(await authSeen(c)).toBe("Bearer short1");
    expect(await authSeen(c)).toBe("Bearer short2");
    await c.close();
  });

  test("oauth2 token endpoint failure is an error naming the token URL", async () => {
    srv.handle((_r, res) => json(res, 500, "boom"));
    const c = createHttpClient({ oauth2: { clientID: "a", clientSecret: "b", tokenURL: `${srv.url}/token` } });
    await expect(c.request({ url: `${srv.url}/x` })).rejects.toThrow(/oauth2 token.*\/token.*500/);
    await c.close();
  });

  test("conflicting auth settings are rejected at creation", () => {
    expect(() => createHttpClient({ bearerToken: "x", basicAuth: { username: "u" } }, "datasource")).toThrow(
      /datasource: only one of basic auth, bearer token/,
    );
  });

  test("extra headers follow auth, request headers win", async () => {
    srv.handle((r, res) => json(res, 200, { a: r.headers["x-a"], b: r.headers["x-b"] }));
    const c = createHttpClient({ headers: { "X-A": "client", "X-B": "client" } });
    const res = await c.request({ url: `${srv.url}/h`, headers: { "X-B": "request" } });
    expect(JSON.parse(res.body.toString())).toEqual({ a: "client", b: "request" });
    await c.close();
  });
});

describe("faults", () => {
  test("timeout aborts a hung request with kind timeout", async () => {
    srv.handle(() => {
      /* never answers */
    });
    const c = createHttpClient({});
    const err = await c.request({ url: `${srv.url}/hang`, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpRequestError);
    expect((err as HttpRequestError).kind).toBe("timeout");
    expect((err as Error).message).toContain(`${srv.url}/hang`);
    await c.close();
  });

  test("caller cancellation is kind aborted", async () => {
    srv.handle(() => {});
    const c = createHttpClient({});
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const err = await c.request({ url: `${srv.url}/hang`, signal: ctl.signal, timeoutMs: 10_000 }).catch((e) => e);
    expect((err as HttpRequestError).kind).toBe("aborted");
    await c.close();
  });

  test("body larger than the cap is rejected", async () => {
    srv.handle((_r, res) => res.end(Buffer.alloc(70_000, 97)));
    const c = createHttpClient({});
    const err = await c.request({ url: `${srv.url}/big`, maxBodyBytes: 65_536 }).catch((e) => e);
    expect((err as HttpRequestError).kind).toBe("too_large");
    const ok = await c.request({ url: `${srv.url}/big`, maxBodyBytes: 70_000 });
    expect(ok.body.length).toBe(70_000);
    await c.close();
  });

  test("a connection reset is retried once when asked", async () => {
    let n = 0;
    srv.handle((_r, res) => {
      n++;
      if (n === 1) res.socket?.destroy();
      else json(res, 200, { ok: true });
    });
    const c = createHttpClient({});
    const res = await c.request({ url: `${srv.url}/r`, retryOnReset: true });
    expect(res.status).toBe(200);
    expect(n).toBe(2);
    n = 0;
    const err = await c.request({ url: `${srv.url}/r` }).catch((e) => e);
    expect((err as HttpRequestError).kind).toBe("network");
    await c.close();
  });

  test("connection refused names the redacted URL", async () => {
    const c = createHttpClient({});
    const err = await c.request({ url: "http://user:pw@127.0.0.1:1/api?authKey=zz" }).catch((e) => e);
    expect((err as HttpRequestError).kind).toBe("network");
    expect((err as Error).message).toContain("http://127.0.0.1:1/api?authKey=secret");
    expect((err as Error).message).not.toContain("pw");
    await c.close();
  });

  test("keep-alive reuses pooled connections; idleConnTimeout closes idle ones", async () => {
    srv.handle((_r, res) => json(res, 200, {}));
    const c = createHttpClient({ idleConnTimeout: 300 });
    const from = srv.seen.length;
    for (let i = 0; i < 4; i++) await c.request({ url: `${srv.url}/a` });
    const before = new Set(srv.seen.slice(from).map((r) => r.remotePort));
    // undici may open a second socket while the first is being released, but no more for sequential requests.
    expect(before.size).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 700));
    await c.request({ url: `${srv.url}/c` });
    expect(before.has(srv.seen.at(-1)?.remotePort ?? 0)).toBe(false);
    await c.close();
  });

  test("disableKeepAlive closes the connection after each request", async () => {
    srv.handle((r, res) => json(res, 200, { connection: r.headers.connection ?? null }));
    const c = createHttpClient({ disableKeepAlive: true });
    const res = await c.request({ url: `${srv.url}/k` });
    expect(JSON.parse(res.body.toString()).connection).toBe("close");
    await c.close();
  });
});

describe("TLS", () => {
  let cert: SelfSignedCert;
  let tls: FaultServer;
  beforeAll(async () => {
    cert = makeCerts();
    tls = await startTlsFaultServer(cert, (_r, res) => json(res, 200, { tls: true }));
  });
  afterAll(async () => {
    await tls.stop();
    cert.cleanup();
  });

  test("self-signed server: rejected without CA, accepted with CA, with serverName, or insecure", async () => {
    const plain = createHttpClient({});
    await expect(plain.request({ url: tls.url })).rejects.toThrow(/certificate/);
    await plain.close();
    const withCA = createHttpClient({ tls: { caFile: cert.caFile } });
    expect((await withCA.request({ url: tls.url })).status).toBe(200);
    await withCA.close();
    const named = createHttpClient({ tls: { caFile: cert.caFile, serverName: "tsalert.test" } });
    expect((await named.request({ url: tls.url })).status).toBe(200);
    await named.close();
    const wrongName = createHttpClient({ tls: { caFile: cert.caFile, serverName: "other.test" } });
    await expect(wrongName.request({ url: tls.url })).rejects.toThrow(/other\.test|altnames/);
    await wrongName.close();
    const insecure = createHttpClient({ tls: { insecureSkipVerify: true } });
    expect((await insecure.request({ url: tls.url })).status).toBe(200);
    await insecure.close();
  });

  test("unreadable CA file fails at creation with the path", () => {
    expect(() => createHttpClient({ tls: { caFile: "/nonexistent/ca.pem" } }, "datasource")).toThrow(
      /datasource: cannot read TLS CA file "\/nonexistent\/ca.pem"/,
    );
  });
});

describe("helpers", () => {
  test("parseHeaders", () => {
    expect(parseHeaders("X-Scope:1^^Authorization: Bearer x")).toEqual({ "X-Scope": "1", Authorization: "Bearer x" });
    expect(parseHeaders("")).toEqual({});
    expect(() => parseHeaders("nocolon", "datasource.headers")).toThrow(/-datasource.headers: header "nocolon"/);
  });

  test("redactURL", () => {
    expect(redactURL("http://u:p@vm:8428/select/0/prometheus")).toBe("http://vm:8428/select/0/prometheus");
    expect(redactURL("http://vm/api?authKey=abc&x=1")).toBe("http://vm/api?authKey=secret&x=1");
    expect(redactURL("http://u:p@vm/", true)).toBe("http://u:p@vm/");
    expect(redactURL("http://vm:8428/path?query=up")).toBe("http://vm:8428/path?query=up");
    expect(redactURL("not a url")).toBe("not a url");
  });
});

test("scrub hides the credentials the client sent when a server echoes them; showURL keeps URL credentials only", async () => {
  const srv2 = await startFaultServer((r, res) =>
    json(res, 400, `cannot find the provided auth token "${r.headers.authorization}" for ${r.url}`),
  );
  const c = createHttpClient({ bearerToken: "tok-12345" });
  const res = await c.request({ url: `${srv2.url}/x?auth_key=urlkey-777` });
  expect(c.scrub(res.body.toString())).toBe('cannot find the provided auth token "<secret>" for /x?auth_key=<secret>');
  expect(c.scrub("token tok-12345 alone")).toBe("token <secret> alone");
  expect(c.scrub("Basic auth failed")).toBe("Basic auth failed");
  await c.close();
  // -*.showURL shows URLs as given (their credentials are not registered); auth flags stay secret.
  const shown = createHttpClient({ bearerToken: "tok-67890", showURL: true });
  await shown.request({ url: `${srv2.url}/x?auth_key=shown-888` });
  expect(shown.scrub("token tok-67890 key shown-888")).toBe("token <secret> key shown-888");
  await shown.close();
  await srv2.stop();
});
