import { describe, expect, it } from "vitest";
import {
  encodeWriteRequest,
  isStaleNaN,
  STALE_NAN_BITS,
  staleNaN,
  staleSample,
  type TimeSeries,
} from "../../src/remotewrite/index.js";
import { decodeWriteRequest } from "./decode.js";

function series(labels: Record<string, string>, samples: TimeSeries["samples"]): TimeSeries {
  return {
    labels: Object.keys(labels)
      .sort()
      .map((name) => ({ name, value: labels[name] })),
    samples,
  };
}

function bitsOf(v: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return dv.getBigUint64(0, true);
}

describe("encodeWriteRequest", () => {
  it("round-trips labels, values and timestamps", () => {
    const long = "x".repeat(300);
    const input = [
      series({ __name__: "job:up:sum", job: "api", instance: "ä-ünïcode-🚀" }, [
        { value: 42.5, timestamp: 1_764_059_400_000 },
        { value: -0.001, timestamp: 1_764_059_460_000 },
      ]),
      series({ __name__: "m", long, empty: "" }, [{ value: Number.POSITIVE_INFINITY, timestamp: 0 }]),
      series({ __name__: "neg" }, [{ value: 1, timestamp: -1500 }]),
      series({ __name__: "frac" }, [{ value: 2 ** 60, timestamp: 1234.9 }]),
    ];
    const out = decodeWriteRequest(encodeWriteRequest(input));
    expect(out).toHaveLength(4);
    expect(out[0].labels).toEqual({ __name__: "job:up:sum", job: "api", instance: "ä-ünïcode-🚀" });
    expect(out[0].samples.map((s) => [s.value, s.timestamp])).toEqual([
      [42.5, 1_764_059_400_000],
      [-0.001, 1_764_059_460_000],
    ]);
    expect(out[1].labels).toEqual({ __name__: "m", long, empty: "" });
    expect(out[1].samples[0].value).toBe(Number.POSITIVE_INFINITY);
    expect(out[1].samples[0].timestamp).toBe(0);
    expect(out[2].samples[0].timestamp).toBe(-1500);
    expect(out[3].samples[0]).toMatchObject({ value: 2 ** 60, timestamp: 1234 });
  });

  it("encodes non-ASCII labels late in a mostly-ASCII batch exactly", () => {
    const input = Array.from({ length: 50 }, (_, i) => series({ __name__: "m", i: String(i) }, []));
    input.push(series({ __name__: "m", price: "€ 5 — é".repeat(20), short: "é" }, []));
    const out = decodeWriteRequest(encodeWriteRequest(input));
    expect(out).toHaveLength(51);
    expect(out[49].labels).toEqual({ __name__: "m", i: "49" });
    expect(out[50].labels).toEqual({ __name__: "m", price: "€ 5 — é".repeat(20), short: "é" });
  });

  it("keeps label order as given (sorted by the caller)", () => {
    const out = decodeWriteRequest(encodeWriteRequest([series({ b: "2", a: "1", __name__: "x" }, [])]));
    expect(Object.keys(out[0].labels)).toEqual(["__name__", "a", "b"]);
    expect(out[0].samples).toEqual([]);
  });

  it("encodes an empty request as zero bytes", () => {
    expect(encodeWriteRequest([]).length).toBe(0);
  });

  it("writes the exact staleness bits for flagged samples and an ordinary NaN otherwise", () => {
    // An array of doubles makes V8 quiet the NaN: the payload survives, the exact bits do not.
    const quieted = [1.5, staleNaN][1];
    const out = decodeWriteRequest(
      encodeWriteRequest([
        series({ __name__: "stale_flag" }, [staleSample(1000)]),
        series({ __name__: "stale_flag_any_value" }, [{ value: 7, timestamp: 1000, stale: true }]),
        series({ __name__: "stale_quieted" }, [{ value: quieted, timestamp: 1000 }]),
        series({ __name__: "plain_nan" }, [{ value: Number.NaN, timestamp: 1000 }]),
      ]),
    );
    expect(out[0].samples[0].bits).toBe(STALE_NAN_BITS);
    expect(out[1].samples[0].bits).toBe(STALE_NAN_BITS);
    expect(out[2].samples[0].bits).toBe(STALE_NAN_BITS);
    expect(Number.isNaN(out[3].samples[0].value)).toBe(true);
    expect(out[3].samples[0].bits).not.toBe(STALE_NAN_BITS);
  });
});

describe("staleness NaN", () => {
  it("is recognised with and without the quiet bit, and ordinary NaN is not", () => {
    expect(Number.isNaN(staleNaN)).toBe(true);
    expect(isStaleNaN(staleNaN)).toBe(true);
    expect(bitsOf([0, staleNaN][1]) & 0x000fffffffffffffn).toBeGreaterThan(0n);
    expect(isStaleNaN([0, staleNaN][1])).toBe(true);
    expect(isStaleNaN(Number.NaN)).toBe(false);
    expect(isStaleNaN(0 / 0)).toBe(false);
    expect(isStaleNaN(1)).toBe(false);
  });
});
