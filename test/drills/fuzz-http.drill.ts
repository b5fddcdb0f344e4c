// Drill 11: fuzzed HTTP API. Seeded random requests against every route of a running tsalert (real VM
// and Alertmanager behind it): random and mangled paths, known and unknown parameters with hostile
// values, all methods, huge and many headers, random, form and oversized bodies, chunked garbage.
// Expected: every well-formed request gets a 2xx, 3xx or 4xx answer, never a 5xx or a stack trace;
// protocol-level garbage gets a 4xx or a closed connection; the process stays up and healthy.
import { afterAll, describe, expect, it } from "vitest";
import { prng } from "./lib/mutate.js";
import { rawExchange } from "./lib/rawhttp.js";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, type Stack, startStack, waitFor } from "./lib/stack.js";

const REQUESTS = Number(process.env.DRILLS_FUZZ_HTTP ?? 5000);
const SEED = Number(process.env.DRILLS_SEED ?? 9011);
const CONCURRENCY = 8;

const RULES = `
groups:
  - name: drill-fuzz-http
    interval: 1s
    rules:
      - alert: DrillFuzz
        expr: drill_value{drill="fuzz"} > 0
        labels: {severity: "page <b>"}
        annotations: {summary: "value {{ $value }} on {{ $labels.instance }}"}
      - alert: DrillFuzzPending
        expr: drill_value{drill="fuzz"} > 0
        for: 1h
      - record: drill:fuzz
        expr: sum(drill_value)
`;

const ROUTES = [
  "/",
  "/vmalert",
  "/vmalert/",
  "/vmalert/groups",
  "/vmalert/rules",
  "/vmalert/alerts",
  "/vmalert/notifiers",
  "/vmalert/rule",
  "/vmalert/alert",
  "/vmalert/static/style.css",
  "/api/v1/rules",
  "/api/v1/alerts",
  "/api/v1/notifiers",
  "/api/v1/alert",
  "/api/v1/rule",
  "/api/v1/group",
  "/vmalert/api/v1/rules",
  "/vmalert/api/v1/alerts",
  "/vmalert/api/v1/notifiers",
  "/vmalert/api/v1/alert",
  "/vmalert/api/v1/rule",
  "/vmalert/api/v1/group",
  "/metrics",
  "/flags",
  "/-/reload",
  "/health",
  "/ping",
  "/-/healthy",
  "/-/ready",
  "/robots.txt",
  "/favicon.ico",
  "/api/v1/{gid}/{aid}/status",
  "/{gid}/{aid}/status",
];

const PARAMS = [
  "group_id",
  "alert_id",
  "rule_id",
  "rule_name[]",
  "rule_group[]",
  "file[]",
  "type",
  "state",
  "state[]",
  "filter",
  "exclude_alerts",
  "extended_states",
  "group_limit",
  "group_next_token",
  "page_num",
  "search",
  "datasource_type",
  "match[]",
  "authKey",
  "format",
  "__proto__",
  "constructor",
];

const VALUES = [
  "",
  "0",
  "-1",
  "1",
  "true",
  "false",
  "alert",
  "record",
  "firing",
  "pending",
  "inactive",
  "unhealthy",
  "nomatch",
  "prometheus",
  "graphite",
  "99999999999999999999999",
  "1e309",
  "NaN",
  "-0",
  "0x10",
  "%zz",
  "%00",
  "%E2%80%AE",
  "%F0%9F%98%80",
  "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  "%22onmouseover%3D",
  "'",
  "..%2F..%2Fetc%2Fpasswd",
  "{gid}",
  "{aid}",
  "{rid}",
];

