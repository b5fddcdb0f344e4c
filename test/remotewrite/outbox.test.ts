// The disk outbox (-remoteWrite.tmpDataPath) against a fake endpoint: durability of what a flush
// acknowledged, replay in order after a restart, the saved read offset, the disk bound, damaged segments.
import { mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRemoteWriter, type DestinationWriter, type TimeSeries } from "../../src/remotewrite/index.js";
import { HEADER_BYTES, parseHeader } from "../../src/remotewrite/outbox/record.js";
import { type FakeEndpoint, metric, startFakeEndpoint } from "./fake.js";
import { captureLogger } from "./log.js";

function batch(prefix: string, n: number, from = 0): TimeSeries[] {
  return Array.from({ length: n }, (_, i) => ({
    labels: [
      { name: "__name__", value: prefix },
      { name: "i", value: String(from + i) },
    ],
    samples: [{ value: from + i, timestamp: 1_700_000_000_000 }],
  }));
}

const names = (ep: FakeEndpoint) => ep.accepted.map((s) => `${s.labels.__name__}/${s.labels.i}`);
const expected = (prefix: string, n: number) => batch(prefix, n).map((s) => `${prefix}/${s.labels[1].value}`);

async function waitUntil(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  cleanup = [];
});

interface Setup {
  ep: FakeEndpoint;
  dir: string;
  /** Whether the endpoint answers 503 (a down storage) or accepts. */
  down: { on: boolean };
  open(opts?: { maxDiskBytes?: number; segmentBytes?: number; maxBatchSize?: number }): DestinationWriter;
  log: ReturnType<typeof captureLogger>;
}

async function setup(): Promise<Setup> {
  const down = { on: false };
  const ep = await startFakeEndpoint(async () => (down.on ? { status: 503, body: "down" } : { status: 204 }));
  const dir = await mkdtemp(join(tmpdir(), "tsalert-outbox-"));
  const log = captureLogger();
  cleanup.push(
    () => ep.close(),
    () => rm(dir, { recursive: true, force: true }),
  );
  const writers: DestinationWriter[] = [];
  cleanup.push(async () => {
    for (const w of writers) await w.close(0);
  });
  return {
    ep,
    dir,
    down,
    log,
    open(o = {}) {
      const w = createRemoteWriter(
        {
          url: ep.url,
          flushInterval: 60_000,
          retryMinInterval: 20,
          maxBatchSize: o.maxBatchSize,
          outbox: { dir, maxDiskBytes: o.maxDiskBytes, segmentBytes: o.segmentBytes },
        },
        log.logger,
      );
      writers.push(w);
      return w;
    },
  };
}

async function segments(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith(".seg")).sort();
}

/** Offsets of the records in a segment file. */
async function recordOffsets(path: string): Promise<{ offset: number; length: number }[]> {
  const buf = await readFile(path);
  const out: { offset: number; length: number }[] = [];
  for (let p = 0; p + HEADER_BYTES <= buf.length; ) {
    const h = parseHeader(buf, p);
    if (!h) throw new Error(`no record at ${p}`);
    out.push({ offset: p, length: h.length });
    p += HEADER_BYTES + h.length;
  }
  return out;
}

async function flipByte(path: string, at: number): Promise<void> {
  const fh = await open(path, "r+");
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0] ^= 0x5a;
  await fh.write(b, 0, 1, at);
  await fh.close();
}

