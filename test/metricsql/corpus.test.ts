import { describe, expect, it } from "vitest";
import { MetricsqlSyntaxError, parse, print } from "../../src/metricsql/index.js";
import { corpusAvailable } from "../helpers/corpus.js";
import { badExprFiles, exprsOf, goodCorpusExprs } from "./corpus.js";
import { stripPositions } from "./strip.js";

const good = goodCorpusExprs();

describe.skipIf(!corpusAvailable)("corpus: good rule files", () => {
  it("holds a real amount of expressions", () => {
    expect(good.length).toBeGreaterThan(1000);
  });

  it("parses every expr and round-trips it through print", () => {
    const failures: string[] = [];
    for (const { file, rule, expr } of good) {
      try {
        const ast = parse(expr);
        const again = parse(print(ast));
        expect(stripPositions(again)).toEqual(stripPositions(ast));
      } catch (err) {
        failures.push(`${file} ${rule}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("accepts the MetricsQL-only expressions the manifest points out", () => {
    const rateHi = exprsOf("rules/prometheus/model/rulefmt/testdata/bad_expr.bad.yaml").map((e) => e.expr);
    expect(rateHi.length).toBeGreaterThan(0);
    for (const e of rateHi) expect(() => parse(e)).not.toThrow();
    expect(good.some((e) => /\blag\(/.test(e.expr))).toBe(true);
  });
});

describe.skipIf(!corpusAvailable)("corpus: files vmalert rejects for their expression", () => {
  const bad = badExprFiles();
  it("finds them", () => {
    expect(bad.length).toBeGreaterThanOrEqual(4);
  });
  it.each(bad.map((b) => b.file))("rejects an expression of %s", (file) => {
    const errors = exprsOf(file).flatMap(({ expr }) => {
      try {
        parse(expr);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(MetricsqlSyntaxError);
        return [err];
      }
    });
    expect(errors.length).toBeGreaterThan(0);
  });
});
