// Drill 3: the datasource answers garbage. The proxy in front of VM replaces its answers: invalid JSON,
// a 200 with status "error", an endless body (1 GB offered, -datasource.maxResponseSize=1MiB), result
// types an instant query cannot have, bad sample values, duplicate series. Expected: each a clear rule
// error, the process stays up, memory stays bounded; NaN/±Inf are valid values (as in vmalert) and
// pass through. The real VM answers again at the end and the rule recovers.
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, type Stack, startStack, waitFor } from "./lib/stack.js";

const RULES = `
groups:
  - name: drill-garbage
    interval: 1s
    rules:
      - alert: DrillGarbage
        expr: drill_garbage_value > 0
        annotations:
          value: "{{ $value }}"
`;

const GIB = 1024 ** 3;

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}

function vector(result: unknown[]): string {
  return JSON.stringify({ status: "success", data: { resultType: "vector", result } });
}

const now = () => Math.floor(Date.now() / 1000);

/** Streams up to 1 GiB of a valid-looking vector; stops when the client goes away. */
function endless(res: ServerResponse, sent: { bytes: number }): void {
  res.writeHead(200, { "content-type": "application/json" });
  const item = Buffer.from(`{"metric":{"__name__":"drill_garbage_value","pad":"${"x".repeat(200)}"},"value":[1,"1"]},`);
  const chunk = Buffer.concat(Array.from({ length: 256 }, () => item));
  res.write('{"status":"success","data":{"resultType":"vector","result":[');
  const pump = () => {
    while (sent.bytes < GIB && !res.destroyed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end("]}}");
  };
  pump();
}

describe("drill 3: datasource garbage", () => {
  let stack: Stack;
  let hwmBefore = 0;
  const cases: Record<string, string> = {};
  beforeAll(async () => {
    stack = await startStack({
      rules: RULES,
      alertmanagers: 0,
      args: ["-datasource.maxResponseSize=1MiB"],
    });
    stack.feeder.set({ __name__: "drill_garbage_value" }, 1);
    await stack.feeder.flush();
    await waitFor(
      async () => (await stack.alerts()).some((a) => a.name === "DrillGarbage" && a.state === "firing"),
      20_000,
      "the alert to fire on real data",
    );
    hwmBefore = (await stack.memory()).hwmKiB;
  });
  afterAll(async () => {
    await debugDump(stack);
    await stack?.stop();
  });

  /** Switches the answer, then waits until the rule reports an error matching `want`. */
  async function expectRuleError(name: string, answer: Parameters<Stack["datasource"]["http"]>[0], want: RegExp) {
    await stack.datasource.http(answer);
    let last = "";
    await waitFor(
      async () => {
        last = (await stack.rule("drill-garbage", "DrillGarbage"))?.lastError ?? "";
        return want.test(last);
      },
      10_000,
      `${name}: rule error matching ${want} (last: ${last})`,
    );
    const health = await fetch(`${stack.tsalert.url}/health`);
    expect(health.status).toBe(200);
    expect(stack.tsalert.proc.exitCode).toBeNull();
    cases[name] = last;
  }

  it("invalid JSON", async () => {
    await expectRuleError(
      "invalid JSON",
      (_r, res) => send(res, 200, '{"status":"success","data":{"resultType":"vector","result":[{'),
      /error parsing response from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query.*invalid JSON/,
    );
    await expectRuleError("HTML", (_r, res) => send(res, 200, "<html>proxy error</html>"), /invalid JSON/);
  });

  it("a connection cut in the middle of the body", async () => {
    await expectRuleError(
      "cut mid-body",
      (_r, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"status":"success","data":{"resultType":"vector","result":[');
        setTimeout(() => res.destroy(), 20);
      },
      /cannot send request to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query.*(terminated|closed|socket|reset)/i,
    );
  });

  it("200 with status error, and a 500", async () => {
    await expectRuleError(
      "status error",
      (_r, res) => send(res, 200, JSON.stringify({ status: "error", errorType: "bad_data", error: "drill says no" })),
      /response error "bad_data": drill says no/,
    );
    await expectRuleError(
      "500",
      (_r, res) => send(res, 500, "drill: internal error"),
      /unexpected response code 500 .*drill: internal error/,
    );
  });

  it("a 1 GiB body is cut at -datasource.maxResponseSize and memory stays bounded", async () => {
    const sent = { bytes: 0 };
    const requestsBefore = stack.datasource.stats().httpRequests;
    await expectRuleError("1 GiB body", (_r, res) => endless(res, sent), /larger than 1048576 bytes/);
    // Several evaluations meet the endless body; each is cut after about 1 MiB (plus socket buffers).
    await new Promise((r) => setTimeout(r, 3000));
    const requests = stack.datasource.stats().httpRequests - requestsBefore;
    expect(sent.bytes).toBeLessThan(GIB / 4);
    const hwm = (await stack.memory()).hwmKiB;
    // Reading 1 GiB would take the process far past this; 1 MiB per query leaves it where it was.
    expect(hwm - hwmBefore).toBeLessThan(100 * 1024);
    cases.bytesOffered = `${Math.round(sent.bytes / 1024 / 1024)} MiB over ${requests} requests`;
  });

  it("result types an instant query cannot have", async () => {
    await expectRuleError(
      "matrix",
      (_r, res) =>
        send(
          res,
          200,
          JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: {}, values: [] }] } }),
        ),
      /unknown result type "matrix"/,
    );
    await expectRuleError(
      "string",
      (_r, res) =>
        send(res, 200, JSON.stringify({ status: "success", data: { resultType: "string", result: [1, "x"] } })),
      /unknown result type "string"/,
    );
    await expectRuleError(
      "result not a list",
      (_r, res) =>
        send(res, 200, JSON.stringify({ status: "success", data: { resultType: "vector", result: { a: 1 } } })),
      /vector result is not a list/,
    );
    await expectRuleError(
      "label not a string",
      (_r, res) => send(res, 200, vector([{ metric: { __name__: "drill_garbage_value", n: 5 }, value: [now(), "1"] }])),
      /label "n" is not a string/,
    );
    await expectRuleError(
      "bad sample value",
      (_r, res) => send(res, 200, vector([{ metric: { __name__: "drill_garbage_value" }, value: [now(), "one"] }])),
      /cannot parse sample value "one"/,
    );
  });

  it("duplicate series", async () => {
    const series = { metric: { __name__: "drill_garbage_value", job: "dup" }, value: [now(), "1"] };
    await expectRuleError(
      "duplicate series",
      (_r, res) => send(res, 200, vector([series, series])),
      /result contains metrics with the same labelset/,
    );
  });

  it("NaN and ±Inf are values, not errors", async () => {
    await stack.datasource.http((_r, res) =>
      send(
        res,
        200,
        vector([
          { metric: { __name__: "drill_garbage_value", v: "nan" }, value: [now(), "NaN"] },
          { metric: { __name__: "drill_garbage_value", v: "inf" }, value: [now(), "+Inf"] },
          { metric: { __name__: "drill_garbage_value", v: "-inf" }, value: [now(), "-Inf"] },
        ]),
      ),
    );
    await waitFor(
      async () => (await stack.alerts()).filter((a) => a.name === "DrillGarbage" && a.labels.v).length === 3,
      10_000,
      "three alerts with NaN/±Inf values",
    );
    const byV = Object.fromEntries((await stack.alerts()).map((a) => [a.labels.v, a]));
    expect(byV.nan?.annotations.value).toBe("NaN");
    expect(byV.inf?.annotations.value).toBe("+Inf");
    expect(byV["-inf"]?.annotations.value).toBe("-Inf");
    expect((await stack.rule("drill-garbage", "DrillGarbage"))?.lastError).toBe("");
  });

  it("recovers on real answers", async () => {
    await stack.datasource.pass();
    const back = Date.now();
    await waitFor(
      async () => {
        const alerts = (await stack.alerts()).filter((a) => a.name === "DrillGarbage");
        return alerts.length === 1 && alerts[0]?.labels.v === undefined;
      },
      15_000,
      "the real series alone again",
    );
    expect((await stack.rule("drill-garbage", "DrillGarbage"))?.lastError).toBe("");
    const mem = await stack.memory();
    await recordFigures("datasource-garbage", {
      title: "datasource garbage",
      recoverySeconds: (Date.now() - back) / 1000,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { cases: Object.keys(cases).length, offered: cases.bytesOffered ?? "" },
    });
  });
});
