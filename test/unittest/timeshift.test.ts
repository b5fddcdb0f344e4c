// Queries of vmalert-tool-dialect tests are rewritten for storage that holds the test 2 days later:
// absolute times come back shifted, relative ones are untouched.
import { describe, expect, it } from "vitest";
import { shiftExpr } from "../../src/unittest/timeshift.js";

const S = 172_800_000;

describe("shiftExpr", () => {
  it("subtracts the shift from functions returning a time", () => {
    expect(shiftExpr("time()", S)).toBe("(time() - 172800)");
    expect(shiftExpr("timestamp(x) > 60", S)).toBe("(timestamp(x) - 172800) > 60");
    expect(shiftExpr("tlast_over_time(x[5m])", S)).toBe("(tlast_over_time(x[5m]) - 172800)");
  });

  it("reads calendar functions at the test's time, and leaves their explicit argument alone", () => {
    expect(shiftExpr("hour()", S)).toBe("hour((time() - 172800))");
    expect(shiftExpr("day_of_week(timestamp(x))", S)).toBe("day_of_week((timestamp(x) - 172800))");
    expect(shiftExpr("month(vector(86400))", S)).toBe("month(vector(86400))");
  });

  it("adds the shift to @ and leaves offsets, windows and values as they are", () => {
    expect(shiftExpr("x @ 120", S)).toBe("x @ (120 + 172800)");
    expect(shiftExpr("rate(x[5m] offset 1h)", S)).toBe("rate(x[5m] offset 1h)");
    expect(shiftExpr('sum(x{a="b"}) by (a) / 2', S)).toBe('sum(x{a="b"}) by (a) / 2');
  });

  it("does nothing without a shift", () => {
    expect(shiftExpr("time()", 0)).toBe("time()");
  });
});
