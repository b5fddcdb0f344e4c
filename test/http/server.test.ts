import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { get as httpsGet } from "node:https";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counter } from "../../src/metrics.js";
import { get, getJSON, type Started, start } from "./start.js";

const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });

const PROTECTED = [
  "/",
  "/vmalert/",
  "/vmalert/groups",
  "/vmalert/rules",
  "/rules",
  "/vmalert/alerts",
  "/vmalert/notifiers",
  "/vmalert/rule?group_id=1001&rule_id=11",
  "/vmalert/alert?group_id=1001&alert_id=9001",
  "/vmalert/static/style.css",
  "/api/v1/rules",
  "/api/v1/alerts",
  "/api/v1/notifiers",
  "/api/v1/alert?group_id=1001&alert_id=9001",
  "/api/v1/rule?group_id=1001&rule_id=11",
  "/api/v1/group?group_id=1001",
  "/vmalert/api/v1/rules",
  "/vmalert/api/v1/alerts",
  "/vmalert/api/v1/notifiers",
  "/vmalert/api/v1/alert?group_id=1001&alert_id=9001",
  "/vmalert/api/v1/rule?group_id=1001&rule_id=11",
  "/vmalert/api/v1/group?group_id=1001",
  "/metrics",
  "/flags",
  "/-/reload",
];
const OPEN = ["/health", "/ping", "/-/healthy", "/-/ready", "/robots.txt", "/favicon.ico"];

describe("basic auth (-httpAuth.*)", () => {
  let s: Started;
  beforeAll(async () => {
    s = await start({ username: "admin", password: "s3cret" });
  });
  afterAll(() => s.server.close());

  it.each(PROTECTED)("%s: 401 without or with wrong credentials, 200 with them", async (path) => {
    const none = await get(s.url + path);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect((await get(s.url + path, { headers: basic("admin", "wrong") })).status).toBe(401);
    expect((await get(s.url + path, { headers: basic("admin2", "s3cret") })).status).toBe(401);
    expect((await get(s.url + path, { headers: basic("admin", "s3cret") })).status).toBe(200);
  });

  it.each(OPEN)("%s is open", async (path) => {
    expect((await get(s.url + path)).status).toBeLessThan(300);
  });

  it("unknown paths need auth first, then are 404 with vmalert's message", async () => {
    expect((await get(`${s.url}/nope`)).status).toBe(401);
    const r = await get(`${s.url}/nope`, { headers: basic("admin", "s3cret") });
    expect(r.status).toBe(404);
    expect(r.body).toBe('unsupported path requested: "/nope"');
  });
});

describe("auth keys", () => {
  let s: Started;
  beforeAll(async () => {
    s = await start({
      username: "admin",
      password: "pw",
      metricsAuthKey: "mk",
      flagsAuthKey: "fk",
      reloadAuthKey: "rk",
    });
  });
  afterAll(() => s.server.close());

  it.each([
    ["/metrics", "mk"],
    ["/flags", "fk"],
    ["/-/reload", "rk"],
  ])("%s needs ?authKey= when its key is set (basic auth alone is not enough)", async (path, key) => {
    expect((await get(s.url + path)).status).toBe(401);
    expect((await get(`${s.url}${path}?authKey=wrong`)).status).toBe(401);
    expect((await get(s.url + path, { headers: basic("admin", "pw") })).status).toBe(401);
    expect((await get(`${s.url}${path}?authKey=${key}`)).status).toBe(200);
  });

  it("/-/reload calls the reload hook", async () => {
    const before = s.reloads;
    await get(`${s.url}/-/reload?authKey=rk`);
    expect(s.reloads).toBe(before + 1);
  });
});

