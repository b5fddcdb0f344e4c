import { describe, expect, it } from "vitest";
import { expandValues, formatLabels, NotationError, parseSeries } from "../../src/unittest/notation.js";

describe("expandValues", () => {
  it("expands the notations of both tools", () => {
    expect(expandValues("1+1x3")).toEqual([1, 2, 3, 4]);
    expect(expandValues("-2+4x3")).toEqual([-2, 2, 6, 10]);
    expect(expandValues("10-2x2")).toEqual([10, 8, 6]);
    expect(expandValues("1x2")).toEqual([1, 1, 1]);
    expect(expandValues("0x10")).toHaveLength(11);
    expect(expandValues("1 _x3 stale")).toEqual([1, null, null, null, "stale"]);
    expect(expandValues("_ 2 _")).toEqual([null, 2, null]);
  });

  it("reads special floats and exponents", () => {
    const v = expandValues("Inf -Inf NaN 1e3 +5 .5");
    expect(v[0]).toBe(Infinity);
    expect(v[1]).toBe(-Infinity);
    expect(Number.isNaN(v[2])).toBe(true);
    expect(v.slice(3)).toEqual([1000, 5, 0.5]);
  });

  it("rejects bad tokens, naming them", () => {
    expect(() => expandValues("1 4y2")).toThrow(NotationError);
    expect(() => expandValues("1 4y2")).toThrow(/"4y2"/);
    expect(() => expandValues("1+x3")).toThrow(NotationError);
    expect(() => expandValues("abc")).toThrow(NotationError);
    expect(() => expandValues("{{schema:1 sum:3}}x2")).toThrow(/native histogram values/);
  });

  it("bounds the points a series may expand to", () => {
    expect(expandValues("1x1000000")).toHaveLength(1_000_001);
    expect(() => expandValues("0x5000000")).toThrow(/"0x5000000" expands the series beyond 5000000 points/);
    expect(() => expandValues("1 _x5000000")).toThrow(/beyond/);
  });
});

describe("parseSeries", () => {
  it("parses name, labels and escapes", () => {
    expect(parseSeries('up{job="a", instance="x:1"}')).toEqual({ __name__: "up", job: "a", instance: "x:1" });
    expect(parseSeries("test")).toEqual({ __name__: "test" });
    expect(parseSeries('{__name__="t1", cluster="prod"}')).toEqual({ __name__: "t1", cluster: "prod" });
    expect(parseSeries('{a="q\\"x",}')).toEqual({ a: 'q"x' });
    expect(parseSeries("")).toEqual({});
  });

  it("rejects unterminated or malformed selectors with a column", () => {
    expect(() => parseSeries('up{job="prometheus", instance="localhost:9090"')).toThrow(/column 47/);
    expect(() => parseSeries("up{job=a}")).toThrow(NotationError);
    expect(() => parseSeries('up{job="a"} x')).toThrow(NotationError);
  });

  it("formats labels name-first and sorted", () => {
    expect(formatLabels({ b: "2", __name__: "m", a: "1" })).toBe('m{a="1", b="2"}');
    expect(formatLabels({})).toBe("{}");
  });
});
