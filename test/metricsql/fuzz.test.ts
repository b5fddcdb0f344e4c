// Seeded random mutations of valid expressions: the parser only ever throws MetricsqlSyntaxError, with
// a position inside the text, and its work (tokens read) stays linear in the input size.
import { describe, expect, it } from "vitest";
import { MetricsqlSyntaxError, type ParseStats, parse } from "../../src/metricsql/index.js";
import { prng as mulberry32 } from "../drills/lib/mutate.js";
import { VALID } from "./cases.js";
import { goodCorpusExprs } from "./corpus.js";

const PIECES = [
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  ",",
  '"',
  "'",
  "`",
  "\\",
  "#",
  "@",
  " offset ",
  " by ",
  " without ",
  "WITH (",
  " or ",
  "=~",
  "!~",
  "=",
  "5m",
  "1h30m",
  ":",
  "$",
  "$__interval",
  "-",
  "+",
  "^",
  " ",
  "\n",
  "é",
  "\u{1F600}",
  "1e",
  "0x",
  "1Ki",
  "x",
  "rate(",
  "sum(",
  "a=",
  " bool ",
  " on(",
  " group_left",
  " limit ",
  " keep_metric_names",
  "f(a) = a",
  "inf",
  "NaN",
  ".",
  "\0",
  "\t",
  "}}",
  "((",
  "[[",
  "]]",
  "10i",
];

function mutate(rand: () => number, s: string): string {
  const n = 1 + Math.floor(rand() * 4);
  let out = s;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * (out.length + 1));
    const r = rand();
    if (r < 0.3) {
      const len = 1 + Math.floor(rand() * 6);
      out = out.slice(0, at) + out.slice(at + len);
    } else if (r < 0.7) {
      out = out.slice(0, at) + (PIECES[Math.floor(rand() * PIECES.length)] as string) + out.slice(at);
    } else if (r < 0.85) {
      const from = Math.floor(rand() * out.length);
      const piece = out.slice(from, from + 1 + Math.floor(rand() * 20));
      out = out.slice(0, at) + piece + out.slice(at);
    } else {
      out = out.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + out.slice(at + 1);
    }
  }
  return out;
}

const seeds = [
  ...VALID.map((c) => c.expr),
  ...goodCorpusExprs()
    .map((c) => c.expr)
    .slice(0, 400),
];

describe("fuzz", () => {
  it("20,000 mutated expressions: only MetricsqlSyntaxError, positions in range, linear work", () => {
    const rand = mulberry32(20240601);
    let rejected = 0;
    const foreign: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const src = mutate(rand, seeds[Math.floor(rand() * seeds.length)] as string);
      const stats: ParseStats = { steps: 0 };
      try {
        parse(src, stats);
      } catch (err) {
        if (!(err instanceof MetricsqlSyntaxError) || /internal parser error/.test(err.message)) {
          foreign.push(`${JSON.stringify(src)}: ${String(err)}`);
          continue;
        }
        rejected++;
        expect(err.offset).toBeGreaterThanOrEqual(0);
        expect(err.offset).toBeLessThanOrEqual(src.length);
        expect(err.line).toBeGreaterThanOrEqual(1);
        expect(err.col).toBeGreaterThanOrEqual(1);
      }
      // Without WITH templates (an expression's own or MetricsQL's built-in ones) every token is read
      // once: work is bounded by the text length.
      if (!/with|\b(ru|ttf|range_median|alias)\s*\(/i.test(src))
        expect(stats.steps).toBeLessThanOrEqual(src.length + 2);
    }
    expect(foreign).toEqual([]);
    // The mutations must actually break most expressions, or the test proves little.
    expect(rejected).toBeGreaterThan(10_000);
  });

  it("work grows linearly with input size for long inputs", () => {
    const shapes: Array<(n: number) => string> = [
      (n) => Array.from({ length: n }, (_, i) => `m${i}{a="b"}`).join(" or "),
      (n) => `sum(${Array.from({ length: n }, (_, i) => `rate(x${i}[5m])`).join(", ")}) by (job)`,
      (n) => `x{${Array.from({ length: n }, (_, i) => `l${i}=~"v.*"`).join(", ")}}`,
      (n) => `${"(".repeat(n % 900)}${"x + ".repeat(n)}1${")".repeat(n % 900)}`,
      (n) => `x{${'a="b", '.repeat(n)}`,
      (n) => `${"((((".repeat(200)}${"[".repeat(n)}`,
      (n) => `WITH (f(a) = a + 1) ${Array.from({ length: n }, () => "f(x)").join(" + ")}`,
    ];
    for (const shape of shapes) {
      const work = [200, 400, 800].map((n) => {
        const src = shape(n);
        const stats: ParseStats = { steps: 0 };
        try {
          parse(src, stats);
        } catch (err) {
          expect(err).toBeInstanceOf(MetricsqlSyntaxError);
        }
        return stats.steps / src.length;
      });
      // Steps per character stay flat (within 25%) as the input doubles.
      const [a, , c] = work as [number, number, number];
      expect(c).toBeLessThanOrEqual(a * 1.25 + 0.01);
    }
  });
});
