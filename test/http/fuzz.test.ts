// Seeded random requests against every route: only 2xx/3xx/4xx, never a 5xx or a stack trace, and the
// server keeps answering.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, type Started, start } from "./start.js";

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const PATHS = [
  "/",
  "/api/v1/rules",
  "/api/v1/alerts",
  "/api/v1/notifiers",
  "/api/v1/alert",
  "/api/v1/rule",
  "/api/v1/group",
  "/vmalert/api/v1/rules",
  "/vmalert/groups",
  "/vmalert/alerts",
  "/vmalert/notifiers",
  "/vmalert/rule",
  "/vmalert/alert",
  "/vmalert/static/style.css",
  "/metrics",
  "/flags",
  "/-/reload",
  "/health",
  "/api/v1/1001/9001/status",
  "/1001/9001/status",
];
const PARAMS = [
  "type",
  "state",
  "filter",
  "rule_group[]",
  "file[]",
  "match[]",
  "rule_name[]",
  "exclude_alerts",
  "extended_states",
  "search",
  "group_limit",
  "page_num",
  "group_next_token",
  "datasource_type",
  "group_id",
  "alert_id",
  "rule_id",
  "authKey",
];
const VALUES = [
  "",
  "0",
  "-1",
  "1",
  "2",
  "99999999999999999999999",
  "1001",
  "9001",
  "11",
  "true",
  "alert",
  "record",
  "firing,nomatch",
  "noData",
  '{a=~"("}',
  '{severity="critical"}',
  "%ZZ",
  "\u0000",
  "<script>",
  "x".repeat(5000),
  "prometheus",
  "💥",
];
const METHODS = ["GET", "GET", "GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];

function send(url: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: body ? { "Content-Type": "application/x-www-form-urlencoded" } : {},
      },
      (res) => {
        let data = "";
        res.on("data", (c) => {
          data += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

let s: Started;
beforeAll(async () => {
  s = await start();
});
afterAll(() => s.server.close());

describe("fuzzed requests", () => {
  it("3000 seeded random requests: never 5xx, never a stack trace", async () => {
    const rand = rng(20261125);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let path = pick(PATHS);
      if (rand() < 0.1) path += pick(["/", "//", "/..", "%2e%2e", "/x", "%"]);
      const qs: string[] = [];
      const n = Math.floor(rand() * 5);
      for (let j = 0; j < n; j++) {
        const v = pick(VALUES);
        qs.push(`${encodeURIComponent(pick(PARAMS))}=${v === "%ZZ" ? v : encodeURIComponent(v)}`);
      }
      const method = pick(METHODS);
      const target = qs.length ? `${path}?${qs.join("&")}` : path;
      const body = method === "POST" && rand() < 0.5 ? qs.join("&") : undefined;
      const res = await send(s.url, method, target, body);
      if (res.status >= 500 || res.status < 200 || /\bat .+:\d+:\d+\)?/.test(res.body) || /Error:/.test(res.body))
        failures.push(`${method} ${target} -> ${res.status} ${res.body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect((await get(`${s.url}/health`)).body).toBe("OK");
  });
});
