// Real vmalert for the rule engine's differential tests.

/** The real vmalert 1.79.5 (Debian), evaluating `ruleFile` against `datasourceURL`; stop() kills it. */
export async function startVmalert(
  ruleFile: string,
  datasourceURL: string,
  extra: string[] = [],
): Promise<{ url: string; logs(): string; stop(): Promise<void> }> {
  const { spawn } = await import("node:child_process");
  const { freePort, waitFor } = await import("./servers.js");
  const port = await freePort();
  let out = "";
  const proc = spawn(
    "vmalert",
    [
      `-rule=${ruleFile}`,
      `-datasource.url=${datasourceURL}`,
      "-notifier.url=http://127.0.0.1:9",
      `-httpListenAddr=127.0.0.1:${port}`,
      "-evaluationInterval=1s",
      "-loggerLevel=ERROR",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
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
  const stop = async () => {
    if (exited) return;
    const done = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(t);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`vmalert exited: ${out}`);
        return (await fetch(`${url}/health`).catch(() => null))?.ok ?? false;
      },
      20_000,
      "vmalert",
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, logs: () => out, stop };
}
