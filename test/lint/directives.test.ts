// `# tsalert-disable-next-line` comments and --disable.
import { afterAll, describe, expect, it } from "vitest";
import { directivesAbove, parseDirective } from "../../src/lint/directives.js";
import { cleanup, lintText } from "./lintfile.js";

afterAll(cleanup);

// Two warnings each: record-name ("bad_name") and always-true-regex.
const RULE = `record: bad_name\n        expr: sum(up{job=~".*"})`;

function file(before: string, between = ""): string {
  return `groups:
  - name: g
    rules:
${before}      - ${RULE.replace("\n        expr", `\n${between}        expr`)}
      - record: second_bad
        expr: up
`;
}

describe("tsalert-disable-next-line", () => {
  it("without the comment both checks report", async () => {
    const l = await lintText(file(""));
    expect(l.errors).toEqual([]);
    expect(l.warnings.map((w) => w.rule)).toEqual(["record-name", "always-true-regex", "record-name"]);
  });

  it("above the rule: switches off the named check for that rule only", async () => {
    const l = await lintText(file("      # tsalert-disable-next-line record-name\n"));
    expect(l.warnings.map((w) => `${w.line} ${w.rule}`)).toEqual(["6 always-true-regex", "7 record-name"]);
  });

  it("above the expr key: same effect", async () => {
    const l = await lintText(file("", "        # tsalert-disable-next-line always-true-regex\n"));
    expect(l.warnings.map((w) => w.rule)).toEqual(["record-name", "record-name"]);
  });

  it("without ids: every check off for the rule", async () => {
    const l = await lintText(file("      # tsalert-disable-next-line\n"));
    expect(l.warnings.map((w) => `${w.line} ${w.rule}`)).toEqual(["7 record-name"]);
  });

  it("several ids, commas, a reason and other comment lines in the block", async () => {
    const l = await lintText(
      file(
        "      # legacy dashboards read this name\n      # tsalert-disable-next-line record-name, always-true-regex -- kept for Grafana\n      # owner: infra\n",
      ),
    );
    expect(l.warnings.map((w) => `${w.line} ${w.rule}`)).toEqual(["9 record-name"]);
  });

  it("a blank line between comment and rule breaks the link", async () => {
    const l = await lintText(file("      # tsalert-disable-next-line\n\n"));
    expect(l.warnings).toHaveLength(3);
  });

  it("a block scalar expr: the comment goes above `expr: |`", async () => {
    const text = `groups:
  - name: g
    rules:
      - record: job:up:sum
        # tsalert-disable-next-line always-true-regex
        expr: |
          sum by (job) (
            up{instance=~".*"}
          )
`;
    expect((await lintText(text)).warnings).toEqual([]);
  });

  it("an unknown id is reported at the comment, and disables nothing", async () => {
    const l = await lintText(file("      # tsalert-disable-next-line record-nmae\n"));
    expect(l.warnings.map((w) => `${w.line}:${w.col} ${w.rule}`)).toEqual([
      "4:7 disable-comment",
      "5:17 record-name",
      "6:19 always-true-regex",
      "7:17 record-name",
    ]);
    expect(l.warnings[0].message).toContain('unknown check "record-nmae"');
    const off = await lintText(file("      # tsalert-disable-next-line record-nmae\n"), {
      disabled: ["disable-comment"],
    });
    expect(off.warnings.map((w) => w.rule)).not.toContain("disable-comment");
  });

  it("--disable switches a check off everywhere", async () => {
    const l = await lintText(file(""), { disabled: ["record-name"] });
    expect(l.warnings.map((w) => w.rule)).toEqual(["always-true-regex"]);
  });
});

describe("directive parsing", () => {
  it("parses ids, the bare form, and ignores other comments", () => {
    expect(parseDirective("# tsalert-disable-next-line")).toEqual([]);
    expect(parseDirective("#tsalert-disable-next-line a b,c")).toEqual(["a", "b", "c"]);
    expect(parseDirective("# tsalert-disable-next-line a # why")).toEqual(["a"]);
    expect(parseDirective("# tsalert-disable-next-lines a")).toBeNull();
    expect(parseDirective("# note")).toBeNull();
  });

  it("collects the comment blocks above each anchor line", () => {
    const lines = ["a:", "# tsalert-disable-next-line x", "- rule", "  # tsalert-disable-next-line y", "  expr: 1"];
    const d = directivesAbove(lines, [3, 5]);
    expect([...d.ids].sort()).toEqual(["x", "y"]);
    expect(d.all).toBe(false);
    expect(directivesAbove(lines, [1]).ids.size).toBe(0);
  });
});

describe("runner", () => {
  it("a check that throws becomes an error naming it; the other checks still report", async () => {
    const broken = {
      id: "broken",
      summary: "throws",
      run: () => {
        throw new Error("boom");
      },
    };
    const { recordName } = await import("../../src/lint/checks/recordname.js");
    const l = await lintText(file(""), { checks: [broken, recordName] });
    expect(l.warnings.filter((w) => w.severity === "error")).toEqual([
      expect.objectContaining({
        file: "tsalert lint",
        rule: "broken",
        message: expect.stringContaining("check broken failed: Error: boom"),
      }),
    ]);
    expect(l.warnings.filter((w) => w.rule === "record-name")).toHaveLength(2);
  });
});
