import { describe, expect, it } from "vitest";
import { checkGraphite, checkLogsQL } from "../../src/config/exprcheck.js";

describe("checkGraphite", () => {
  it.each([
    "sumSeries(time('foo.bar',10))",
    "filterSeries(sumSeries(host.receiver.interface.cons),'last','>', 500)",
    "aliasByNode(servers.{web,db}*.cpu.load, 1)",
    "movingAverage(a.b.c, windowSize='5min')",
    "a.b.c",
    "f()",
  ])("accepts %s", (expr) => {
    expect(checkGraphite(expr)).toBeNull();
  });

  it.each([
    ["filterSeries(sumSeries(a),'last','>', 500) by instance", 'unexpected tail left after parsing: "by instance"'],
    ["sum(up == 0 ) by (host)", 'expected "," or ")" at "== 0 ) by "'],
    ["sumSeries(a.b", 'expected "," or ")" at ""'],
    ["f('x)", "unclosed string"],
  ])("rejects %s", (expr, message) => {
    expect(checkGraphite(expr)?.message).toBe(message);
  });
});

describe("checkLogsQL", () => {
  it("accepts a filter with a stats pipe", () => {
    expect(checkLogsQL('service: "nginx" | stats by (path) count(*) as requests')).toBeNull();
    expect(checkLogsQL("* | stats count(*)")).toBeNull();
  });

  it.each([
    ["stats count(*) as requests", "missing filter before the first pipe (use `* | stats ...`)"],
    ['service: "nginx"', "a rule query needs a `| stats ...` pipe"],
    [
      "_time: 1m | stats by (path, _time: 1m) count(*)",
      "stats must not group by _time in rules (vmalert sets the time)",
    ],
  ])("rejects %s", (expr, message) => {
    expect(checkLogsQL(expr)?.message).toBe(message);
  });

  it("does not split at a | inside quotes", () => {
    expect(checkLogsQL('msg: "a | stats x"')?.message).toBe("a rule query needs a `| stats ...` pipe");
  });
});
