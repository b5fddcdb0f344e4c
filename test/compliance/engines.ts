// The engines a run measures, each with its own storage (so their ALERTS series never mix) and its
// own notification receiver: the built tsalert (vmalert semantics, or -rule.semantics=prometheus), the
// real vmalert 1.79.5, and Prometheus itself (2.42 from Debian) as the reference the suite was
// written against. tsalert and vmalert get the command line the suite documents for vmalert.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, waitFor } from "../helpers/servers.js";
import { TSALERT_BIN } from "../helpers/tsalert.js";
import { type Storage, startStorage } from "./storage.js";

export const ENGINE_KINDS = ["tsalert", "tsalert-prometheus", "vmalert", "prometheus"] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

export const ENGINE_TITLES: Record<EngineKind, string> = {
  tsalert: "tsalert (default: vmalert semantics)",
  "tsalert-prometheus": "tsalert -rule.semantics=prometheus",
  vmalert: "vmalert 1.79.5",
  prometheus: "Prometheus 2.42 (reference)",
};

/**
 * What the suite's configuration for vmalert asks for: re-send every minute, no query time alignment,
 * no `alertgroup` label (the suite's alerts have none), and remote write without batching.
 */
export const VMALERT_SUITE_FLAGS = [
  "-rule.resendDelay=1m",
  "-datasource.queryTimeAlignment=false",
  "-disableAlertgroupLabel=true",
  "-remoteWrite.maxBatchSize=1",
];

/**
 * Flags only tsalert takes, per kind. Newest vmalert subtracts -rule.evalDelay (30s) from every query
 * time, which 1.79.5 did not: 0s keeps the default run comparable with 1.79.5's command line. With
 * -rule.semantics=prometheus the eval delay is 0 by default, as Prometheus' query offset.
 */
const TSALERT_FLAGS: Record<"tsalert" | "tsalert-prometheus", string[]> = {
  tsalert: ["-rule.evalDelay=0s"],
  "tsalert-prometheus": ["-rule.semantics=prometheus"],
};

/** The built tsalert, or another build's bin/tsalert.js (COMPLIANCE_TSALERT_BIN) to measure before and after a change. */
function tsalertBin(): string {
  return process.env.COMPLIANCE_TSALERT_BIN || TSALERT_BIN;
}

export interface Engine {
  kind: EngineKind;
  /** Base URL of /api/v1/rules and /api/v1/alerts. */
  apiURL: string;
  /** Base URL of the query API holding the engine's ALERTS series. */
  queryURL: string;
  /** Where the input samples go. */
  writeURL: string;
  /** The command line, for the report. */
  command: string;
  /** Non-null once the process exited. */
  exitStatus(): string | null;
  stop(): Promise<void>;
}

interface Proc {
  proc: ChildProcess;
  exited: Promise<string>;
  status(): string | null;
  stop(): Promise<void>;
}

function launch(cmd: string, args: string[], logFile: string): Proc {
  const log = createWriteStream(logFile, { flags: "a" });
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  let status: string | null = null;
  const exited = new Promise<string>((resolve) => {
    proc.once("exit", (code, signal) => {
      status = signal ? `killed by ${signal}` : `exit ${code}`;
      resolve(status);
    });
    proc.once("error", (err) => {
      status = `cannot start: ${err.message}`;
      resolve(status);
    });
  });
  return {
    proc,
    exited,
    status: () => status,
    async stop() {
      if (status === null) {
        proc.kill("SIGTERM");
        const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(t);
      }
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

async function ready(p: Proc, url: string, name: string, logFile: string): Promise<void> {
  await waitFor(
    async () => {
      const st = p.status();
      if (st !== null) throw new Error(`${name} ${st}; see ${logFile}`);
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.ok;
    },
    30_000,
    `${name} at ${url}`,
  );
}

/** Starts one engine notifying `receiverURL`, with the rule file the run wrote. */
export async function startEngine(
  kind: EngineKind,
  rulesFile: string,
  receiverURL: string,
  dir: string,
): Promise<Engine> {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const logFile = join(dir, `${kind}.log`);
  if (kind === "prometheus") {
    const cfg = join(dir, "prometheus.yml");
    writeFileSync(
      cfg,
      [
        "global:",
        "  evaluation_interval: 30s",
        "rule_files:",
        `  - ${JSON.stringify(rulesFile)}`,
        "alerting:",
        "  alertmanagers:",
        "    - static_configs:",
        `        - targets: [${JSON.stringify(new URL(receiverURL).host)}]`,
        "",
      ].join("\n"),
    );
    const args = [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${join(dir, "prometheus-data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
      "--log.level=warn",
    ];
    const p = launch("prometheus", args, logFile);
    await ready(p, `${api}/-/ready`, "prometheus", logFile).catch(async (err) => {
      await p.stop();
      throw err;
    });
    return {
      kind,
      apiURL: api,
      queryURL: api,
      writeURL: `${api}/api/v1/write`,
      command: `prometheus ${args.join(" ")}`,
      exitStatus: p.status,
      stop: p.stop,
    };
  }
  const storage: Storage = await startStorage();
  const common = [
    `-rule=${rulesFile}`,
    `-datasource.url=${storage.url}`,
    `-remoteWrite.url=${storage.url}`,
    `-notifier.url=${receiverURL}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    ...VMALERT_SUITE_FLAGS,
  ];
  const isTsalert = kind === "tsalert" || kind === "tsalert-prometheus";
  const cmd = isTsalert ? process.execPath : "vmalert";
  const args = isTsalert ? [tsalertBin(), ...common, ...TSALERT_FLAGS[kind]] : common;
  const p = launch(cmd, args, logFile);
  try {
    await ready(p, `${api}/health`, kind, logFile);
  } catch (err) {
    await p.stop();
    await storage.stop();
    throw err;
  }
  return {
    kind,
    apiURL: api,
    queryURL: storage.url,
    writeURL: storage.writeURL,
    command: `${isTsalert ? `node ${tsalertBin()}` : "vmalert"} ${args.slice(isTsalert ? 1 : 0).join(" ")}`,
    exitStatus: p.status,
    async stop() {
      await p.stop();
      await storage.stop();
    },
  };
}