describe("outbox: delivery", () => {
  it("delivers through the outbox as the memory queue does, and deletes what was delivered", async () => {
    const s = await setup();
    const w = s.open({ maxBatchSize: 10 });
    w.push(batch("a", 25));
    await w.flush();
    expect(names(s.ep)).toEqual(expected("a", 25));
    expect(s.ep.requests.map((r) => r.series.length)).toEqual([10, 10, 5]);
    await w.close(1000);
    // One segment remains (the one being written), its records before the saved offset.
    const saved = JSON.parse(await readFile(join(s.dir, "reader.json"), "utf8")) as { offset: number };
    const segs = await segments(s.dir);
    const last = segs.at(-1) as string;
    const size = (await stat(join(s.dir, last))).size;
    expect(saved.offset).toBe(Number.parseInt(last.slice(0, 16), 16) + size);
  });

  it("flushes that meet share records of up to maxBatchSize rows, in order (one request, not one per flush)", async () => {
    const s = await setup();
    const w = s.open({ maxBatchSize: 10 });
    // Four rules' flushes in the same turn of the loop, as groups running side by side do.
    const flushes = [3, 4, 5, 6].map((n, k) => {
      w.push(batch(`r${k}`, n));
      return w.flush();
    });
    await Promise.all(flushes);
    expect(names(s.ep)).toEqual([
      ...expected("r0", 3),
      ...expected("r1", 4),
      ...expected("r2", 5),
      ...expected("r3", 6),
    ]);
    // 3+4 fit one record, +5 would not; 5 alone, +6 would not; 6.
    expect(s.ep.requests.map((r) => r.series.length)).toEqual([7, 5, 6]);
  });

  it("a flush while the destination is down returns once the rows are on disk; they arrive after a restart", async () => {
    const s = await setup();
    s.down.on = true;
    const w = s.open();
    for (let i = 0; i < 5; i++) {
      w.push(batch(`r${i}`, 20));
      await w.flush();
    }
    expect(s.ep.accepted).toHaveLength(0);
    await w.close(0);
    expect(await metric("vmalert_remotewrite_dropped_rows_total", { url: `${s.ep.url}/api/v1/write` })).toBe(0);
    s.down.on = false;
    const again = s.open();
    await waitUntil(() => s.ep.accepted.length === 100, "the outbox replayed after the restart");
    // In the order they were written (one sender).
    expect(names(s.ep)).toEqual([0, 1, 2, 3, 4].flatMap((i) => expected(`r${i}`, 20)));
    await again.close(1000);
  });

  it("what was delivered before a restart is not sent again", async () => {
    const s = await setup();
    const w = s.open();
    w.push(batch("a", 7));
    await w.flush();
    await w.close(1000);
    const again = s.open();
    again.push(batch("b", 3));
    await again.flush();
    expect(names(s.ep)).toEqual([...expected("a", 7), ...expected("b", 3)]);
  });

  it("a second writer on the same directory is refused", async () => {
    const s = await setup();
    s.open();
    expect(() => s.open()).toThrow(/already used/);
  });
});

describe("outbox: the disk bound", () => {
  it("drops the oldest segments past maxDiskBytes, counted exactly; the newest rows arrive", async () => {
    const s = await setup();
    const w = s.open({ maxDiskBytes: 64 << 10, segmentBytes: 8 << 10 });
    const url = { url: `${s.ep.url}/api/v1/write` };
    const dropped0 = await metric("vmalert_remotewrite_dropped_rows_total", { ...url, reason: "disk_limit" });
    let pushed = 0;
    const push = (i: number) =>
      // Distinct label values, so the batches do not compress to nothing.
      w.push(
        batch(`x${i}`, 50).map((ts, j) => ({
          ...ts,
          labels: [...ts.labels, { name: "z", value: `${(i * 7919 + j * 104729) % 1e9}-${j}` }],
        })),
      );
    // First delivered across several segments (the reader moves from segment to segment), then an outage.
    for (let i = 0; i < 40; i++) {
      push(i);
      pushed += 50;
      await w.flush();
    }
    expect(s.ep.accepted).toHaveLength(pushed);
    s.down.on = true;
    for (let i = 40; i < 160; i++) {
      push(i);
      pushed += 50;
      await w.flush();
    }
    await waitUntil(
      async () => (await metric("vmalert_remotewrite_dropped_rows_total", { ...url, reason: "disk_limit" })) > dropped0,
      "drops",
    );
    let bytes = 0;
    for (const f of await segments(s.dir)) bytes += (await stat(join(s.dir, f))).size;
    expect(bytes).toBeLessThanOrEqual((64 << 10) + (8 << 10));
    expect(s.log.lines().some((l) => l.msg.includes("reached -remoteWrite.maxDiskUsagePerURL=65536"))).toBe(true);
    s.down.on = false;
    await waitUntil(async () => {
      const dropped =
        (await metric("vmalert_remotewrite_dropped_rows_total", { ...url, reason: "disk_limit" })) - dropped0;
      return s.ep.accepted.length + dropped === pushed;
    }, "every row delivered or counted");
    // The newest batch is never the one dropped.
    expect(names(s.ep).slice(-50)).toEqual(expected("x159", 50));
  });
});

