// The JS snappy compressor against the reference implementation's decoder (the native snappy package):
// every output must decompress to the input, across the format's literal and copy encodings and block
// boundaries, and compress about as well as the reference.
import { compressSync, uncompressSync } from "snappy";
import { describe, expect, it } from "vitest";
import { encodeWriteRequest, snappyCompress, type TimeSeries } from "../../src/remotewrite/index.js";

/** Deterministic pseudo-random bytes (xorshift32). */
function randomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function roundTrip(input: Buffer): Buffer {
  const compressed = snappyCompress(input);
  const back = uncompressSync(compressed) as Buffer;
  expect(back.equals(input)).toBe(true);
  return compressed;
}

function alertSeries(n: number): TimeSeries[] {
  const out: TimeSeries[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      labels: [
        { name: "__name__", value: "ALERTS" },
        { name: "alertgroup", value: `group-${i % 10}` },
        { name: "alertname", value: `HighLoad_${i % 100}` },
        { name: "alertstate", value: "firing" },
        { name: "instance", value: `host-${String(i).padStart(4, "0")}:9100` },
        { name: "job", value: "node" },
      ],
      samples: [{ value: 1, timestamp: 1_764_000_000_000 + i }],
    });
  }
  return out;
}

describe("snappyCompress", () => {
  it("round-trips empty and tiny inputs (one literal, no block search)", () => {
    for (const s of ["", "a", "abc", "0123456789abcdef"]) roundTrip(Buffer.from(s));
    expect([...snappyCompress(Buffer.alloc(0))]).toEqual([0]);
  });

  it("round-trips incompressible data of every literal length class", () => {
    for (const n of [17, 59, 60, 61, 255, 256, 257, 65_535, 65_536, 65_537, 300_000]) {
      const c = roundTrip(randomBytes(n, n + 1));
      expect(c.length).toBeLessThanOrEqual(32 + n + Math.floor(n / 6));
    }
  });

  it("round-trips long runs (copies longer than 64 bytes, overlapping copies)", () => {
    const c = roundTrip(Buffer.alloc(200_000, 0x61));
    expect(c.length).toBeLessThan(200_000 / 20);
    roundTrip(Buffer.from("ab".repeat(40_000)));
    roundTrip(Buffer.from("abcdefgh".repeat(9)));
  });

  it("round-trips copies at near offsets (1-byte form) and far offsets (2-byte form)", () => {
    const far = randomBytes(5000, 7);
    roundTrip(Buffer.concat([far, Buffer.from("xyz"), far]));
    const near = randomBytes(100, 9);
    roundTrip(Buffer.concat([near, near, randomBytes(30, 3), near.subarray(10, 40)]));
  });

  it("round-trips mixed data crossing 64 KiB block boundaries", () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      parts.push(randomBytes(1000 + i * 37, i + 11));
      parts.push(Buffer.from(`label=value-${i % 5};`.repeat(50 + i)));
    }
    roundTrip(Buffer.concat(parts));
  });

  it("compresses remote-write bodies as well as the reference (within 5%)", () => {
    for (const n of [1, 100, 10_000]) {
      const body = encodeWriteRequest(alertSeries(n));
      const ours = roundTrip(body);
      const ref = compressSync(body) as Buffer;
      expect(ours.length).toBeLessThanOrEqual(Math.ceil(ref.length * 1.05) + 8);
    }
  });
});
