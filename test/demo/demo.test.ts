// `node scripts/demo.mjs` end to end with the real servers on non-default free ports: the web UI answers,
// VictoriaMetrics scrapes the engine, both Alertmanagers list the heartbeat alert, and SIGTERM stops every
// process the demo started. With tsalert once its CLI runs; until then with the real vmalert.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, waitFor } from "../helpers/servers.js";
import { probeTsalert, repoRoot } from "./probe.js";

const probe = await probeTsalert();

/** Living descendants of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [...(byParent.get(pid) ?? [])];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(byParent.get(p) ?? []));
  }
  return out;
}

async function getJSON(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

async function alertNames(amURL: string): Promise<string[]> {
  const alerts = (await getJSON(`${amURL}/api/v2/alerts`)) as { labels: Record<string, string> }[];
  return alerts.map((a) => a.labels.alertname);
}

let demo: ChildProcess | undefined;
let started: number[] = [];

afterAll(async () => {
  // Only if an assertion failed half-way: let the demo clean up, then leave nothing running.
  const d = demo;
  if (d && d.exitCode === null && d.signalCode === null) {
    if (started.length === 0) started = descendants(d.pid!);
    const gone = new Promise((r) => d.once("exit", r));
    d.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
    d.kill("SIGKILL");
  }
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

async function runDemo(engine: "tsalert" | "vmalert"): Promise<void> {
  const [vm, am1, am2, ui] = [await freePort(), await freePort(), await freePort(), await freePort()];
  let out = "";
  demo = spawn(process.execPath, [join(repoRoot, "scripts", "demo.mjs")], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DEMO_ENGINE: engine,
      DEMO_VM_PORT: String(vm),
      DEMO_AM1_PORT: String(am1),
      DEMO_AM2_PORT: String(am2),
      DEMO_PORT: String(ui),
      DEMO_EVAL_INTERVAL: "2s",
      DEMO_SCRAPE_INTERVAL: "2s",
    },
  });
  const proc = demo;
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const alive = () => {
    if (proc.exitCode !== null) throw new Error(`demo exited with ${proc.exitCode}:\n${out}`);
  };
  const engineURL = `http://127.0.0.1:${ui}`;

  await waitFor(
    async () => {
      alive();
      const res = await fetch(`${engineURL}/vmalert/groups`);
      const html = await res.text();
      return res.ok && html.includes("DemoAlwaysFiring");
    },
    30_000,
    "the web UI listing DemoAlwaysFiring",
  );
  // The banner comes once every server is ready, and points at the web UI.
  await waitFor(async () => out.includes("Press Ctrl-C"), 10_000, "the demo's banner");
  expect(out).toContain(`http://localhost:${ui}/vmalert/groups`);

  for (const am of [am1, am2]) {
    await waitFor(
      async () => {
        alive();
        return (await alertNames(`http://127.0.0.1:${am}`)).includes("DemoAlwaysFiring");
      },
      30_000,
      `Alertmanager on port ${am} to list DemoAlwaysFiring`,
    );
  }
  const apiAlerts = (await getJSON(`${engineURL}/api/v1/alerts`)) as { data: { alerts: { name: string }[] } };
  expect(apiAlerts.data.alerts.map((a) => a.name)).toContain("DemoAlwaysFiring");

  // VictoriaMetrics scrapes the engine through the generated -promscrape.config.
  await waitFor(
    async () => {
      const q = encodeURIComponent(`up{job="${engine}"}`);
      const r = (await getJSON(`http://127.0.0.1:${vm}/api/v1/query?query=${q}`)) as {
        data: { result: { value: [number, string] }[] };
      };
      return r.data.result.length === 1 && r.data.result[0].value[1] === "1";
    },
    15_000,
    `VictoriaMetrics to scrape ${engine}`,
  );

  started = descendants(proc.pid!);
  // victoria-metrics, two Alertmanagers, the engine (node's own threads are not processes).
  expect(started.length).toBeGreaterThanOrEqual(4);
  const logDir = out.match(/Logs: (\S+)/)?.[1];
  expect(logDir && existsSync(logDir)).toBe(true);

  proc.kill("SIGTERM");
  const code = await exited;
  expect(code, out).toBe(0);
  const leftovers = started.filter((pid) => existsSync(`/proc/${pid}`));
  expect(leftovers).toEqual([]);
  // All gone: afterAll must not signal these pids, which the system may hand out again.
  started = [];
  // The temp dir with data and logs is removed too.
  expect(existsSync(logDir!)).toBe(false);
}

describe("npm run demo", () => {
  it.runIf(probe.wired)(
    "runs tsalert with VictoriaMetrics and two Alertmanagers, and stops them all on SIGTERM",
    () => runDemo("tsalert"),
    60_000,
  );
  it.runIf(!probe.wired)(
    `runs the same stack with the real vmalert while tsalert's CLI is not wired (${probe.reason})`,
    () => runDemo("vmalert"),
    60_000,
  );
});
