import { describe, expect, it } from "vitest";
import { MetricsqlSyntaxError, parse, print } from "../../src/metricsql/index.js";
import { INVALID, VALID } from "./cases.js";
import { stripPositions } from "./strip.js";

describe("valid expressions", () => {
  it("has at least 300 hand-written cases", () => {
    expect(new Set(VALID.map((c) => c.expr)).size).toBeGreaterThanOrEqual(300);
  });

  it.each(VALID)("parses and round-trips $expr", ({ expr, printed }) => {
    const ast = parse(expr);
    const text = print(ast);
    expect(text).toBe(printed ?? expr);
    expect(stripPositions(parse(text))).toEqual(stripPositions(ast));
  });
});

describe("invalid expressions", () => {
  it("has at least 150 hand-written cases", () => {
    expect(new Set(INVALID.map((c) => c.expr)).size).toBeGreaterThanOrEqual(150);
  });

  it.each(INVALID)("rejects $expr", ({ expr, message, at }) => {
    let err: unknown;
    try {
      parse(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetricsqlSyntaxError);
    const e = err as MetricsqlSyntaxError;
    expect(e.code).toBe("TSA_EXPR");
    if (message !== undefined) expect(e.message).toContain(message);
    if (at !== undefined) expect(`${e.line}:${e.col}`).toBe(at);
  });
});
