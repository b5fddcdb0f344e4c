import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandGlob } from "../../src/config/glob.js";
import { loadRules } from "../../src/config/load.js";

const tmp = mkdtempSync(join(tmpdir(), "tsalert-glob-"));
const rule = (name: string) => `groups:\n- name: ${name}\n  rules:\n  - record: r\n    expr: up\n`;

beforeAll(() => {
  for (const f of [
    "a.rules",
    "b.rules",
    "c.yml",
    "x1.rules",
    "x2.rules",
    "sub/d.rules",
    "sub/deep/e.rules",
    ".hidden.rules",
  ]) {
    mkdirSync(join(tmp, f, ".."), { recursive: true });
    writeFileSync(join(tmp, f), rule(f.replace(/\W/g, "_")));
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("expandGlob", () => {
  it("matches * within one directory, sorted, dotfiles included as Go does", () => {
    expect(expandGlob(`${tmp}/*.rules`)).toEqual(
      [".hidden.rules", "a.rules", "b.rules", "x1.rules", "x2.rules"].map((f) => `${tmp}/${f}`),
    );
  });

  it("matches ? and [] classes, with ^ negation", () => {
    expect(expandGlob(`${tmp}/x?.rules`)).toEqual([`${tmp}/x1.rules`, `${tmp}/x2.rules`]);
    expect(expandGlob(`${tmp}/[ab].rules`)).toEqual([`${tmp}/a.rules`, `${tmp}/b.rules`]);
    expect(expandGlob(`${tmp}/x[^1].rules`)).toEqual([`${tmp}/x2.rules`]);
  });

  it("matches ** across any number of directories", () => {
    expect(expandGlob(`${tmp}/**/*.rules`)).toEqual(
      [".hidden.rules", "a.rules", "b.rules", "x1.rules", "x2.rules", "sub/d.rules", "sub/deep/e.rules"].map(
        (f) => `${tmp}/${f}`,
      ),
    );
    expect(expandGlob(`${tmp}/sub/*/e.rules`)).toEqual([`${tmp}/sub/deep/e.rules`]);
  });

  it("keeps relative patterns relative", () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      expect(expandGlob("sub/*.rules")).toEqual(["sub/d.rules"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("throws on a malformed class", () => {
    expect(() => expandGlob(`${tmp}/[ab.rules`)).toThrow(/syntax error in pattern/);
  });
});

describe("-rule patterns in loadRules", () => {
  it("takes several patterns and loads each file once", async () => {
    const res = await loadRules([`${tmp}/[ab].rules`, `${tmp}/*.yml`, `${tmp}/a.rules`]);
    expect(res.files).toEqual([`${tmp}/a.rules`, `${tmp}/b.rules`, `${tmp}/c.yml`]);
    expect(res.groups.map((g) => g.name)).toEqual(["a_rules", "b_rules", "c_yml"]);
    expect(res.problems).toEqual([
      {
        file: `${tmp}/a.rules`,
        line: 0,
        col: 0,
        message: "matched by more than one -rule pattern; loaded once",
        severity: "warning",
      },
    ]);
  });

  it("a pattern that matches nothing is an error even beside others that match", async () => {
    const res = await loadRules([`${tmp}/a.rules`, `${tmp}/nomatch/*.rules`]);
    expect(res.groups).toHaveLength(1);
    expect(res.problems.filter((p) => p.severity === "error").map((p) => p.message)).toEqual([
      "-rule pattern matches no files",
    ]);
  });

  it("reports an unreachable http URL as a problem of that URL", async () => {
    const res = await loadRules(["http://127.0.0.1:1/rules.yml"], { fetchTimeoutMs: 2000 });
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0]).toMatchObject({ file: "http://127.0.0.1:1/rules.yml", severity: "error" });
    expect(res.problems[0].message).toMatch(/^cannot fetch/);
  });
});