describe("outbox: damage", () => {
  async function damaged(damage: (dir: string, seg: string) => Promise<void>) {
    const s = await setup();
    s.down.on = true;
    const w = s.open();
    for (let i = 0; i < 4; i++) {
      w.push(batch(`r${i}`, 10));
      await w.flush();
    }
    await w.close(0);
    const segs = await segments(s.dir);
    expect(segs).toHaveLength(1);
    await damage(s.dir, join(s.dir, segs[0]));
    s.down.on = false;
    return s;
  }
  const url = (s: Setup) => ({ url: `${s.ep.url}/api/v1/write` });

  it("a flipped byte in a record's payload costs that record: counted as corrupt, the rest delivered", async () => {
    const s = await damaged(async (_dir, seg) => {
      const recs = await recordOffsets(seg);
      await flipByte(seg, recs[1].offset + HEADER_BYTES + Math.floor(recs[1].length / 2));
    });
    const corrupt0 = await metric("vmalert_remotewrite_dropped_rows_total", { ...url(s), reason: "corrupt" });
    const bytes0 = await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url(s));
    s.open();
    await waitUntil(() => s.ep.accepted.length === 30, "the intact records");
    expect(names(s.ep)).toEqual([...expected("r0", 10), ...expected("r2", 10), ...expected("r3", 10)]);
    expect(await metric("vmalert_remotewrite_dropped_rows_total", { ...url(s), reason: "corrupt" })).toBe(
      corrupt0 + 10,
    );
    expect(await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url(s))).toBeGreaterThan(bytes0);
  });

  it("a flipped byte in a header: the reader finds the next record; the damaged bytes are counted", async () => {
    const s = await damaged(async (_dir, seg) => {
      const recs = await recordOffsets(seg);
      await flipByte(seg, recs[2].offset + 5);
    });
    const bytes0 = await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url(s));
    s.open();
    await waitUntil(() => s.ep.accepted.length === 30, "the intact records");
    expect(names(s.ep)).toEqual([...expected("r0", 10), ...expected("r1", 10), ...expected("r3", 10)]);
    expect(await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url(s))).toBeGreaterThan(bytes0);
  });

  it("a torn last record (a kill mid-write) is cut at open, not counted as damage", async () => {
    const s = await damaged(async (_dir, seg) => {
      const size = (await stat(seg)).size;
      await truncate(seg, size - 7);
    });
    const bytes0 = await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url(s));
    s.open();
    await waitUntil(() => s.ep.accepted.length === 30, "the complete records");
    await new Promise((r) => setTimeout(r, 100));
    expect(names(s.ep)).toEqual([...expected("r0", 10), ...expected("r1", 10), ...expected("r2", 10)]);
    expect(await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url(s))).toBe(bytes0);
    expect(s.log.lines().some((l) => l.msg.includes("was being written when the previous run stopped"))).toBe(true);
  });

  it("garbage segment files and a garbage offset file never crash or loop", async () => {
    const s = await damaged(async (dir) => {
      await writeFile(join(dir, "reader.json"), "{not json");
      await writeFile(join(dir, `${"f".repeat(15)}0.seg`), Buffer.alloc(4096, 0xab));
      await writeFile(join(dir, "junk.seg"), "ignored: not a segment name");
    });
    s.open();
    await waitUntil(() => s.ep.accepted.length === 40, "the intact records");
    expect(names(s.ep)).toEqual([0, 1, 2, 3].flatMap((i) => expected(`r${i}`, 10)));
  });
});
