// `tsalert lint` end to end through main(): output formats, exit codes and lint flags.
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { CHECK_IDS } from "../../src/lint/index.js";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const warnings = `${fixtures}lint/warnings.rules`;
const clean = `${fixtures}lint/clean.rules`;
const shortFor = `${fixtures}lint/short-for.rules`;

async function lint(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await main(["lint", ...argv], io);
  return { code, out, err };
}

const LOAD_MSG = 'group "web" rule "HighLoad": alert has no `for`';
const NAME_MSG =
  'group "web" rule "requests_rate": recording rule name "requests_rate" is not in level:metric:operations';

describe("tsalert lint output", () => {
  it("text: file:line:col, warning, message and [id]; warnings alone exit 0", async () => {
    const r = await lint(warnings);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${warnings}:7:15: warning: ${reEscape(LOAD_MSG)}.* \\[missing-for\\]$`));
    expect(lines[1]).toMatch(new RegExp(`^${warnings}:8:17: warning: ${reEscape(NAME_MSG)}.* \\[record-name\\]$`));
    expect(lines[2]).toBe("1 group, 2 rules in 1 file; 2 warnings");
  });

  it("json: problems carry the check id in `rule`, with counts", async () => {
    const r = await lint("--format=json", warnings, clean);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body).toMatchObject({ ok: true, groups: 2, rules: 4, errors: 0, warnings: 2 });
    expect(body.problems).toEqual([
      expect.objectContaining({ file: warnings, line: 7, col: 15, severity: "warning", rule: "missing-for" }),
      expect.objectContaining({ file: warnings, line: 8, col: 17, severity: "warning", rule: "record-name" }),
    ]);
  });

  it("github: warning annotations titled with the check id", async () => {
    const r = await lint("--format", "github", warnings);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0].startsWith(`::warning title=missing-for,file=${warnings},line=7,col=15::${LOAD_MSG}`)).toBe(true);
    expect(lines[1].startsWith(`::warning title=record-name,file=${warnings},line=8,col=17::`)).toBe(true);
    expect(lines[2]).toBe("1 group, 2 rules in 1 file; 2 warnings");
  });

  it("a clean file prints only the summary", async () => {
    expect(await lint(clean)).toEqual({ code: 0, out: "1 group, 2 rules in 1 file\n", err: "" });
  });

  it("loader errors come first, then lint warnings; errors exit 1", async () => {
    const bad = `${fixtures}vmalert-compat-bad.rules`;
    const r = await lint(bad);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toContain("is a duplicate in group");
    expect(lines[1]).toContain("duplicate in file");
    expect(lines.slice(2, -1).every((l) => / warning: .*\[[a-z-]+\]$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe("2 errors in 1 file");
  });
});

describe("tsalert lint flags", () => {
  it("--fail-on-warning makes warnings fail", async () => {
    expect((await lint("--fail-on-warning", warnings)).code).toBe(1);
    expect((await lint("--fail-on-warning", clean)).code).toBe(0);
    const json = JSON.parse((await lint("--fail-on-warning", "--format=json", warnings)).out);
    expect(json.ok).toBe(false);
  });

  it("--disable switches checks off; an unknown id is a usage error", async () => {
    const r = await lint("--disable=missing-for,record-name", warnings);
    expect(r).toEqual({ code: 0, out: "1 group, 2 rules in 1 file\n", err: "" });
    const bad = await lint("--disable=nope", warnings);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown check nope in --disable");
  });

  it("-evaluationInterval is the interval of groups without one", async () => {
    expect((await lint(shortFor)).out).toContain("[for-shorter-than-interval]");
    expect((await lint("-evaluationInterval=10s", shortFor)).out).not.toContain("for-shorter-than-interval");
  });

  it("bad --lookback and missing values are usage errors", async () => {
    expect((await lint("--lookback=soon", warnings)).code).toBe(2);
    expect((await lint(warnings, "--format")).code).toBe(2);
  });

  it("-help lists every check id", async () => {
    const r = await lint("-help");
    expect(r.code).toBe(0);
    for (const id of CHECK_IDS) expect(r.out).toContain(`  ${id} `);
  });
});

function reEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
