// A real stack on loopback for the drills: victoria-metrics (datasource and remote-write target), one or
// more prometheus-alertmanager, a fault proxy in front of each peer, a feeder writing fresh samples to VM
// every second, and tsalert (the built binary) talking to the peers only through the proxies.
// Everything started here is stopped by `stop()`.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiAlert, ApiGroup, ApiRule } from "../../../src/rule/api.js";
import {
  type ExportedSeries,
  exportSeries,
  type Feeder,
  type MetricSample,
  parseMetrics,
  sleep,
  startFeeder,
} from "../../helpers/e2e.js";
import { type RunningServer, startAlertmanager, startVictoriaMetrics, waitFor } from "../../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../../helpers/tsalert.js";
import { type FaultProxy, type HttpFault, type ProxiedRequest, startFaultProxy } from "./proxy.js";

export { type ExportedSeries, type Feeder, type MetricSample, parseMetrics, sleep } from "../../helpers/e2e.js";
export { waitFor };

/** One alert of a POST /api/v2/alerts body, as tsalert sent it. */
export interface SentAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** One POST to an Alertmanager as seen by its proxy. */
export interface AmPost {
  /** Date.now() when the proxy received it. */
  at: number;
  /** The status the client got (0: connection dropped without an answer). */
  status: number;
  alerts: SentAlert[];
}

export interface AlertmanagerPeer {
  server: RunningServer;
  proxy: FaultProxy;
  /** Every POST /api/v2/alerts that reached the proxy while it spoke HTTP (pass, fail, slow). */
  posts: AmPost[];
  /** Forward to the real Alertmanager, recording what passes (the normal state). */
  pass(): Promise<void>;
  /** Answer every request with `status` without forwarding (recorded). */
  fail(status: number): Promise<void>;
  /** Forward after `ms` (recorded). */
  slow(ms: number): Promise<void>;
  /** Refuse connections. */
  down(): Promise<void>;
}

export interface StackOptions {
  /** Rule file content (YAML); group intervals of 1s keep drills short. */
  rules: string;
  /** Real Alertmanagers, each behind its own proxy (default 1; 0: -notifier.blackhole). */
  alertmanagers?: number;
  /** Point -remoteWrite.url at VM through a proxy (default false). */
  remoteWrite?: boolean;
  /** Put this URL behind the datasource proxy instead of VM (e.g. a fake server for garbage answers). */
  datasourceTarget?: string;
  /** Extra tsalert flags (vmalert syntax); they come last, so they win. */
  args?: string[];
  /** Feeder period, ms (default 1000). */
  feedEveryMs?: number;
  /** Extra victoria-metrics flags (e.g. a higher -search.maxUniqueTimeseries). */
  vmArgs?: string[];
}

