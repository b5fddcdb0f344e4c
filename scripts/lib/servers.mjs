// The real servers the demo and the benchmarks run: VictoriaMetrics, Alertmanager, and the rule engine
// (tsalert or, for comparison, the Debian vmalert), all started with the same flags.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild, waitReady } from "./procs.mjs";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const tsalertBin = join(repoRoot, "bin", "tsalert.js");

/** True when `cmd` is on PATH. */
export function hasCommand(cmd) {
  return spawnSync("sh", ["-c", `command -v "${cmd}"`], { stdio: "ignore" }).status === 0;
}

async function readyOrStop(child, url) {
  try {
    await waitReady(child, url);
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Single-node VictoriaMetrics on host:port with its data in `dir`; `extraArgs` are appended. */
export async function startVictoriaMetrics({ host = "127.0.0.1", port, dir, extraArgs = [], logFile }) {
  await mkdir(dir, { recursive: true });
  const child = startChild(
    "victoria-metrics",
    "victoria-metrics",
    [
      `-httpListenAddr=${host}:${port}`,
      `-storageDataPath=${join(dir, "data")}`,
      "-retentionPeriod=100y",
      // Samples written a moment ago must be visible to the rules at once.
      "-search.latencyOffset=0s",
      "-loggerLevel=ERROR",
      ...extraArgs,
    ],
    { logFile },
  );
  const url = `http://${host}:${port}`;
  await readyOrStop(child, `${url}/health`);
  return { child, url };
}

/** Prometheus Alertmanager with clustering off (its default cluster port 9094 would clash with a second one). */
export async function startAlertmanager({ host = "127.0.0.1", port, dir, config, logFile, name = "alertmanager" }) {
  await mkdir(dir, { recursive: true });
  const cfgFile = join(dir, "alertmanager.yml");
  await writeFile(cfgFile, config);
  const url = `http://${host}:${port}`;
  const child = startChild(
    name,
    "prometheus-alertmanager",
    [
      `--config.file=${cfgFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=${host}:${port}`,
      `--web.external-url=${url}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { logFile },
  );
  await readyOrStop(child, `${url}/-/ready`);
  return { child, url };
}

/** Command and leading args that start an engine; both take vmalert's flags after them. */
export function engineCommand(engine) {
  if (engine === "vmalert") return { cmd: "vmalert", args: [] };
  if (engine === "tsalert") return { cmd: process.execPath, args: [tsalertBin] };
  throw new Error(`unknown engine "${engine}" (want tsalert or vmalert)`);
}

/**
 * Whether tsalert's CLI is wired: `-version` must exit 0 and print something. Returns the reason when not.
 * (Whether the run mode serves HTTP is learned by starting it; see waitReady.)
 */
export function tsalertVersion() {
  if (!existsSync(join(repoRoot, "dist", "cli", "main.js"))) {
    return { ok: false, reason: "dist/ is not built (npm run build)" };
  }
  const res = spawnSync(process.execPath, [tsalertBin, "-version"], { encoding: "utf8", timeout: 15_000 });
  const out = `${res.stdout ?? ""}${res.stderr ?? ""}`.trim();
  if (res.status !== 0) return { ok: false, reason: `-version exited ${res.status}: ${out.slice(0, 200)}` };
  if (out === "") return { ok: false, reason: "-version printed nothing (CLI not wired yet)" };
  return { ok: true, version: out.split("\n")[0] };
}
