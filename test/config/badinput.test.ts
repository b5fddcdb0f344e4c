// Each bad input gives one clear error naming the file, never an exception or a hang.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/config/load.js";
import { formatProblem } from "../../src/config/problems.js";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "tsalert-bad-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function oneError(path: string): Promise<string> {
  const res = await loadRules([path]);
  const lines = res.problems.filter((p) => p.severity === "error").map(formatProblem);
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`${path}:`)).toBe(true);
  expect(res.groups).toEqual([]);
  return lines[0];
}

describe("bad input", () => {
  it("empty file", async () => {
    expect(await oneError(`${fixtures}empty-bad.rules`)).toBe(`${fixtures}empty-bad.rules: file is empty`);
  });

  it("file with only comments", async () => {
    const f = join(tmp, "comments.rules");
    writeFileSync(f, "# nothing here\n---\n# still nothing\n");
    expect(await oneError(f)).toContain("no YAML content");
  });

  it("non-UTF-8 bytes, with the place of the first bad byte", async () => {
    expect(await oneError(`${fixtures}latin1-bad.rules`)).toBe(
      `${fixtures}latin1-bad.rules:2:15: not valid UTF-8 (byte 0xe9 at offset 22)`,
    );
  });

  it("a 50 MB file is refused without being read", async () => {
    const f = join(tmp, "huge.rules");
    writeFileSync(f, "groups: []\n");
    truncateSync(f, 50 * 1024 * 1024);
    expect(await oneError(f)).toBe(`${f}: file is too large (50.0 MiB); the limit is 32.0 MiB`);
  });

  it("YAML bomb (alias expansion)", async () => {
    const started = Date.now();
    expect(await oneError(`${fixtures}bomb-bad.rules`)).toContain("YAML aliases expand too much");
    // Not a speed assertion: a bomb that expanded would not finish at all on this machine.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("tabs as indentation", async () => {
    expect(await oneError(`${fixtures}tabs-bad.rules`)).toBe(
      `${fixtures}tabs-bad.rules:2:1: YAML: Tabs are not allowed as indentation`,
    );
  });

  it("a directory given as a rule path", async () => {
    const d = join(tmp, "adir");
    mkdirSync(d);
    expect(await oneError(d)).toBe(`${d}: is a directory, not a rule file (use a glob such as dir/*.yml)`);
  });

  it("a missing file", async () => {
    expect(await oneError(join(tmp, "missing.rules"))).toBe(`${join(tmp, "missing.rules")}: no such file`);
  });

  it("a dangling symlink", async () => {
    const l = join(tmp, "dangling.rules");
    symlinkSync(join(tmp, "nowhere"), l);
    expect(await oneError(l)).toBe(`${l}: no such file`);
  });

  it("a FIFO does not hang the loader", async () => {
    const p = join(tmp, "pipe.rules");
    execFileSync("mkfifo", [p]);
    expect(await oneError(p)).toBe(`${p}: is not a regular file`);
  });

  it.skipIf(process.getuid?.() === 0)("a file without read permission", async () => {
    const f = join(tmp, "noread.rules");
    copyFileSync(`${fixtures}vmalert-compat-good.rules`, f);
    chmodSync(f, 0o000);
    expect(await oneError(f)).toBe(`${f}: cannot read: permission denied`);
  });

  it("a YAML syntax error keeps other documents and files checked", async () => {
    const f = join(tmp, "syntax.rules");
    writeFileSync(f, "groups:\n- name: [unclosed\n---\ngroups:\n- name: ok\n  bogus: 1\n");
    const res = await loadRules([f, `${fixtures}vmalert-compat-bad.rules`]);
    const lines = res.problems.map(formatProblem);
    expect(lines.some((l) => l.startsWith(`${f}:3:1: YAML: Flow sequence`))).toBe(true);
    expect(lines).toContain(`${f}:6:3: group "ok": unknown field "bogus" in group`);
    expect(lines.some((l) => l.startsWith(`${fixtures}vmalert-compat-bad.rules:`))).toBe(true);
  });

  it("top-level scalars and lists are structural errors", async () => {
    const a = join(tmp, "scalar.rules");
    writeFileSync(a, "just a string\n");
    expect(await oneError(a)).toContain("must be a mapping");
    const b = join(tmp, "groups-map.rules");
    writeFileSync(b, "groups:\n  name: x\n");
    expect(await oneError(b)).toBe(`${b}:2:3: "groups" must be a list, got a mapping`);
  });
});