const METHODS = ["GET", "GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];
const BAD_METHODS = ["CONNECT", "FOO", "G\u0000T", "get", "PRI", "M-SEARCH", ""];
const STACK_TRACE = /\n\s+at \S+ \(|\bat [\w.<>]+ \((?:file:|node:|\/)|node:internal|\/dist\/\w+\/\w+\.js/;

interface Ids {
  gid: string;
  aid: string;
  rid: string;
}

interface Built {
  raw: string | Buffer;
  /** Broken at the protocol level: a closed connection is an acceptable answer. */
  malformed: boolean;
  what: string;
}

function build(seed: number, port: number, ids: Ids): Built {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const fill = (s: string) => s.replaceAll("{gid}", ids.gid).replaceAll("{aid}", ids.aid).replaceAll("{rid}", ids.rid);
  let malformed = false;

  let path = fill(pick(ROUTES));
  const pathOp = Math.floor(rnd() * 12);
  if (pathOp === 0) path += `/${Math.floor(rnd() * 1e6)}`;
  else if (pathOp === 1) path = path.replace(/\/([^/]*)$/, "/%zz$1");
  else if (pathOp === 2) path = `//${path}`;
  else if (pathOp === 3) path += "/";
  else if (pathOp === 4) path = `/..${path}/../..`;
  else if (pathOp === 5) path += "%00";
  else if (pathOp === 6) path = `/${"a".repeat(1 << (10 + Math.floor(rnd() * 8)))}`;
  else if (pathOp === 7) path = path.toUpperCase();
  else if (pathOp === 8) path = `${path};x=1`;

  const params: string[] = [];
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) {
    const name = rnd() < 0.85 ? pick(PARAMS) : `x${Math.floor(rnd() * 100)}`;
    let value = fill(pick(VALUES));
    if (rnd() < 0.05) value = "v".repeat(1 << (8 + Math.floor(rnd() * 10)));
    params.push(`${encodeURIComponent(name)}=${value}`);
  }
  if (rnd() < 0.05) params.push("&&&==&");
  const target = params.length > 0 ? `${path}?${params.join("&")}` : path;

  let method = pick(METHODS);
  if (rnd() < 0.04) {
    method = pick(BAD_METHODS);
    malformed = true;
  }

  const headers: string[] = [`Host: 127.0.0.1:${port}`];
  if (rnd() < 0.3) headers.push("Accept-Encoding: gzip, deflate, br, *;q=0");
  if (rnd() < 0.1)
    headers.push(`Authorization: ${pick(["Basic !!!", "Basic Og==", "Bearer x", "Basic", "Digest a=b"])}`);
  if (rnd() < 0.05) {
    headers.push(`X-Huge: ${"h".repeat(1 << (12 + Math.floor(rnd() * 6)))}`);
    malformed = true; // over the server's header limit: 431 or a closed connection
  }
  if (rnd() < 0.05) for (let i = 0; i < 300; i++) headers.push(`X-Many-${i}: ${i}`);
  if (rnd() < 0.03) {
    headers.push("X-Bad Header: x");
    malformed = true;
  }

  let body: Buffer = Buffer.alloc(0);
  const bodyOp = method === "GET" && rnd() < 0.8 ? -1 : Math.floor(rnd() * 6);
  if (bodyOp === 0) {
    headers.push("Content-Type: application/x-www-form-urlencoded");
    body = Buffer.from(params.join("&"));
  } else if (bodyOp === 1) {
    headers.push("Content-Type: application/x-www-form-urlencoded");
    body = Buffer.alloc((1 << 20) + 1000 + Math.floor(rnd() * 1_000_000), "a");
  } else if (bodyOp === 2) {
    body = Buffer.from(Array.from({ length: Math.floor(rnd() * 4096) }, () => Math.floor(rnd() * 256)));
    headers.push(`Content-Type: ${pick(["application/json", "text/plain", "application/x-www-form-urlencoded"])}`);
  } else if (bodyOp === 3) {
    headers.push("Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    body = Buffer.from(`group_id=${ids.gid}&%zz=%zz&state=firing&${"&".repeat(1000)}`);
  }
  // A head past the server's header limit (16 KiB) is refused by the HTTP parser itself (431): with a body
  // still arriving, the connection may close before the answer is read.
  if (target.length + headers.join("\r\n").length > 8192) malformed = true;
  let raw: Buffer;
  if (bodyOp === 4) {
    // Chunked with a garbage chunk size.
    headers.push("Transfer-Encoding: chunked");
    raw = Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`);
    malformed = true;
  } else {
    if (body.length > 0 || method === "POST") headers.push(`Content-Length: ${body.length}`);
    headers.push("Connection: close");
    raw = Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`), body]);
  }
  if (rnd() < 0.02) {
    raw = Buffer.from(Array.from({ length: 64 + Math.floor(rnd() * 512) }, () => Math.floor(rnd() * 256)));
    malformed = true;
  }
  return { raw, malformed, what: `${method} ${target.slice(0, 160)} (${raw.length} bytes)` };
}

describe("drill 11: fuzzed HTTP API", () => {
  let stack: Stack;
  afterAll(async () => {
    await debugDump(stack);
    await stack?.stop();
  });

  it(`${REQUESTS} seeded requests: never a 5xx or a stack trace, the process stays up`, async () => {
    stack = await startStack({ rules: RULES, remoteWrite: true });
    stack.feeder.set({ __name__: "drill_value", drill: "fuzz", instance: "<i>x" }, 1);
    await stack.feeder.flush();
    await waitFor(async () => (await stack.alerts()).length === 2, 20_000, "alerts to exist");
    const group = (await stack.groups())[0];
    const alert = (await stack.alerts())[0];
    const ids: Ids = { gid: group?.id ?? "1", aid: alert?.id ?? "1", rid: group?.rules[0]?.id ?? "1" };

    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let noAnswer = 0;
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const req = build(SEED * 100_000 + i, stack.tsalert.port, ids);
        const ans = await rawExchange(stack.tsalert.port, req.raw, 10_000);
        statuses.set(ans.status, (statuses.get(ans.status) ?? 0) + 1);
        if (ans.timedOut) bad.push(`#${i} ${req.what}: no answer within 10 s`);
        else if (ans.status === 0) {
          noAnswer++;
          if (!req.malformed) bad.push(`#${i} ${req.what}: connection closed without an answer`);
        } else if (ans.status >= 500) bad.push(`#${i} ${req.what}: ${ans.text.slice(0, 300)}`);
        else if (ans.status < 200) bad.push(`#${i} ${req.what}: status ${ans.status}`);
        if (STACK_TRACE.test(ans.text)) bad.push(`#${i} ${req.what}: stack trace: ${ans.text.slice(0, 500)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    if (bad.length > 0) console.log(bad.slice(0, 20).join("\n"));

    // Still up, still evaluating, nothing answered with 5xx inside either.
    const health = await fetch(`${stack.tsalert.url}/health`);
    expect(health.status).toBe(200);
    const itersBefore = await stack.metric("vmalert_iteration_total");
    await waitFor(async () => (await stack.metric("vmalert_iteration_total")) > itersBefore, 5000, "iterations");
    expect(await stack.metric("vmalert_http_request_errors_total")).toBe(0);
    expect(stack.tsalert.logs()).not.toMatch(/HTTP handler failed/);
    const mem = await stack.memory();
    await recordFigures("fuzz-http", {
      title: "fuzzed HTTP API",
      maxRssMiB: mib(mem.hwmKiB),
      extra: {
        requests: REQUESTS,
        bad: bad.length,
        closedWithoutAnswer: noAnswer,
        statuses: [...statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([s, c]) => `${s}:${c}`)
          .join(" "),
        seconds: Math.round(seconds),
      },
    });
    expect(bad).toEqual([]);
    expect(stack.tsalert.proc.exitCode).toBeNull();
  });
});