export interface Stack {
  vm: RunningServer;
  tsalert: TsalertProcess;
  datasource: FaultProxy;
  alertmanagers: AlertmanagerPeer[];
  remoteWrite?: FaultProxy;
  feeder: Feeder;
  /** Temp dir holding the rule file; removed by stop(). */
  dir: string;
  /** All samples of tsalert's /metrics. */
  metrics(): Promise<MetricSample[]>;
  /** Sum over the series of `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** tsalert /api/v1/alerts. */
  alerts(): Promise<ApiAlert[]>;
  groups(): Promise<ApiGroup[]>;
  /** A rule by group and rule name from /api/v1/rules. */
  rule(group: string, name: string): Promise<ApiRule | undefined>;
  /**
   * Stops tsalert (SIGTERM, or SIGKILL with `kill`) and starts it again on the same port with the same
   * flags plus `extraArgs`; `stack.tsalert` is the new process afterwards. Resolves with the old exit.
   */
  restart(opts?: { kill?: boolean; extraArgs?: string[] }): Promise<number | string>;
  /** The flags tsalert was (last) started with. */
  args: string[];
  /** The rule file tsalert reads (rewrite it and send SIGHUP or POST /-/reload to reload). */
  rulesFile: string;
  /** tsalert's memory from /proc: current RSS and high-water mark (VmHWM), in KiB. */
  memory(): Promise<{ rssKiB: number; hwmKiB: number }>;
  /** VM /api/v1/export of `match` as {labels, values, timestamps} lines. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  stop(): Promise<void>;
}

/** Outage length: 60 s with DRILLS_LONG=1 (`npm run drills -- --long`), `shortMs` otherwise. */
export function outageMs(shortMs = 12_000): number {
  return process.env.DRILLS_LONG === "1" ? 60_000 : shortMs;
}

/** An HttpFault that records POST bodies of /api/v2/alerts into `posts`, then runs `inner`. */
function recording(posts: AmPost[], inner: HttpFault): HttpFault {
  return async (req: ProxiedRequest, res, forward) => {
    let alerts: SentAlert[] = [];
    if (req.method === "POST" && req.url.includes("/api/v2/alerts")) {
      try {
        alerts = JSON.parse(req.body.toString()) as SentAlert[];
      } catch {
        alerts = [];
      }
      const post: AmPost = { at: Date.now(), status: 0, alerts };
      posts.push(post);
      res.on("finish", () => {
        post.status = res.statusCode;
      });
    }
    await inner(req, res, forward);
  };
}

const forwardAll: HttpFault = async (_req, res, forward) => {
  const a = await forward();
  res.writeHead(a.status, a.headers);
  res.end(a.body);
};

async function startAlertmanagerPeer(): Promise<AlertmanagerPeer> {
  const server = await startAlertmanager();
  const proxy = await startFaultProxy(server.url);
  const posts: AmPost[] = [];
  const peer: AlertmanagerPeer = {
    server,
    proxy,
    posts,
    pass: () => proxy.http(recording(posts, forwardAll)),
    fail: (status) =>
      proxy.http(
        recording(posts, (_req, res) => {
          res.writeHead(status, { "content-type": "text/plain" });
          res.end(`drill: injected ${status}\n`);
        }),
      ),
    slow: (ms) =>
      proxy.http(
        recording(posts, async (req, res, forward) => {
          await sleep(ms);
          if (!res.destroyed) await forwardAll(req, res, forward);
        }),
      ),
    down: () => proxy.refuse(),
  };
  await peer.pass();
  return peer;
}

async function readProcStatus(pid: number): Promise<{ rssKiB: number; hwmKiB: number }> {
  const text = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? "0");
  return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), "tsalert-drill-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const vm = await startVictoriaMetrics(opts.vmArgs);
    cleanups.push(() => vm.stop());
    const datasource = await startFaultProxy(opts.datasourceTarget ?? vm.url);
    cleanups.push(() => datasource.stop());
    const alertmanagers: AlertmanagerPeer[] = [];
    for (let i = 0; i < (opts.alertmanagers ?? 1); i++) {
      const peer = await startAlertmanagerPeer();
      cleanups.push(async () => {
        await peer.proxy.stop();
        await peer.server.stop();
      });
      alertmanagers.push(peer);
    }
    let remoteWrite: FaultProxy | undefined;
    if (opts.remoteWrite) {
      remoteWrite = await startFaultProxy(vm.url);
      const rw = remoteWrite;
      cleanups.push(() => rw.stop());
    }
    const feeder = startFeeder(vm.url, opts.feedEveryMs ?? 1000);
    cleanups.push(() => feeder.stop());

    const rulesFile = join(dir, "rules.yml");
    await writeFile(rulesFile, opts.rules);
    const args = [
      `-rule=${rulesFile}`,
      `-datasource.url=${datasource.url}`,
      "-evaluationInterval=1s",
      // Query "now": the feeder's samples are fresh, and results must follow it within a second or two.
      "-rule.evalDelay=0s",
      "-loggerLevel=INFO",
      ...(alertmanagers.length > 0
        ? alertmanagers.map((a) => `-notifier.url=${a.proxy.url}`)
        : ["-notifier.blackhole"]),
      ...(remoteWrite ? [`-remoteWrite.url=${remoteWrite.url}`, "-remoteWrite.flushInterval=200ms"] : []),
      ...(opts.args ?? []),
    ];
    const tsalert = await startTsalert({ args });
    // The process running now: restart() replaces it.
    let current = tsalert;
    cleanups.push(async () => {
      await current.stop();
    });

    const metrics = async () => {
      const res = await fetch(`${stack.tsalert.url}/metrics`);
      return parseMetrics(await res.text());
    };
    const groups = async () => (await stack.tsalert.get<{ data: { groups: ApiGroup[] } }>("/api/v1/rules")).data.groups;
    const stack: Stack = {
      vm,
      tsalert,
      datasource,
      alertmanagers,
      remoteWrite,
      feeder,
      dir,
      args,
      rulesFile,
      metrics,
      async metric(name, labels = {}) {
        let sum = 0;
        for (const s of await metrics()) {
          if (s.name !== name) continue;
          if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
        }
        return sum;
      },
      async alerts() {
        return (await stack.tsalert.get<{ data: { alerts: ApiAlert[] } }>("/api/v1/alerts")).data.alerts;
      },
      groups,
      async rule(group, name) {
        return (await groups()).find((g) => g.name === group)?.rules.find((r) => r.name === name);
      },
      async restart(o = {}) {
        const old = stack.tsalert;
        const exit = o.kill ? await old.kill() : await old.stop();
        stack.args = [...args, ...(o.extraArgs ?? [])];
        current = await startTsalert({ args: stack.args, port: old.port });
        stack.tsalert = current;
        return exit;
      },
      memory: () => readProcStatus(stack.tsalert.proc.pid ?? 0),
      exportSeries: (match) => exportSeries(vm.url, match),
      stop: cleanup,
    };
    return stack;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** With DRILLS_DEBUG=1: prints the tail of tsalert's log and its groups (for a drill that failed). */
export async function debugDump(stack: Stack | undefined): Promise<void> {
  if (!process.env.DRILLS_DEBUG || !stack) return;
  const groups = await stack.groups().catch((err: unknown) => String(err));
  console.log(`${stack.tsalert.logs().slice(-8000)}\n${JSON.stringify(groups).slice(0, 4000)}`);
}
