// The HTTP server protects itself: authentication before any body byte is read, a cap on connections,
// header and request timeouts, a cap on request bodies held in memory, quiet client aborts, and 503s
// until the engine has started.
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { registry } from "../../src/metrics.js";
import { rawExchange } from "../drills/lib/rawhttp.js";
import { get, type Started, start } from "./start.js";

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let servers: Started[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.map((s) => s.server.close()));
  servers = [];
});

async function started(...args: Parameters<typeof start>): Promise<Started> {
  const s = await start(...args);
  servers.push(s);
  return s;
}

function portOf(s: Started): number {
  return Number(new URL(s.url).port);
}

/** A connected socket that records what it receives and when it is closed. */
function openSocket(port: number): Promise<{ sock: Socket; received(): string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let data = "";
    const sock = connect(port, "127.0.0.1");
    sockets.push(sock);
    const closed = new Promise<void>((r) => sock.once("close", () => r()));
    sock.on("data", (d) => {
      data += d.toString("latin1");
    });
    sock.on("error", () => {});
    sock.once("connect", () => resolve({ sock, received: () => data, closed }));
    sock.once("error", reject);
  });
}

async function refusedTotal(): Promise<number> {
  const m = registry.getSingleMetric("tsalert_http_connections_refused_total");
  if (!m) return 0;
  return ((await m.get()).values[0]?.value as number | undefined) ?? 0;
}

