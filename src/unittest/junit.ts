// `--junit=FILE`: the results as JUnit XML, shaped as promtool writes it (one <testsuite> per test file,
// one <testcase> per test, one <failure> per failed expectation, <error> when the file could not run).
import type { FileResult } from "./runfile.js";

export interface JunitSuite {
  /** The test file. */
  name: string;
  /** Local time the file started, as promtool stamps it (2006-01-02T15:04:05). */
  timestamp: string;
  cases: { name: string; failures: string[] }[];
  /** Why the file could not run (unreadable, bad YAML, rule files that do not load). */
  error?: string;
}

// Characters XML 1.0 cannot hold at all (control characters other than tab, newline, return).
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Local time without zone, as Go formats "2006-01-02T15:04:05". */
export function junitTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The suite of one file's result; unnamed tests are "unnamed#<index>" as in promtool. */
export function suiteOf(res: FileResult, timestamp: string): JunitSuite {
  return {
    name: res.path,
    timestamp,
    cases: res.tests.map((t) => ({ name: t.name, failures: t.failures.map((f) => f.replace(/^ {4}/gm, "")) })),
    error: res.error,
  };
}

export function junitXml(suites: JunitSuite[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  for (const s of suites) {
    const cases = s.cases.length === 0 && s.error !== undefined ? [{ name: "unknown", failures: [] }] : s.cases;
    const failures = cases.reduce((n, c) => n + c.failures.length, 0);
    out.push(
      `  <testsuite name="${escapeXml(s.name)}" tests="${cases.length}" failures="${failures}" errors="${s.error !== undefined ? 1 : 0}" skipped="0" timestamp="${escapeXml(s.timestamp)}">`,
    );
    cases.forEach((c, i) => {
      const error = s.error !== undefined && i === cases.length - 1 ? s.error : undefined;
      if (c.failures.length === 0 && error === undefined) {
        out.push(`    <testcase name="${escapeXml(c.name)}"></testcase>`);
        return;
      }
      out.push(`    <testcase name="${escapeXml(c.name)}">`);
      for (const f of c.failures) out.push(`      <failure>${escapeXml(f)}</failure>`);
      if (error !== undefined) out.push(`      <error>${escapeXml(error)}</error>`);
      out.push("    </testcase>");
    });
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
