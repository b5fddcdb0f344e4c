// Delivery semantics under faults, against a fake endpoint (500s, 400s, hangs cannot be ordered from a
// real VictoriaMetrics). These writers wait through outages on flush (flushWaitsWhileDown, as replay
// does) so each test can await delivery; ./down.test.ts covers flushes that stop at a down destination.
import { afterEach, describe, expect, it } from "vitest";
import { createRemoteWriter, type RemoteWriter, type TimeSeries } from "../../src/remotewrite/index.js";
import { deferred, type FakeEndpoint, metric, type Reply, startFakeEndpoint } from "./fake.js";
import { captureLogger } from "./log.js";

const ok: Reply = async () => ({ status: 204 });

function batch(prefix: string, n: number, t = 1_700_000_000_000): TimeSeries[] {
  return Array.from({ length: n }, (_, i) => ({
    labels: [
      { name: "__name__", value: prefix },
      { name: "i", value: String(i) },
    ],
    samples: [{ value: i, timestamp: t }],
  }));
}

const names = (ep: FakeEndpoint) => ep.accepted.map((s) => `${s.labels.__name__}/${s.labels.i}`);

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(reply: Reply, opts: Partial<Parameters<typeof createRemoteWriter>[0]> = {}) {
  const ep = await startFakeEndpoint(reply);
  const log = captureLogger();
  const writer: RemoteWriter = createRemoteWriter(
    {
      url: ep.url,
      flushInterval: 60_000,
      retryMinInterval: 20,
      retryMaxTime: 10_000,
      flushWaitsWhileDown: true,
      ...opts,
    },
    log.logger,
  );
  cleanup.push(
    () => writer.close(1_000),
    () => ep.close(),
  );
  return { ep, writer, log };
}

