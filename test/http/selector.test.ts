import { describe, expect, it } from "vitest";
import { parseSeriesSelector, selectorMatches } from "../../src/http/selector.js";

describe("series selector", () => {
  const labels = { __name__: "up", job: "api", instance: "web-1:9100" };

  it("parses name{...} with all four operators", () => {
    const sel = parseSeriesSelector(`up{job="api", instance=~"web-.*", env!="prod", zone!~"eu.*"}`);
    expect(sel.map((m) => [m.name, m.op, m.value])).toEqual([
      ["__name__", "=", "up"],
      ["job", "=", "api"],
      ["instance", "=~", "web-.*"],
      ["env", "!=", "prod"],
      ["zone", "!~", "eu.*"],
    ]);
    expect(selectorMatches(sel, labels)).toBe(true);
  });

  it("anchors regexps and treats a missing label as empty", () => {
    expect(selectorMatches(parseSeriesSelector(`{instance=~"web"}`), labels)).toBe(false);
    expect(selectorMatches(parseSeriesSelector(`{missing=""}`), labels)).toBe(true);
    expect(selectorMatches(parseSeriesSelector(`{missing!=""}`), labels)).toBe(false);
  });

  it("unescapes quoted values", () => {
    const sel = parseSeriesSelector(`{a="x\\"y", b='z'}`);
    expect(sel[0].value).toBe('x"y');
    expect(sel[1].value).toBe("z");
  });

  it.each([`{a="b"`, `{a}`, `{a=b}`, `{a=~"("}`, `up{} x`, ``, `{}`, `{1a="b"}`])("rejects %j", (s) => {
    expect(() => parseSeriesSelector(s)).toThrow(/invalid series selector/);
  });
});