describe("built-in routes", () => {
  let s: Started;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.server.close());

  it("health routes answer as VictoriaMetrics", async () => {
    expect(await get(`${s.url}/health`)).toMatchObject({ status: 200, body: "OK" });
    expect((await get(`${s.url}/ping`)).status).toBe(204);
    expect((await get(`${s.url}/-/healthy`)).body).toBe("VictoriaMetrics is Healthy.\n");
    expect((await get(`${s.url}/-/ready`)).body).toBe("VictoriaMetrics is Ready.\n");
    expect((await get(`${s.url}/robots.txt`)).body).toContain("Disallow: /");
  });

  it("/metrics serves the shared registry in Prometheus text format", async () => {
    counter("tsalert_http_test_marker_total", "marker for the http test").inc(3);
    await get(`${s.url}/api/v1/rules`);
    const r = await get(`${s.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.body).toContain("tsalert_http_test_marker_total 3");
    expect(r.body).toMatch(/vmalert_http_requests_total\{path="\/api\/v1\/rules"\} \d+/);
    // Like vmalert, no HELP/TYPE lines unless -metrics.exposeMetadata.
    expect(r.body).not.toMatch(/^# (HELP|TYPE) /m);
  });

  it("/flags prints the hook's (redacted) values sorted, Go-quoted", async () => {
    const r = await get(`${s.url}/flags`);
    expect(r.body).toBe('-datasource.url="http://vm:8428"\n-httpAuth.password="secret"\n');
  });

  it("/-/reload answers 200 after the hook ran; a throwing hook is a 500 with its message only", async () => {
    const r = await get(`${s.url}/-/reload`, { method: "POST" });
    expect(r.status).toBe(200);
    expect(s.reloads).toBe(1);
    const t = await start({}, undefined, {
      reload: () => {
        throw new Error("bad rule file x.yml");
      },
    });
    try {
      const bad = await get(`${t.url}/-/reload`);
      expect(bad.status).toBe(500);
      expect(bad.body).toBe("reload failed: bad rule file x.yml");
    } finally {
      await t.server.close();
    }
  });

  it("OPTIONS is 204 with CORS headers, without auth", async () => {
    const r = await get(`${s.url}/api/v1/rules`, { method: "OPTIONS" });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect((await get(`${s.url}/api/v1/rules`)).headers.get("access-control-allow-origin")).toBe("*");
  });

  it("legacy 1.79.5 status links redirect to the alert", async () => {
    const api = await get(`${s.url}/api/v1/1001/9001/status`);
    expect(api.status).toBe(302);
    expect(api.headers.get("location")).toBe("/vmalert/api/v1/alert?group_id=1001&alert_id=9001");
    const web = await get(`${s.url}/1001/9001/status`);
    expect(web.headers.get("location")).toBe("/vmalert/alert?group_id=1001&alert_id=9001");
    expect((await get(`${s.url}/api/v1/1001/1/status`)).status).toBe(404);
  });

  it("/vmalert redirects to /vmalert/", async () => {
    const r = await get(`${s.url}/vmalert`);
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("vmalert/");
    expect(new URL(r.headers.get("location")!, `${s.url}/vmalert`).pathname).toBe("/vmalert/");
  });

  it("gzip when asked for and large enough; HEAD has no body", async () => {
    const res = await fetch(`${s.url}/api/v1/rules`, { headers: { "Accept-Encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(JSON.parse(await res.text()).status).toBe("success"); // fetch decodes gzip
    const raw = await new Promise<Buffer>((resolve, reject) => {
      request(`${s.url}/api/v1/rules`, { headers: { "Accept-Encoding": "gzip" } }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c) => chunks.push(c));
        r.on("end", () => resolve(Buffer.concat(chunks)));
      })
        .on("error", reject)
        .end();
    });
    expect(JSON.parse(gunzipSync(raw).toString()).status).toBe("success");
    const head = await get(`${s.url}/api/v1/rules`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("bad requests are 4xx: other methods, bad percent-encoding, huge headers, huge forms", async () => {
    expect((await get(`${s.url}/api/v1/rules`, { method: "DELETE" })).status).toBe(405);
    expect((await get(`${s.url}/vmalert/%E0%A4%A`)).status).toBe(400);
    expect((await get(`${s.url}/api/v1/rules`, { headers: { "X-Big": "a".repeat(40_000) } })).status).toBe(431);
    const big = await get(`${s.url}/api/v1/rules`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `search=${"a".repeat(2 << 20)}`,
    });
    expect(big.status).toBe(413);
    expect(big.body).not.toMatch(/at .*\.ts/);
  });
});

describe("-http.pathPrefix", () => {
  let s: Started;
  beforeAll(async () => {
    s = await start({ pathPrefix: "/alerting/" });
  });
  afterAll(() => s.server.close());

  it("serves everything under the prefix only", async () => {
    expect((await get(`${s.url}/alerting/api/v1/rules`)).status).toBe(200);
    expect((await get(`${s.url}/alerting/health`)).body).toBe("OK");
    expect((await get(`${s.url}/alerting/vmalert/groups`)).status).toBe(200);
    const bare = await get(`${s.url}/alerting`);
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/alerting/");
    const outside = await get(`${s.url}/api/v1/rules`);
    expect(outside.status).toBe(400);
    expect(outside.body).toMatch(/missing -http.pathPrefix="\/alerting"/);
    expect((await get(`${s.url}/alerting/1001/9001/status`)).headers.get("location")).toBe(
      "/alerting/vmalert/alert?group_id=1001&alert_id=9001",
    );
  });
});

describe("listen addresses and shutdown", () => {
  it("listens on several addresses; rejects bad ones", async () => {
    const s = await start({ listenAddrs: ["127.0.0.1:0", "[::1]:0"] });
    try {
      expect(s.server.urls).toHaveLength(2);
      expect(s.server.urls[1]).toMatch(/^http:\/\/\[::1\]:\d+$/);
      for (const u of s.server.urls) expect((await get(`${u}/health`)).body).toBe("OK");
    } finally {
      await s.server.close();
    }
    await expect(start({ listenAddrs: ["8880"] })).rejects.toThrow(/-httpListenAddr="8880": want host:port/);
    await expect(start({ listenAddrs: ["127.0.0.1:99999"] })).rejects.toThrow(/at most 65535/);
  });

  it("/health answers 503 during -http.shutdownDelay, then the listener closes", async () => {
    const s = await start({ shutdownDelayMs: 600 });
    expect((await get(`${s.url}/health`)).status).toBe(200);
    const closing = s.server.close();
    const during = await get(`${s.url}/health`);
    expect(during.status).toBe(503);
    expect((await get(`${s.url}/api/v1/rules`)).status).toBe(200);
    await closing;
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    await s.server.close(); // idempotent
  });

  it("close() cuts connections still open after -http.maxGracefulShutdownDuration", async () => {
    const s = await start({ maxGracefulShutdownMs: 200 });
    // A request whose body never completes keeps its connection busy.
    const req = request(`${s.url}/api/v1/rules`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "100" },
    });
    req.on("error", () => {});
    const cut = new Promise((r) => req.on("close", r));
    req.write("a=");
    await new Promise((r) => setTimeout(r, 100));
    await s.server.close();
    await cut; // the server cut it: without that this waits for the test timeout
    expect(req.socket?.destroyed ?? true).toBe(true);
  });
});

describe("TLS, security headers, keep-alive", () => {
  it("serves HTTPS with -tls cert and key; bad files are flag errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "http-tls-"));
    try {
      const cert = join(dir, "cert.pem");
      const key = join(dir, "key.pem");
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
          "-keyout",
          key,
          "-out",
          cert,
        ],
        { stdio: "ignore" },
      );
      const s = await start({ tls: [{ certFile: cert, keyFile: key, minVersion: "TLS13" }] });
      try {
        expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const body = await new Promise<string>((resolve, reject) => {
          httpsGet(`${s.url}/api/v1/rules`, { rejectUnauthorized: false }, (res) => {
            let data = "";
            res.on("data", (c) => {
              data += c;
            });
            res.on("end", () => resolve(data));
          }).on("error", reject);
        });
        expect(JSON.parse(body).status).toBe("success");
      } finally {
        await s.server.close();
      }
      await expect(start({ tls: [{ certFile: join(dir, "nope.pem"), keyFile: key }] })).rejects.toThrow(
        /-tlsCertFile=".*nope.pem"/,
      );
      await expect(start({ tls: [{ certFile: cert, keyFile: key, minVersion: "SSL3" }] })).rejects.toThrow(
        /-tlsMinVersion="SSL3"/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("-http.connTimeout closes an old keep-alive connection after its next response", async () => {
    const s = await start({ connTimeoutMs: 150 });
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const once = () =>
        new Promise<{ connection: string | undefined; port: number | undefined }>((resolve, reject) => {
          request(`${s.url}/health`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve({ connection: res.headers.connection, port: res.socket?.localPort }));
          })
            .on("error", reject)
            .end();
        });
      const first = await once();
      expect(first.connection).toBe("keep-alive");
      await new Promise((r) => setTimeout(r, 300));
      expect((await once()).connection).toBe("close");
      agent.destroy();
    } finally {
      await s.server.close();
    }
  });

  it("-http.header.* and -http.disableKeepAlive", async () => {
    const s = await start({
      headers: { csp: "default-src 'self'", hsts: "max-age=3600", frameOptions: "DENY" },
      disableKeepAlive: true,
      disableCORS: true,
    });
    try {
      const r = await get(`${s.url}/vmalert/groups`);
      expect(r.headers.get("content-security-policy")).toBe("default-src 'self'");
      expect(r.headers.get("strict-transport-security")).toBe("max-age=3600");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("connection")).toBe("close");
      expect(r.headers.get("access-control-allow-origin")).toBeNull();
      // VictoriaMetrics' servers name the host that answered.
      expect(r.headers.get("x-server-hostname")).toBe(hostname());
    } finally {
      await s.server.close();
    }
    const quiet = await start({ headers: { disableServerHostname: true } });
    try {
      expect((await get(`${quiet.url}/health`)).headers.get("x-server-hostname")).toBeNull();
    } finally {
      await quiet.server.close();
    }
  });

  it("/rules is the groups page, as VictoriaMetrics single-node links it", async () => {
    const s = await start();
    try {
      const r = await get(`${s.url}/rules`);
      expect(r.status).toBe(200);
      // The groups page, every group listed; its relative links point below vmalert/.
      const names = (await getJSON(`${s.url}/api/v1/rules`)).json.data.groups.map((g) => g.name);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(r.body).toContain(n);
      expect(r.body).toContain('href="vmalert/');
    } finally {
      await s.server.close();
    }
  });
});

describe("secrets in logs", () => {
  it("an authKey in a failing request's URL is not logged", async () => {
    const s = await start({ metricsAuthKey: "topsecret-key" }, undefined, {
      flags: () => {
        throw new Error("flags exploded");
      },
    });
    try {
      const r = await get(`${s.url}/flags?authKey=topsecret-key&x=1`);
      expect(r.status).toBe(500);
      const logs = s.logs.join("");
      expect(logs).toContain("flags exploded");
      expect(logs).toContain("authKey=secret&x=1");
      expect(logs).not.toContain("topsecret-key");
    } finally {
      await s.server.close();
    }
  });
});
