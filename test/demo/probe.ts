// Whether tsalert's CLI is wired into a working run mode: `-version` answers, and a run with one rule
// serves /health. Until then the demo test drives the same stack with the real vmalert.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/servers.js";

export const repoRoot = join(import.meta.dirname, "..", "..");
const bin = join(repoRoot, "bin", "tsalert.js");

export interface Probe {
  wired: boolean;
  reason: string;
}

export async function probeTsalert(): Promise<Probe> {
  if (!existsSync(join(repoRoot, "dist", "cli", "main.js"))) return { wired: false, reason: "dist/ not built" };
  const v = spawnSync(process.execPath, [bin, "-version"], { encoding: "utf8", timeout: 15_000 });
  if (v.status !== 0 || `${v.stdout}${v.stderr}`.trim() === "") {
    return { wired: false, reason: `-version exited ${v.status} printing "${`${v.stdout}${v.stderr}`.trim()}"` };
  }
  const dir = await mkdtemp(join(tmpdir(), "tsalert-probe-"));
  const rule = join(dir, "probe.rules");
  await writeFile(rule, "groups:\n  - name: probe\n    rules:\n      - alert: Probe\n        expr: vector(1)\n");
  const [port, closed] = [await freePort(), await freePort()];
  const proc = spawn(
    process.execPath,
    [
      bin,
      `-rule=${rule}`,
      `-datasource.url=http://127.0.0.1:${closed}`,
      `-notifier.url=http://127.0.0.1:${closed}`,
      `-httpListenAddr=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  let exited = false;
  const done = new Promise((r) => proc.once("exit", r));
  proc.once("exit", () => {
    exited = true;
  });
  try {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exited) return { wired: false, reason: `run mode exited with code ${proc.exitCode} before serving /health` };
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        async (res) => {
          await res.arrayBuffer();
          return res.ok;
        },
        () => false,
      );
      if (ok) return { wired: true, reason: "" };
      await new Promise((r) => setTimeout(r, 200));
    }
    return { wired: false, reason: "run mode did not serve /health within 10s" };
  } finally {
    if (!exited) {
      proc.kill("SIGKILL");
      await done;
    }
    await rm(dir, { recursive: true, force: true });
  }
}
