// Real servers for integration tests: each starts on a free loopback port with its own temp dir
// and is stopped by the test that started it (call `stop()` in afterAll).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningServer {
  url: string;
  port: number;
  proc: ChildProcess;
  dir: string;
  logs(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ""}`);
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.ok;
}

async function startProcess(
  cmd: string,
  args: (port: number, dir: string) => string[],
  readyPath: string,
  prefix: string,
  listen: { host?: string; port?: number } = {},
): Promise<RunningServer> {
  const port = listen.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  let out = "";
  const proc = spawn(cmd, args(port, dir), { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const url = `http://${listen.host ?? "127.0.0.1"}:${port}`;
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
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
        return httpOk(url + readyPath);
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

/**
 * Real single-node VictoriaMetrics (Debian `victoria-metrics`). Extra flags are appended. `listen` picks
 * another loopback address (Linux routes all of 127.0.0.0/8 to lo) and/or a given port.
 */
export function startVictoriaMetrics(
  extraArgs: string[] = [],
  listen: { host?: string; port?: number } = {},
): Promise<RunningServer> {
  return startProcess(
    "victoria-metrics",
    (port, dir) => [
      `-httpListenAddr=${listen.host ?? "127.0.0.1"}:${port}`,
      `-storageDataPath=${join(dir, "data")}`,
      "-retentionPeriod=100y",
      // Make freshly written samples visible to queries at once.
      "-search.latencyOffset=0s",
      "-search.disableCache",
      "-loggerLevel=ERROR",
      ...extraArgs,
    ],
    "/health",
    "vm",
    listen,
  );
}

/**
 * Real dnsmasq (Debian `dnsmasq-base`) answering only the given records on a free loopback port, for
 * `dns+` / `srv+` URLs. `hosts`: name -> addresses; `srv`: name -> [target, port] pairs.
 */
export async function startDnsmasq(records: {
  hosts?: Record<string, string[]>;
  srv?: Record<string, [string, number][]>;
}): Promise<{ server: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "dnsmasq-"));
  const lines = ["no-resolv", "no-hosts", "bind-interfaces", "listen-address=127.0.0.1", `port=${port}`];
  // `address=` takes one address per line and answers with all of them (host-record takes one).
  for (const [name, addrs] of Object.entries(records.hosts ?? {})) {
    for (const a of addrs) lines.push(`address=/${name}/${a}`);
  }
  for (const [name, targets] of Object.entries(records.srv ?? {})) {
    for (const [target, p] of targets) lines.push(`srv-host=${name},${target},${p}`);
  }
  const conf = join(dir, "dnsmasq.conf");
  await writeFile(conf, `${lines.join("\n")}\n`);
  let out = "";
  // /usr/sbin is not on every user's PATH.
  const bin = existsSync("/usr/sbin/dnsmasq") ? "/usr/sbin/dnsmasq" : "dnsmasq";
  const proc = spawn(
    bin,
    ["--keep-in-foreground", `--conf-file=${conf}`, `--pid-file=${join(dir, "pid")}`, "--log-facility=-"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const stop = async () => {
    if (proc.exitCode === null) {
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await done;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const { Resolver } = (await import("node:dns")).promises;
  const r = new Resolver({ timeout: 500, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  const probe = Object.keys(records.hosts ?? {})[0] ?? Object.keys(records.srv ?? {})[0];
  try {
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`dnsmasq exited: ${out}`);
        if (!probe) return true;
        if (records.hosts?.[probe]) await r.resolve4(probe);
        else await r.resolveSrv(probe);
        return true;
      },
      10_000,
      "dnsmasq",
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { server: `127.0.0.1:${port}`, stop };
}

/**
 * Real Prometheus Alertmanager (Debian `prometheus-alertmanager`), clustering off unless `cluster` gives its
 * gossip address and peers (loopback `host:port`).
 */
export async function startAlertmanager(
  config?: string,
  opts: { cluster?: { listen: string; peers: string[]; peerTimeout?: string } } = {},
): Promise<RunningServer> {
  const cfg =
    config ??
    `route:
  receiver: blackhole
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: blackhole
`;
  const cfgDir = await mkdtemp(join(tmpdir(), "amcfg-"));
  const cfgFile = join(cfgDir, "alertmanager.yml");
  await writeFile(cfgFile, cfg);
  const srv = await startProcess(
    "prometheus-alertmanager",
    (port, dir) => [
      `--config.file=${cfgFile}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(opts.cluster
        ? [
            `--cluster.listen-address=${opts.cluster.listen}`,
            ...opts.cluster.peers.map((p) => `--cluster.peer=${p}`),
            `--cluster.peer-timeout=${opts.cluster.peerTimeout ?? "15s"}`,
            "--cluster.settle-timeout=5s",
          ]
        : ["--cluster.listen-address="]),
      "--log.level=warn",
    ],
    "/-/ready",
    "am",
  );
  const stop = srv.stop;
  srv.stop = async () => {
    await stop();
    await rm(cfgDir, { recursive: true, force: true });
  };
  return srv;
}

/** Writes samples to VictoriaMetrics with /api/v1/import (JSON lines) and waits until they are searchable. */
export async function importSeries(
  vmURL: string,
  series: { labels: Record<string, string>; values: number[]; timestamps: number[] }[],
): Promise<void> {
  const body = series
    .map((s) => JSON.stringify({ metric: s.labels, values: s.values, timestamps: s.timestamps }))
    .join("\n");
  const res = await fetch(`${vmURL}/api/v1/import`, { method: "POST", body });
  if (!res.ok) throw new Error(`import failed: ${res.status} ${await res.text()}`);
  await fetch(`${vmURL}/internal/force_flush`);
}