describe("authentication comes before the body", () => {
  it("an unauthenticated POST with a 2 MB body is answered 401 without the body being read", async () => {
    const s = await started({ username: "admin", password: "pw" });
    // Only the headers and a few body bytes: a server that reads the body first never answers.
    const r = await rawExchange(
      portOf(s),
      "POST /api/v1/rules HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        `Content-Length: ${2 << 20}\r\n\r\nsearch=aaaa`,
      3000,
    );
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(401);
    expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
    const full = await get(`${s.url}/api/v1/rules`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `search=${"a".repeat(2 << 20)}`,
    });
    expect(full.status).toBe(401);
  });

  it("Expect: 100-continue without credentials gets the 401 instead of 100 Continue", async () => {
    const s = await started({ username: "admin", password: "pw" });
    const r = await rawExchange(
      portOf(s),
      "POST /api/v1/rules HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" +
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n",
      3000,
    );
    expect(r.status).toBe(401);
    expect(r.text).not.toContain("100 Continue");
  });

  it("with credentials the form body is read, also after 100-continue", async () => {
    const s = await started({ username: "admin", password: "pw" });
    const body = "search=zzz";
    const r = await rawExchange(
      portOf(s),
      `POST /api/v1/rules HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic("admin", "pw")}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      3000,
    );
    expect(r.status).toBe(200);
    const big = await get(`${s.url}/api/v1/rules`, {
      method: "POST",
      headers: { Authorization: basic("admin", "pw"), "Content-Type": "application/x-www-form-urlencoded" },
      body: `search=${"a".repeat(2 << 20)}`,
    });
    expect(big.status).toBe(413);
  });

  it("an authKey in a small form body still opens its route; a large body is not read for it", async () => {
    const s = await started({ username: "admin", password: "pw", metricsAuthKey: "mk", reloadAuthKey: "rk" });
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    expect((await get(`${s.url}/metrics`, { method: "POST", headers: form, body: "authKey=mk" })).status).toBe(200);
    expect((await get(`${s.url}/metrics`, { method: "POST", headers: form, body: "authKey=no" })).status).toBe(401);
    const big = await get(`${s.url}/-/reload`, {
      method: "POST",
      headers: form,
      body: `authKey=rk&x=${"a".repeat(2 << 20)}`,
    });
    expect(big.status).toBe(401);
    expect(s.reloads).toBe(0);
  });
});

describe("bounded resources", () => {
  it("connections beyond maxConcurrentConnections are closed at once and counted", async () => {
    const s = await started({ maxConcurrentConnections: 3 });
    const before = await refusedTotal();
    const held = await Promise.all([0, 1, 2].map(() => openSocket(portOf(s))));
    await sleep(50);
    const extra = await openSocket(portOf(s));
    await Promise.race([extra.closed, sleep(2000)]);
    expect(extra.sock.destroyed || extra.sock.readableEnded).toBe(true);
    expect(extra.received()).toBe("");
    expect(await refusedTotal()).toBe(before + 1);
    held[0].sock.destroy();
    await held[0].closed;
    await sleep(50);
    const r = await rawExchange(portOf(s), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
    expect(r.status).toBe(200);
  });

  it("headers trickled slower than the headers timeout are cut with 408", async () => {
    const s = await started({ headersTimeoutMs: 500 });
    const c = await openSocket(portOf(s));
    c.sock.write("GET /health HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => {
      if (!c.sock.destroyed) c.sock.write("X-Slow: 1\r\n");
    }, 150);
    await Promise.race([c.closed, sleep(5000)]);
    clearInterval(trickle);
    expect(c.sock.destroyed || c.sock.readableEnded).toBe(true);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("a connection that never sends a request is cut after the headers timeout", async () => {
    const s = await started({ headersTimeoutMs: 500 });
    const c = await openSocket(portOf(s));
    await Promise.race([c.closed, sleep(5000)]);
    expect(c.sock.destroyed || c.sock.readableEnded).toBe(true);
  });

  it("a body trickled slower than the request timeout is cut with 408", async () => {
    const s = await started({ requestTimeoutMs: 800, headersTimeoutMs: 400 });
    const c = await openSocket(portOf(s));
    c.sock.write(
      "POST /api/v1/rules HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na=",
    );
    const trickle = setInterval(() => {
      if (!c.sock.destroyed) c.sock.write("b");
    }, 100);
    await Promise.race([c.closed, sleep(5000)]);
    clearInterval(trickle);
    expect(c.sock.destroyed || c.sock.readableEnded).toBe(true);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("request bodies held in memory are capped across all connections (503 beyond the cap)", async () => {
    const s = await started({ maxBodyBytesInFlight: 200 * 1024 });
    const chunk = "a".repeat(60 * 1024);
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const c = await openSocket(portOf(s));
      c.sock.write(
        `POST /api/v1/rules HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${100 * 1024}\r\n\r\nx=${chunk}`,
      );
      clients.push(c);
      await sleep(100);
    }
    await sleep(300);
    const answers = clients.map((c) => /^HTTP\/1\.1 (\d{3})/.exec(c.received())?.[1] ?? "none");
    // Three bodies of 60 KiB fit in 200 KiB; the others are refused instead of being buffered.
    expect(answers.filter((a) => a === "503").length).toBeGreaterThanOrEqual(3);
    expect(answers.filter((a) => a === "none").length).toBeGreaterThanOrEqual(1);
    for (const c of clients) c.sock.destroy();
    await sleep(100);
    // The refused and the abandoned bodies gave their bytes back.
    const ok = await get(`${s.url}/api/v1/rules`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `search=${"a".repeat(150 * 1024)}`,
    });
    expect(ok.status).toBe(200);
  });
});

describe("client aborts", () => {
  it("a client that resets mid-body leaves no stack trace and no error in the log", async () => {
    const s = await started();
    const c = await openSocket(portOf(s));
    c.sock.write(
      "POST /api/v1/rules HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nabc",
    );
    await sleep(100);
    c.sock.resetAndDestroy();
    await sleep(300);
    const logs = s.logs.join("");
    expect(logs).not.toMatch(/stack/);
    expect(logs).not.toMatch(/"level":50/);
    expect(s.logs.length).toBeLessThanOrEqual(2); // "listening", and at most one short line
  });
});

describe("before the engine has started", () => {
  it("engine routes and /health answer 503 until engineStarted(); /metrics works", async () => {
    const s = await started({ waitForEngine: true });
    expect((await get(`${s.url}/health`)).status).toBe(503);
    const api = await get(`${s.url}/api/v1/rules`);
    expect(api.status).toBe(503);
    expect(JSON.parse(api.body).error).toMatch(/starting/);
    expect((await get(`${s.url}/vmalert/groups`)).status).toBe(503);
    expect((await get(`${s.url}/-/reload`)).status).toBe(503);
    expect(s.reloads).toBe(0);
    expect((await get(`${s.url}/metrics`)).status).toBe(200);
    s.server.engineStarted();
    expect((await get(`${s.url}/health`)).status).toBe(200);
    expect((await get(`${s.url}/api/v1/rules`)).status).toBe(200);
  });
});
