// `--junit=FILE`: JUnit XML for CI systems, shaped like promtool's (a suite per file, a case per test,
// a failure per failed expectation, an error for a file that cannot run), escaped as XML needs.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unittest } from "../../src/unittest/cli.js";
import { junitXml } from "../../src/unittest/junit.js";

const dir = join(import.meta.dirname, "../fixtures/unittest");

describe("tsalert unittest --junit", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "tsalert-junit-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("writes a suite per file with its cases, failures and errors", async () => {
    const out = join(tmp, "report.xml");
    const files = ["promtool-pass.yml", "promtool-rule-error.yml", "promtool-metricsql.yml"].map((f) => join(dir, f));
    const code = await unittest(["-loggerLevel=FATAL", `--junit=${out}`, ...files], { out: () => {}, err: () => {} });
    expect(code).toBe(1);
    const xml = await readFile(out, "utf8");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>')).toBe(true);
    const suites = xml.split("<testsuite ").slice(1);
    expect(suites).toHaveLength(3);
    expect(suites[0]).toMatch(
      /^name="[^"]*promtool-pass\.yml" tests="2" failures="0" errors="0" skipped="0" timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"/,
    );
    expect(suites[0]).toContain('<testcase name="down with site in the summary"></testcase>');
    expect(suites[0]).toContain('<testcase name="no data"></testcase>');
    expect(suites[1]).toMatch(/tests="1" failures="1" errors="0"/);
    expect(suites[1]).toMatch(
      /<testcase name="many to many">\n\s+<failure>group &quot;g&quot; rule &quot;ratio&quot;, time: 1m, err: /,
    );
    expect(suites[2]).toMatch(/tests="1" failures="0" errors="1"/);
    expect(suites[2]).toMatch(/<testcase name="unknown">\n\s+<error>[^<]*promtool-metricsql-rule\.yml:5:/);
  });

  it("escapes what XML cannot hold as text", () => {
    const xml = junitXml([{ name: 'a"b', timestamp: "t", cases: [{ name: "<x>", failures: ["a & b \u0001 'c'"] }] }]);
    expect(xml).toContain('<testsuite name="a&quot;b"');
    expect(xml).toContain('<testcase name="&lt;x&gt;">');
    expect(xml).toContain("<failure>a &amp; b \uFFFD &apos;c&apos;</failure>");
  });

  it("reports a --junit file it cannot write", async () => {
    let err = "";
    const code = await unittest(
      ["-loggerLevel=FATAL", "--junit=/nonexistent/dir/report.xml", join(dir, "promtool-pass.yml")],
      {
        out: () => {},
        err: (t) => {
          err += t;
        },
      },
    );
    expect(code).toBe(1);
    expect(err).toContain("cannot write --junit file /nonexistent/dir/report.xml");
  });
});
