import { describe, expect, it } from "vitest";
import { TsalertError } from "../../src/errors.js";
import { MetricsqlSyntaxError, parse, validateExpr } from "../../src/metricsql/index.js";
import { MAX_DEPTH } from "../../src/metricsql/parser.js";
import { withStackUsed } from "../helpers/stack.js";

function errorOf(expr: string): MetricsqlSyntaxError {
  try {
    parse(expr);
  } catch (err) {
    if (err instanceof MetricsqlSyntaxError) return err;
    throw err;
  }
  throw new Error(`parsed: ${expr}`);
}

describe("syntax errors", () => {
  it("say what was expected and where, relative to the expression", () => {
    const e = errorOf("sum(rate(x[5m]) by (job)");
    expect(e.message).toBe('expected "," or ")" but found "by"');
    expect([e.line, e.col, e.offset]).toEqual([1, 17, 16]);
    expect(e).toBeInstanceOf(TsalertError);
    expect(e.code).toBe("TSA_EXPR");
    expect(e.name).toBe("MetricsqlSyntaxError");
  });

  it("count lines and columns in multi-line expressions", () => {
    const e = errorOf("sum(\n  rate(x[5m])\n  # comment\n  + ) by (job)");
    expect(e.message).toBe('expected an expression but found ")"');
    expect([e.line, e.col]).toEqual([4, 5]);
  });

  it("point at the end of input when the expression stops early", () => {
    const e = errorOf("rate(x[5m]");
    expect(e.message).toBe('expected "," or ")" but found end of input');
    expect([e.line, e.col]).toEqual([1, 11]);
  });

  it("name the function and what it takes", () => {
    const e = errorOf("a + histogram_quantile(0.9)");
    expect(e.message).toBe('function "histogram_quantile" takes 2 to 3 arguments, got 1');
    expect(e.col).toBe(5);
    expect(errorOf("  foo(x)").message).toBe('unknown function "foo"');
    expect(errorOf("  foo(x)").col).toBe(3);
  });

  it("report errors inside a WITH template body at the body's position", () => {
    const e = errorOf("WITH (f(a) = rate(a, a))\nf(x)");
    expect(e.message).toBe('function "rate" takes 1 argument, got 2');
    expect([e.line, e.col]).toEqual([1, 14]);
  });

  it("guard nesting depth with an error instead of a stack overflow", () => {
    for (const deep of [
      `${"(".repeat(5000)}1${")".repeat(5000)}`,
      `${"-".repeat(5000)}1`,
      `${"abs(".repeat(3000)}x${")".repeat(3000)}`,
      `${"a^".repeat(5000)}a`,
    ]) {
      expect(errorOf(deep).message).toContain("nested too deeply");
    }
    expect(() => parse(`${"(".repeat(200)}1${")".repeat(200)}`)).not.toThrow();
  });

  // Near the end of the stack V8 may abort the process instead of throwing (a regexp compiled there),
  // so every kind of nesting must parse at the limit with half of the stack already in use.
  it.each([
    ["parentheses", (n: number) => `${"(".repeat(n)}x${")".repeat(n)}`],
    ["calls", (n: number) => `${"abs(".repeat(n)}x${")".repeat(n)}`],
    ["aggregations", (n: number) => `${"sum(".repeat(n)}x${") by (a)".repeat(n)}`],
    ["subqueries", (n: number) => `${"(".repeat(n)}x${"[5m:1m])".repeat(n)}`],
    ["unary minus", (n: number) => `${"-".repeat(n)}1`],
    ["right-associative ^", (n: number) => `${"a^".repeat(n)}a`],
  ])("parse %s nested to the limit with half of the stack in use", (_kind, make) => {
    // A level of some kinds (a call: the call and its argument) takes more than one unit of MAX_DEPTH.
    let lo = 1;
    let hi = MAX_DEPTH;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (validateExpr(make(mid)) === null) lo = mid;
      else hi = mid - 1;
    }
    expect(lo).toBeGreaterThanOrEqual(MAX_DEPTH / 3);
    expect(validateExpr(make(lo + 1))?.message).toContain("nested too deeply");
    expect(withStackUsed(0.5, () => validateExpr(make(lo)))).toBeNull();
  });

  it("accept long operator chains (a flat list in the text, a deep tree) up to the tree limit", () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`).join(" or ");
    expect(withStackUsed(0.5, () => validateExpr(chain(900)))).toBeNull();
    expect(validateExpr(chain(5000))?.message).toContain("nested too deeply (more than 1000 levels)");
  });

  it("come as MetricsqlSyntaxError even for a non-string from untyped callers", () => {
    expect(() => parse(undefined as unknown as string)).toThrow(MetricsqlSyntaxError);
    expect(() => parse(42 as unknown as string)).toThrow("expression must be a string");
  });

  it("stop WITH templates that expand exponentially", () => {
    const defs = Array.from({ length: 40 }, (_, i) => `t${i + 1} = t${i} + t${i}`).join(", ");
    expect(errorOf(`WITH (t0 = x, ${defs}) t40`).message).toMatch(/too large/);
    const fns = Array.from({ length: 40 }, (_, i) => `f${i + 1}(a) = f${i}(f${i}(a))`).join(", ");
    expect(errorOf(`WITH (f0(a) = a + 1, ${fns}) f40(x)`).message).toMatch(/too large/);
  });
});

describe("validateExpr (the loader hook)", () => {
  it("returns null for valid expressions", () => {
    expect(validateExpr('sum(rate(http_requests_total{job="api"}[5m])) by (code)')).toBeNull();
  });
  it("returns the message and position of the first error", () => {
    expect(validateExpr("up ==\n  == 1")).toEqual({
      message: 'expected an expression but found "=="',
      line: 2,
      col: 3,
    });
    expect(validateExpr("  ")).toEqual({ message: "expression is empty", line: 1, col: 1 });
  });
});
