import { describe, expect, it } from "vitest";
import { createMemoryWriter, staleSample, type TimeSeries } from "../../src/remotewrite/index.js";
import { createSeriesQueue } from "../../src/remotewrite/queue.js";

const s = (n: number): TimeSeries => ({ labels: [{ name: "n", value: String(n) }], samples: [] });
const ids = (xs: TimeSeries[]) => xs.map((x) => Number(x.labels[0].value));

describe("series queue", () => {
  it("keeps FIFO order across wrap-around and growth, with sequence numbers", () => {
    const q = createSeriesQueue(1000);
    let next = 0;
    let expected = 0;
    // Interleave pushes and takes of varying sizes so the ring wraps and grows many times.
    for (let round = 0; round < 200; round++) {
      const pushN = (round * 7) % 23;
      expect(q.push(Array.from({ length: pushN }, () => s(next++)))).toBe(pushN);
      const taken = q.take((round * 5) % 17);
      for (const id of ids(taken)) expect(id).toBe(expected++);
      expect(q.headSeq).toBe(expected);
      expect(q.nextSeq).toBe(next);
      expect(q.length).toBe(next - expected);
    }
    expect(ids(q.take(10_000))).toEqual(Array.from({ length: next - expected }, (_, i) => expected + i));
  });

  it("accepts only what fits the capacity", () => {
    const q = createSeriesQueue(5);
    expect(q.push([s(1), s(2), s(3)])).toBe(3);
    expect(q.push([s(4), s(5), s(6), s(7)])).toBe(2);
    expect(q.push([s(8)])).toBe(0);
    expect(ids(q.take(2))).toEqual([1, 2]);
    expect(q.push([s(9), s(10), s(11)])).toBe(2);
    expect(ids(q.take(100))).toEqual([3, 4, 5, 9, 10]);
    expect(q.length).toBe(0);
  });
});

describe("memory writer", () => {
  it("records pushes, flushes and close for other modules' tests", async () => {
    const w = createMemoryWriter();
    const up = { labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: 1000 }] };
    w.push([up, { labels: [{ name: "__name__", value: "other" }], samples: [staleSample(2000)] }]);
    await w.flush();
    expect(w.series).toHaveLength(2);
    expect(w.named("up")).toEqual([up]);
    expect(w.named("other")[0].samples[0].stale).toBe(true);
    expect(w.flushes).toBe(1);
    await w.close(1000);
    expect(w.closed).toBe(true);
    w.clear();
    expect(w.series).toEqual([]);
  });
});
