// Servers for the remote-write/read tests: VictoriaMetrics and vmauth with arbitrary flags and
// readiness paths (the shared helpers assume /health at the root, which -http.pathPrefix moves).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type RunningServer, waitFor } from "./servers.js";

async function start(
  cmd: string,
  args: (port: number, dir: string) => string[],
  readyPath: string,
  dir: string,
): Promise<RunningServer> {
  const port = await freePort();
  let out = "";
  const proc = spawn(cmd, args(port, dir), { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await done;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`${cmd} exited: ${out}`);
        const res = await fetch(url + readyPath);
        await res.arrayBuffer();
        return res.ok;
      },
      20_000,
      `${cmd} on ${url}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, proc, dir, logs: () => out, stop };
}

/** Single-node VictoriaMetrics serving every path under `pathPrefix` (e.g. `/insert/1`). */
export async function startPrefixedVictoriaMetrics(pathPrefix: string): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "vm-prefixed-"));
  return start(
    "victoria-metrics",
    (port, d) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(d, "data")}`,
      `-http.pathPrefix=${pathPrefix}`,
      "-retentionPeriod=100y",
      "-search.latencyOffset=0s",
      "-search.disableCache",
      "-loggerLevel=ERROR",
    ],
    `${pathPrefix}/health`,
    dir,
  );
}

/** Real vmauth (Debian) with the given -auth.config YAML and extra flags. */
export async function startVmauth(config: string, extraArgs: string[] = []): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "vmauth-"));
  const cfg = join(dir, "auth.yml");
  await writeFile(cfg, config);
  const prefix = extraArgs.find((a) => a.startsWith("-http.pathPrefix="))?.split("=")[1] ?? "";
  return start(
    "vmauth",
    (port) => [`-auth.config=${cfg}`, `-httpListenAddr=127.0.0.1:${port}`, "-loggerLevel=ERROR", ...extraArgs],
    `${prefix}/health`,
    dir,
  );
}
