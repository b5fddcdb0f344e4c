// Flushes and destinations that are down: a flush waits for delivery only while a destination
// answers, and with several -remoteWrite.url a dead one never holds up the others.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRemoteWriters, type RemoteWriter, type TimeSeries } from "../../src/remotewrite/index.js";
import { type FakeEndpoint, metric, type Reply, startFakeEndpoint } from "./fake.js";
import { captureLogger } from "./log.js";

function batch(prefix: string, n: number): TimeSeries[] {
  return Array.from({ length: n }, (_, i) => ({
    labels: [
      { name: "__name__", value: prefix },
      { name: "i", value: String(i) },
    ],
    samples: [{ value: i, timestamp: 1_700_000_000_000 }],
  }));
}

/** A loopback URL nothing listens on (connections are refused). */
async function deadURL(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const waitUntil = async (ok: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function writers(urls: string[]): RemoteWriter {
  const w = createRemoteWriters(
    urls.map((url) => ({ url, flushInterval: 60_000, retryMinInterval: 50, retryMaxTime: 60_000 })),
    captureLogger().logger,
  );
  cleanup.push(() => w.close(0));
  return w;
}

async function endpoint(reply: Reply): Promise<FakeEndpoint> {
  const ep = await startFakeEndpoint(reply);
  cleanup.push(() => ep.close());
  return ep;
}

describe("flush and a destination that is down", () => {
  it("stops waiting once a request fails; delivery goes on and later flushes wait again", async () => {
    let failing = true;
    const ep = await endpoint(async () => (failing ? { status: 503, body: "down for maintenance" } : { status: 204 }));
    const w = writers([ep.url]);
    w.push(batch("a", 5));
    // Retries would go on for a minute (retryMaxTime): the flush must not wait for them.
    await w.flush();
    expect(ep.requests.length).toBeGreaterThanOrEqual(1);
    expect(ep.accepted).toHaveLength(0);
    expect(await metric("tsalert_remotewrite_up", { url: `${ep.url}/api/v1/write` })).toBe(0);
    // While down, a flush does not wait at all.
    w.push(batch("b", 1));
    await w.flush();
    failing = false;
    await waitUntil(() => ep.accepted.length === 6, "the retried batches");
    expect(await metric("tsalert_remotewrite_up", { url: `${ep.url}/api/v1/write` })).toBe(1);
    // Up again: a flush waits for delivery.
    w.push(batch("c", 3));
    await w.flush();
    expect(ep.accepted).toHaveLength(9);
  });

  it("two destinations, one refusing connections: flushes deliver everything to the other at once", async () => {
    const live = await endpoint(async () => ({ status: 204 }));
    const dead = await deadURL();
    const w = writers([dead, live.url]);
    for (let round = 0; round < 5; round++) {
      w.push(batch(`r${round}`, 10));
      await w.flush();
      // Read-after-write for the live destination: everything pushed before the flush is there.
      expect(live.accepted).toHaveLength(10 * (round + 1));
    }
    const deadLabel = `${dead}/api/v1/write`;
    expect(await metric("tsalert_remotewrite_up", { url: deadLabel })).toBe(0);
    expect(await metric("vmalert_remotewrite_errors_total", { url: deadLabel })).toBeGreaterThan(0);
    expect(await metric("vmalert_remotewrite_sent_rows_total", { url: `${live.url}/api/v1/write` })).toBe(50);
    // The dead destination keeps its rows queued (nothing dropped yet: retries go on).
    expect(await metric("vmalert_remotewrite_dropped_rows_total", { url: deadLabel })).toBe(0);
    expect(await metric("vmalert_remotewrite_queue_size", { url: deadLabel })).toBeGreaterThan(0);
  });

  it("a hung destination is down after its first request times out; the other is not held up", async () => {
    const live = await endpoint(async () => ({ status: 204 }));
    const hung = await endpoint(() => new Promise(() => {}));
    const w = createRemoteWriters(
      [hung.url, live.url].map((url) => ({ url, flushInterval: 60_000, sendTimeout: 300, retryMaxTime: 60_000 })),
      captureLogger().logger,
    );
    cleanup.push(() => w.close(0));
    w.push(batch("a", 4));
    await w.flush();
    expect(live.accepted).toHaveLength(4);
    expect(await metric("tsalert_remotewrite_up", { url: `${hung.url}/api/v1/write` })).toBe(0);
  });

  it("labels every destination's metrics with its URL, a URL given twice by its position", async () => {
    const ep = await endpoint(async () => ({ status: 204 }));
    const w = writers([ep.url, ep.url]);
    w.push(batch("a", 2));
    await w.flush();
    expect(await metric("vmalert_remotewrite_sent_rows_total", { url: `${ep.url}/api/v1/write#1` })).toBe(2);
    expect(await metric("vmalert_remotewrite_sent_rows_total", { url: `${ep.url}/api/v1/write#2` })).toBe(2);
    expect(ep.accepted).toHaveLength(4);
  });
});
