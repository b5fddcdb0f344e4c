// tsalert as a child process (the built bin/tsalert.js), for end-to-end tests and drills. Run
// `npm run build` first (`npm test` does). Every process started here is stopped by the test.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "./servers.js";

export const TSALERT_BIN = fileURLToPath(new URL("../../bin/tsalert.js", import.meta.url));
const DIST_MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface TsalertProcess {
  /** http://127.0.0.1:<port> of -httpListenAddr. */
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  logs(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM (SIGKILL after `graceMs`), waits for exit; harmless when already exited. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL, waits for exit. */
  kill(): Promise<number | string>;
  /** GET on the tsalert HTTP server; JSON body parsed. */
  get<T = unknown>(path: string): Promise<T>;
}

export interface StartTsalertOptions {
  /** Flags in vmalert syntax; -httpListenAddr is added unless given. */
  args: string[];
  /** Fixed port (restarts reuse one); a free one by default. */
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Wait for /health to answer 200 (default true); false returns right after spawning. */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

export async function startTsalert(opts: StartTsalertOptions): Promise<TsalertProcess> {
  if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: run "npm run build" first`);
  const port = opts.port ?? (await freePort());
  const args = [...opts.args];
  if (!args.some((a) => /^--?httpListenAddr[= ]?/.test(a))) args.push(`-httpListenAddr=127.0.0.1:${port}`);
  let out = "";
  const proc = spawn(process.execPath, [TSALERT_BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...opts.env },
  });
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | string>((resolve) => {
    proc.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (!done) {
      proc.kill(signal);
      const t = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(t);
    }
    return exited;
  };
  const p: TsalertProcess = {
    url,
    port,
    proc,
    logs: () => out,
    exited,
    stop: (graceMs = 10_000) => stopWith("SIGTERM", graceMs),
    kill: () => stopWith("SIGKILL", 0),
    async get<T>(path: string): Promise<T> {
      const res = await fetch(url + path);
      const body = await res.text();
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
      return JSON.parse(body) as T;
    },
  };
  if (opts.waitReady ?? true) {
    try {
      await waitFor(
        async () => {
          if (done) throw new Error(`tsalert exited early:\n${out}`);
          const res = await fetch(`${url}/health`);
          await res.arrayBuffer();
          return res.ok;
        },
        opts.readyTimeoutMs ?? 20_000,
        "tsalert /health",
      );
    } catch (err) {
      await p.kill();
      throw err;
    }
  }
  return p;
}
