// Child processes for the demo and the benchmarks: start, watch, tail the log, stop.
// Plain ESM so `node scripts/demo.mjs` and `node bench/...` run without a build step.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";

/** A port the OS just handed out on `host`; free unless someone grabs it before we do. */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves true when nothing listens on host:port (we could bind it), false otherwise. */
export function portIsFree(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; throws with the last error after `timeoutMs`. */
export async function waitFor(check, timeoutMs, what, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastErr = err;
      if (err?.fatal) throw err;
    }
    await sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${lastErr ? `: ${lastErr.message ?? lastErr}` : ""}`,
  );
}

export async function httpOk(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.ok;
}

/**
 * Spawns `cmd args` with stdout+stderr kept in a ring of the last lines (and copied to `logFile` if given).
 * The returned handle knows whether the process has exited and stops it politely, then firmly.
 */
export function startChild(name, cmd, args, { env, cwd, logFile, keepLines = 400 } = {}) {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env, cwd });
  const lines = [];
  let partial = "";
  const file = logFile ? createWriteStream(logFile) : undefined;
  const onData = (d) => {
    file?.write(d);
    const parts = (partial + d).split("\n");
    partial = parts.pop() ?? "";
    for (const l of parts) {
      lines.push(l);
      if (lines.length > keepLines) lines.shift();
    }
  };
  proc.stdout.on("data", onData);
  proc.stderr.on("data", onData);
  const child = {
    name,
    proc,
    pid: proc.pid,
    exited: false,
    exitCode: null,
    exitSignal: null,
    spawnError: undefined,
    tail(n = 30) {
      return [...lines, partial].filter((l) => l !== "").slice(-n);
    },
    exitedPromise: undefined,
    stop,
  };
  child.exitedPromise = new Promise((resolve) => {
    proc.once("error", (err) => {
      child.spawnError = err;
      child.exited = true;
      resolve();
    });
    proc.once("exit", (code, signal) => {
      child.exited = true;
      child.exitCode = code;
      child.exitSignal = signal;
      file?.end();
      resolve();
    });
  });

  async function stop(graceMs = 8000) {
    if (!child.exited) {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await child.exitedPromise;
      clearTimeout(t);
    }
  }
  return child;
}

/** Describes how a child ended, for error messages. */
export function exitDescription(child) {
  if (child.spawnError) return `could not start: ${child.spawnError.message}`;
  return child.exitSignal ? `killed by ${child.exitSignal}` : `exited with code ${child.exitCode}`;
}

/** Waits until `url` answers 2xx; fails early (with the log tail) when the child dies first. */
export async function waitReady(child, url, timeoutMs = 30_000) {
  await waitFor(
    async () => {
      if (child.exited) {
        const err = new Error(`${child.name} ${exitDescription(child)}:\n${child.tail(20).join("\n")}`);
        err.fatal = true;
        throw err;
      }
      return httpOk(url);
    },
    timeoutMs,
    `${child.name} at ${url}`,
  );
}