describe("remote writer: protocol", () => {
  it("posts snappy protobuf to /api/v1/write with vmalert's headers", async () => {
    const { ep, writer } = await setup(ok);
    writer.push(batch("a", 3));
    await writer.flush();
    expect(ep.requests).toHaveLength(1);
    const r = ep.requests[0];
    expect(r.path).toBe("/api/v1/write");
    expect(r.headers["content-encoding"]).toBe("snappy");
    expect(r.headers["content-type"]).toBe("application/x-protobuf");
    expect(r.headers["x-prometheus-remote-write-version"]).toBe("0.1.0");
    expect(r.headers["user-agent"]).toBe("vmalert");
    expect(names(ep)).toEqual(["a/0", "a/1", "a/2"]);
  });

  it("sends auth and -remoteWrite.headers through the shared client", async () => {
    const { ep, writer } = await setup(ok, {
      client: { basicAuth: { username: "u", password: "p" }, headers: { "X-Scope-OrgID": "team-a" } },
    });
    writer.push(batch("a", 1));
    await writer.flush();
    expect(ep.requests[0].headers.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(ep.requests[0].headers["x-scope-orgid"]).toBe("team-a");
    expect(ep.requests[0].headers["content-encoding"]).toBe("snappy");
  });

  it("keeps the URL as given with disablePathAppend", async () => {
    const ep = await startFakeEndpoint(ok);
    const w = createRemoteWriter({ url: `${ep.url}/custom/write`, disablePathAppend: true }, captureLogger().logger);
    cleanup.push(
      () => w.close(1000),
      () => ep.close(),
    );
    w.push(batch("a", 1));
    await w.flush();
    expect(ep.requests.map((r) => r.path)).toEqual(["/custom/write"]);
  });

  it("splits into batches of maxBatchSize and sends full batches without a flush", async () => {
    const { ep, writer } = await setup(ok, { maxBatchSize: 10 });
    writer.push(batch("a", 25));
    // Two full batches go at once; the partial one waits for flush (flushInterval is a minute).
    for (let i = 0; i < 50 && ep.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ep.requests.map((r) => r.series.length)).toEqual([10, 10]);
    await writer.flush();
    expect(ep.requests.map((r) => r.series.length)).toEqual([10, 10, 5]);
    expect(names(ep)).toEqual(batch("a", 25).map((s) => `a/${s.labels[1].value}`));
  });

  it("sends partial batches every flushInterval", async () => {
    const { ep, writer } = await setup(ok, { flushInterval: 100 });
    writer.push(batch("a", 2));
    for (let i = 0; i < 100 && ep.accepted.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(names(ep)).toEqual(["a/0", "a/1"]);
  });

  it("resolves flush at once and sends nothing when the queue is empty", async () => {
    const { ep, writer } = await setup(ok);
    await writer.flush();
    expect(ep.requests).toHaveLength(0);
  });
});

describe("remote writer: faults", () => {
  it("retries 500s until the server recovers: nothing lost within the queue size", async () => {
    let failing = true;
    const { ep, writer, log } = await setup(
      async () => (failing ? { status: 500, body: "storage is busy" } : { status: 204 }),
      { maxBatchSize: 5, concurrency: 2 },
    );
    const dropped0 = await metric("vmalert_remotewrite_dropped_rows_total");
    const errors0 = await metric("vmalert_remotewrite_errors_total");
    writer.push(batch("a", 12));
    const flushed = writer.flush();
    let flushDone = false;
    void flushed.then(() => {
      flushDone = true;
    });
    writer.push(batch("b", 3));
    setTimeout(() => {
      failing = false;
    }, 800);
    await new Promise((r) => setTimeout(r, 400));
    expect(flushDone).toBe(false);
    expect(ep.accepted).toHaveLength(0);
    await flushed;
    await writer.flush();
    expect(names(ep).sort()).toEqual(
      [...batch("a", 12), ...batch("b", 3)].map((s) => `${s.labels[0].value}/${s.labels[1].value}`).sort(),
    );
    expect(await metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped0);
    expect(await metric("vmalert_remotewrite_errors_total")).toBeGreaterThan(errors0);
    expect(log.lines().some((l) => l.msg.includes("unexpected response code 500: storage is busy"))).toBe(true);
  });

  it("retries 429", async () => {
    let n = 0;
    const { ep, writer } = await setup(async () => (++n <= 2 ? { status: 429, body: "slow down" } : { status: 200 }));
    writer.push(batch("a", 1));
    await writer.flush();
    expect(ep.requests).toHaveLength(3);
    expect(names(ep)).toEqual(["a/0"]);
  });

  it("drops a 400 at once, counted and logged with the server's message", async () => {
    const { ep, writer, log } = await setup(async () => ({
      status: 400,
      body: "cannot parse WriteRequest: invalid label name",
    }));
    const dropped0 = await metric("vmalert_remotewrite_dropped_rows_total");
    writer.push(batch("a", 7));
    await writer.flush();
    expect(ep.requests).toHaveLength(1);
    expect(await metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped0 + 7);
    const errs = log.lines().filter((l) => l.level >= 50);
    expect(errs).toHaveLength(1);
    expect(errs[0].msg).toContain("dropped 7 series");
    expect(errs[0].msg).toContain("400: cannot parse WriteRequest: invalid label name");
  });

  it("gives up after retryMaxTime and drops the batch", async () => {
    const { ep, writer, log } = await setup(async () => ({ status: 503 }), { retryMaxTime: 300 });
    const dropped0 = await metric("vmalert_remotewrite_dropped_rows_total");
    writer.push(batch("a", 4));
    await writer.flush();
    expect(ep.requests.length).toBeGreaterThan(1);
    expect(await metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped0 + 4);
    expect(log.lines().some((l) => l.msg.includes("giving up after"))).toBe(true);
  });

  it("times out a hung request after sendTimeout and retries it", async () => {
    let n = 0;
    const { ep, writer } = await setup(
      async () => {
        if (++n === 1) await new Promise((r) => setTimeout(r, 5_000));
        return { status: 204 };
      },
      { sendTimeout: 200 },
    );
    writer.push(batch("a", 2));
    await writer.flush();
    expect(ep.requests.length).toBeGreaterThanOrEqual(2);
    expect(names(ep)).toEqual(["a/0", "a/1"]);
  });

  it("slow server: push never blocks, flush waits for delivery, concurrency bounds parallel requests", async () => {
    const gate = deferred();
    const { ep, writer } = await setup(
      async () => {
        await gate.promise;
        return { status: 204 };
      },
      { maxBatchSize: 2, concurrency: 2 },
    );
    writer.push(batch("a", 8));
    const flushed = writer.flush();
    let done = false;
    void flushed.then(() => {
      done = true;
    });
    for (let i = 0; i < 50 && ep.inFlight < 2; i++) await new Promise((r) => setTimeout(r, 20));
    // While both senders wait on the server, pushes return and queue up.
    writer.push(batch("b", 3));
    await new Promise((r) => setTimeout(r, 100));
    expect(ep.inFlight).toBe(2);
    expect(done).toBe(false);
    gate.resolve();
    await flushed;
    // Everything pushed before flush() was delivered; "b" came later and is not waited for.
    expect(
      names(ep)
        .filter((n) => n.startsWith("a/"))
        .sort(),
    ).toEqual(["a/0", "a/1", "a/2", "a/3", "a/4", "a/5", "a/6", "a/7"].sort());
    await writer.flush();
    expect(ep.accepted).toHaveLength(11);
    expect(ep.maxInFlight).toBe(2);
  });

  it("queue overflow: bounded at maxQueueSize, drops counted exactly", async () => {
    const gate = deferred();
    const { ep, writer, log } = await setup(
      async () => {
        await gate.promise;
        return { status: 204 };
      },
      { maxQueueSize: 100, maxBatchSize: 1000 },
    );
    const dropped0 = await metric("vmalert_remotewrite_dropped_rows_total");
    writer.push(batch("a", 60));
    writer.push(batch("b", 60));
    writer.push(batch("c", 5));
    expect(await metric("vmalert_remotewrite_queue_size")).toBe(100);
    expect(await metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped0 + 25);
    expect(log.lines().some((l) => l.msg.includes("queue is full (-remoteWrite.maxQueueSize=100)"))).toBe(true);
    const flushed = writer.flush();
    gate.resolve();
    await flushed;
    expect(ep.accepted).toHaveLength(100);
    expect(names(ep).slice(58, 62)).toEqual(["a/58", "a/59", "b/0", "b/1"]);
    expect(await metric("vmalert_remotewrite_queue_size")).toBe(0);
  });

  it("flush(signal) stops waiting when aborted", async () => {
    const gate = deferred();
    const { writer } = await setup(async () => {
      await gate.promise;
      return { status: 204 };
    });
    writer.push(batch("a", 1));
    const ac = new AbortController();
    const flushed = writer.flush(ac.signal);
    setTimeout(() => ac.abort(), 50);
    await flushed;
    gate.resolve();
  });
});

describe("remote writer: close", () => {
  it("drains the queue before it stops", async () => {
    const { ep, writer } = await setup(ok, { maxBatchSize: 3 });
    writer.push(batch("a", 7));
    await writer.close(5_000);
    expect(ep.accepted).toHaveLength(7);
  });

  it("gives up at the deadline, dropping and counting what is left; later pushes are dropped", async () => {
    const { writer } = await setup(
      async () => {
        await new Promise((r) => setTimeout(r, 10_000));
        return { status: 204 };
      },
      { maxBatchSize: 2 },
    );
    const dropped0 = await metric("vmalert_remotewrite_dropped_rows_total");
    writer.push(batch("a", 5));
    await writer.close(300);
    expect(await metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped0 + 5);
    writer.push(batch("b", 2));
    expect(await metric("vmalert_remotewrite_dropped_rows_total")).toBe(dropped0 + 7);
  });
});
