// The real promtool (Debian's prometheus package), used as an oracle by differential tests; they skip
// when it is not installed.
import { execFile, execFileSync } from "node:child_process";

function find(): string | undefined {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore", timeout: 10_000 });
    return "promtool";
  } catch {
    return undefined;
  }
}

export const PROMTOOL = find();
export const promtoolAvailable = PROMTOOL !== undefined;

/** `promtool test rules FILE...`: exit code and everything it printed. */
export function promtoolTestRules(files: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      PROMTOOL ?? "promtool",
      ["test", "rules", ...files],
      { cwd, timeout: 120_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}
