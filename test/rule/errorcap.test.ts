// Error texts kept for the API and the UI are capped (MAX_KEPT_ERROR_BYTES): a peer answering with
// megabytes of error must not make every history entry of every rule megabytes big.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClosableQuerierFactory, createQuerierFactory } from "../../src/datasource/index.js";
import { keptErrorText, MAX_KEPT_ERROR_BYTES } from "../../src/errors.js";
import { Engine } from "../../src/rule/engine.js";
import { alertRule, makeDeps, recordRule, series } from "./fakes.js";
import { alerting, harness, never, recording } from "./harness.js";

const TEN_MB = 10 * 1024 * 1024;
/** The kept text and its `... (N bytes cut)` marker. */
const MAX_SHOWN = MAX_KEPT_ERROR_BYTES + 40;

describe("keptErrorText", () => {
  it("keeps short texts, cuts long ones at a character boundary with a marker", () => {
    expect(keptErrorText("short")).toBe("short");
    const cut = keptErrorText("é".repeat(5000), 101);
    expect(cut).toBe(`${"é".repeat(50)}... (9900 bytes cut)`);
    expect(keptErrorText("a".repeat(MAX_KEPT_ERROR_BYTES))).toBe("a".repeat(MAX_KEPT_ERROR_BYTES));
  });
});

describe("a datasource answering a 10 MB error", () => {
  let server: Server;
  let factory: ClosableQuerierFactory;
  const huge = `bad_data: ${"x".repeat(TEN_MB)}`;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ status: "error", errorType: "bad_data", error: huge }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    factory = createQuerierFactory({ url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` });
  });
  afterAll(async () => {
    await factory?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it("keeps at most 4 KiB of it in lastError and in each history entry", async () => {
    const h = harness();
    h.inputs.querier = factory.forGroup(h.inputs.group.querySettings);
    const a = alerting(h, alertRule({ alert: "A", expr: "up" }));
    const r = recording(h, recordRule({ record: "r", expr: "up" }));
    for (let i = 0; i < 3; i++) {
      await a.exec(h.deps.clock.now(), never);
      await r.exec(h.deps.clock.now(), never);
    }
    for (const rule of [a.api(true), r.api(true)]) {
      expect(rule.lastError).toContain("bad_data: xxxx");
      expect(rule.lastError.length).toBeLessThanOrEqual(MAX_SHOWN);
      expect(rule.lastError).toMatch(/\.\.\. \(\d+ bytes cut\)$/);
      expect(rule.updates).toHaveLength(3);
      for (const u of rule.updates ?? []) expect((u.error ?? "").length).toBeLessThanOrEqual(MAX_SHOWN);
    }
  });
});

describe("the reload banner", () => {
  it("keeps at most 4 KiB of a reload error", () => {
    const e = new Engine(makeDeps());
    e.setReloadError(`cannot load rules:\n${"f.yml:1:1: bad\n".repeat(1_000_000)}`);
    expect(e.lastReloadError().length).toBeLessThanOrEqual(MAX_SHOWN);
    expect(e.lastReloadError()).toMatch(/^cannot load rules:\nf\.yml:1:1: bad\n.*bytes cut\)$/s);
  });
});

describe("a template whose query fails with a 10 MB error", () => {
  it("keeps at most 4 KiB of the error in the annotation sent and shown", async () => {
    const h = harness();
    h.deps.q.set("up", [series({ job: "a" })]);
    h.deps.q.set("boom", new Error(`peer said: ${"y".repeat(TEN_MB)}`));
    const a = alerting(
      h,
      alertRule({ alert: "A", expr: "up", annotations: { s: '{{ query "boom" | first | value }}' } }),
    );
    const out = await a.exec(h.deps.clock.now(), never);
    const shown = a.api(true).alerts?.[0]?.annotations.s ?? "";
    expect(shown).toMatch(/^error evaluating template: .*peer said: yyyy.*bytes cut\)$/s);
    expect(shown.length).toBeLessThanOrEqual(MAX_SHOWN);
    expect(out.alerts.every((x) => (x.annotations.s ?? "").length <= MAX_SHOWN)).toBe(true);
  });
});
