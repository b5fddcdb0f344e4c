// `npm run demo`: a live local stack on loopback. VictoriaMetrics scrapes itself, the rule engine and two
// Alertmanagers; the engine (tsalert, or DEMO_ENGINE=vmalert) runs rules/*.rules against it and notifies
// both Alertmanagers. Ctrl-C (or SIGTERM) stops everything this script started; so does any child dying.
// Settings: scripts/lib/demo-config.mjs (DEMO_* environment variables), docs in README.md (The live demo).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { alertmanagerConfig, demoSettings, engineFlags, portEnvNames, scrapeConfig } from "./lib/demo-config.mjs";
import { exitDescription, portIsFree, startChild, waitReady } from "./lib/procs.mjs";
import {
  engineCommand,
  hasCommand,
  repoRoot,
  startAlertmanager,
  startVictoriaMetrics,
  tsalertVersion,
} from "./lib/servers.mjs";

const say = (msg) => process.stdout.write(`${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`demo: ${msg}\n`);
  process.exit(1);
};

/** Installs the Debian packages we need when we are root; otherwise says exactly what to install. */
function ensureServers(engine) {
  const need = new Map([
    ["victoria-metrics", "victoria-metrics"],
    ["prometheus-alertmanager", "prometheus-alertmanager"],
  ]);
  if (engine === "vmalert") need.set("vmalert", "victoria-metrics");
  const missing = [...need].filter(([cmd]) => !hasCommand(cmd)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing)].join(" ");
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages: ${pkgs}\n  install them with: sudo apt-get install -y ${pkgs}`);
  }
  say(`installing ${pkgs}...`);
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
    const r = spawnSync("apt-get", args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (r.status !== 0) fail(`apt-get ${args.join(" ")} failed; install by hand: apt-get install -y ${pkgs}`);
  }
}

async function checkPorts(s) {
  for (const [key, envName] of Object.entries(portEnvNames)) {
    if (!(await portIsFree(s[key], s.host))) {
      fail(`port ${s[key]} on ${s.host} is in use; stop what listens there or pick another with ${envName}=<port>`);
    }
  }
}

let settings;
try {
  settings = demoSettings();
} catch (err) {
  fail(err.message);
}
const s = settings;
ensureServers(s.engine);
if (s.engine === "tsalert") {
  const probe = tsalertVersion();
  if (!probe.ok) fail(`tsalert cannot start: ${probe.reason}. Run \`npm run build\`, or try DEMO_ENGINE=vmalert.`);
}
await checkPorts(s);

const keepData = s.dataDir !== "";
const dir = keepData ? resolve(s.dataDir) : mkdtempSync(join(tmpdir(), "tsalert-demo-"));
const logDir = join(dir, "logs");
mkdirSync(logDir, { recursive: true });
writeFileSync(join(dir, "scrape.yml"), scrapeConfig(s));

/** Children in start order; stopped in reverse. */
const children = [];
let stopping = false;

async function shutdown(code, why) {
  // Whoever calls second waits for the first shutdown's exit, never going on with the startup.
  if (stopping) return new Promise(() => {});
  stopping = true;
  if (why) process.stderr.write(`demo: ${why}\n`);
  say("stopping...");
  for (const c of [...children].reverse()) await c.stop();
  if (!keepData) rmSync(dir, { recursive: true, force: true });
  say(code === 0 ? "stopped" : "stopped after an error");
  process.exit(code);
}

function watch(child) {
  children.push(child);
  child.exitedPromise.then(() => {
    if (stopping) return;
    shutdown(
      1,
      `${child.name} ${exitDescription(child)} unexpectedly; last lines of its log:\n${child.tail(30).join("\n")}`,
    );
  });
  return child;
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    // A second Ctrl-C while stopping kills what is left.
    if (stopping) for (const c of children) c.proc.kill("SIGKILL");
    else shutdown(0);
  });
}

const base = (port) => `http://${s.reachHost}:${port}`;
try {
  const vm = await startVictoriaMetrics({
    host: s.host,
    port: s.vmPort,
    dir: join(dir, "victoria-metrics"),
    logFile: join(logDir, "victoria-metrics.log"),
    extraArgs: [
      `-promscrape.config=${join(dir, "scrape.yml")}`,
      // vmui and Grafana reach the engine's alerts and rules through VictoriaMetrics.
      `-vmalert.proxyURL=${base(s.enginePort)}`,
    ],
  });
  watch(vm.child);
  for (const [i, port] of [s.am1Port, s.am2Port].entries()) {
    const am = await startAlertmanager({
      name: `alertmanager-${i + 1}`,
      host: s.host,
      port,
      dir: join(dir, `alertmanager-${i + 1}`),
      config: alertmanagerConfig(),
      logFile: join(logDir, `alertmanager-${i + 1}.log`),
    });
    watch(am.child);
  }
  const { cmd, args } = engineCommand(s.engine);
  const engine = watch(
    startChild(s.engine, cmd, [...args, ...engineFlags(s)], {
      cwd: repoRoot,
      logFile: join(logDir, `${s.engine}.log`),
    }),
  );
  await waitReady(engine, `${base(s.enginePort)}/health`, 60_000);
} catch (err) {
  await shutdown(1, `could not start the stack: ${err.message}`);
}

const ui = `http://localhost:${s.enginePort}`;
say(`
The ${s.engine} demo is running (rules: ${s.rules}, evaluated every ${s.evalInterval}):
  ${s.engine} web UI       ${ui}/vmalert/groups
  firing alerts       ${ui}/vmalert/alerts
  ${s.engine} API          ${ui}/api/v1/rules   ${ui}/api/v1/alerts   ${ui}/metrics
  VictoriaMetrics     ${base(s.vmPort)}/vmui/
  Alertmanager 1      ${base(s.am1Port)}/#/alerts
  Alertmanager 2      ${base(s.am2Port)}/#/alerts
DemoAlwaysFiring fires at the first evaluation; DemoBlinking fires and resolves every two minutes.
Logs: ${logDir}${keepData ? "" : " (removed on exit; set DEMO_DATA_DIR to keep them)"}
Press Ctrl-C to stop everything.`);
