// A crash (an uncaught exception or unhandled rejection: a bug) prints the error and its stack, but not a
// credential the process was given, even when the error message quotes one. The crash is injected with
// `--import` (a module whose timer throws with the command line in its message), into the built binary.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, secretForms } from "../drills/lib/secrets.js";
import { startTsalert } from "../helpers/tsalert.js";

const S = { password: "crashPa+ss/5Kq=", token: "crashTok+en/2Wd=" };
const FORMS = secretForms(S, [["dsuser", S.password]]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsalert-crash-"));
  await writeFile(
    join(dir, "rules.yml"),
    "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n",
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An --import module that crashes the process after 1 s with every argument in the error message. */
function crashModule(kind: "throw" | "reject"): string {
  const body =
    kind === "throw"
      ? 'setTimeout(() => { throw new Error("injected crash: " + process.argv.join(" ")); }, 1000);'
      : 'setTimeout(() => { Promise.reject(new Error("injected rejection: " + process.argv.join(" "))); }, 1000);';
  return `data:text/javascript,${encodeURIComponent(body)}`;
}

describe("crash output", () => {
  for (const kind of ["throw", "reject"] as const) {
    it(`an ${kind === "throw" ? "uncaught exception" : "unhandled rejection"} prints no secret`, async () => {
      const t = await startTsalert({
        args: [
          `-rule=${join(dir, "rules.yml")}`,
          "-datasource.url=http://127.0.0.1:1",
          "-datasource.basicAuth.username=dsuser",
          `-datasource.basicAuth.password=${S.password}`,
          `-remoteWrite.url=http://127.0.0.1:1/?token=${encodeURIComponent(S.token)}`,
        ],
        env: { NODE_OPTIONS: `--import=${crashModule(kind)}` },
        waitReady: false,
      });
      const code = await Promise.race([t.exited, new Promise((r) => setTimeout(() => r("running"), 15_000))]);
      if (code === "running") await t.kill();
      expect(code).not.toBe(0);
      expect(code).not.toBe("running");
      expect(t.logs()).toMatch(/injected (crash|rejection)/);
      expect(findSecrets("crash output", t.logs(), FORMS)).toEqual([]);
    });
  }
});
