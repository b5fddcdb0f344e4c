// A tsalert cluster on loopback for end-to-end tests and drills: one real VictoriaMetrics (deduplicating
// identical samples, as replicas write them), two real Alertmanagers clustered with each other and
// notifying a webhook sink, a feeder, and N tsalert members (the built binary) with -cluster.* flags.
// Everything started here is stopped by stop().
import type { ApiAlert, ApiClusterStatus, ApiGroup } from "../../src/rule/api.js";
import { freePortBlock, type PortBlock, startWebhookSink, type WebhookSink, webhookConfig } from "./cluster.js";
import { FAST_ARGS, type Feeder, type MetricSample, parseMetrics, startFeeder, tempDir } from "./e2e.js";
import { freePort, type RunningServer, startAlertmanager, startVictoriaMetrics } from "./servers.js";
import { startTsalert, type TsalertProcess } from "./tsalert.js";

export interface ClusterStackOptions {
  rules: string;
  /** Ports for this many members (at most 10); members are started with start(). */
  maxMembers: number;
  /** -cluster.memberURLTemplate of member k (default: the members' own ports). */
  templateFor?: (k: number, block: PortBlock) => string;
  /** Flags every member gets after the stack's own. */
  args?: string[];
}

export interface MemberOptions {
  count: number;
  replication?: number;
  extraArgs?: string[];
}

export interface ClusterStack {
  vm: RunningServer;
  alertmanagers: RunningServer[];
  sink: WebhookSink;
  feeder: Feeder;
  block: PortBlock;
  rulesFile: string;
  members: (TsalertProcess | undefined)[];
  /** Replaces the rule file (atomically); members read it on their next start or reload. */
  writeRules(text: string): Promise<void>;
  /** Starts member k on its port with -cluster.membersCount=count (replaces a stopped one). */
  start(k: number, opts: MemberOptions): Promise<TsalertProcess>;
  member(k: number): TsalertProcess;
  metrics(k: number): Promise<MetricSample[]>;
  /** Groups member k evaluated (vmalert_iteration_total > 0), sorted. */
  evaluatedGroups(k: number): Promise<string[]>;
  merged(k: number): Promise<{ groups: ApiGroup[]; cluster?: ApiClusterStatus }>;
  localAlerts(k: number): Promise<ApiAlert[]>;
  /** Active alerts of Alertmanager i, by alertname; `copies` > 1 when several label sets share the name. */
  amAlerts(i: number): Promise<Map<string, { startsAt: string; endsAt: string; copies: number }>>;
  stop(): Promise<void>;
}

export async function startClusterStack(opts: ClusterStackOptions): Promise<ClusterStack> {
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const dir = await tempDir("tsalert-cluster");
    cleanup.push(() => dir.remove());
    const rulesFile = await dir.write("cluster.rules", opts.rules);
    // Replicas write the same samples with the same timestamps; VictoriaMetrics keeps one of them.
    const vm = await startVictoriaMetrics(["-dedup.minScrapeInterval=1ms"]);
    cleanup.push(() => vm.stop());
    const sink = await startWebhookSink();
    cleanup.push(() => sink.stop());
    const gossip = [await freePort(), await freePort()].map((p) => `127.0.0.1:${p}`);
    const alertmanagers: RunningServer[] = [];
    for (let i = 0; i < 2; i++) {
      const am = await startAlertmanager(webhookConfig(sink.url), {
        cluster: { listen: gossip[i] as string, peers: gossip.filter((_, j) => j !== i), peerTimeout: "3s" },
      });
      alertmanagers.push(am);
      cleanup.push(() => am.stop());
    }
    const feeder = startFeeder(vm.url);
    cleanup.push(() => feeder.stop());
    const block = await freePortBlock(opts.maxMembers);
    const members: (TsalertProcess | undefined)[] = [];
    cleanup.push(() => Promise.all(members.map((m) => m?.stop())));

    const stack: ClusterStack = {
      vm,
      alertmanagers,
      sink,
      feeder,
      block,
      rulesFile,
      members,
      async writeRules(text) {
        await dir.write("cluster.rules", text);
      },
      async start(k, m) {
        await members[k]?.stop();
        const p = await startTsalert({
          port: block.port(k),
          args: [
            `-rule=${rulesFile}`,
            `-datasource.url=${vm.url}`,
            `-remoteWrite.url=${vm.url}`,
            `-remoteRead.url=${vm.url}`,
            ...alertmanagers.map((a) => `-notifier.url=${a.url}`),
            ...FAST_ARGS,
            `-cluster.membersCount=${m.count}`,
            `-cluster.memberNum=tsalert-${k}`,
            `-cluster.replicationFactor=${m.replication ?? 1}`,
            `-cluster.memberURLTemplate=${opts.templateFor ? opts.templateFor(k, block) : block.template}`,
            "-cluster.peerTimeout=2s",
            ...(opts.args ?? []),
            ...(m.extraArgs ?? []),
          ],
        });
        members[k] = p;
        return p;
      },
      member(k) {
        const p = members[k];
        if (!p) throw new Error(`member ${k} is not running`);
        return p;
      },
      async metrics(k) {
        const res = await fetch(`${stack.member(k).url}/metrics`);
        return parseMetrics(await res.text());
      },
      async evaluatedGroups(k) {
        const samples = await stack.metrics(k);
        return samples
          .filter((s) => s.name === "vmalert_iteration_total" && s.value > 0)
          .map((s) => s.labels.group as string)
          .sort();
      },
      async merged(k) {
        const body = await stack
          .member(k)
          .get<{ data: { groups: ApiGroup[]; cluster?: ApiClusterStatus } }>("/api/v1/rules");
        return body.data;
      },
      async localAlerts(k) {
        const body = await stack.member(k).get<{ data: { alerts: ApiAlert[] } }>("/api/v1/alerts?local=1");
        return body.data.alerts;
      },
      async amAlerts(i) {
        const res = await fetch(`${alertmanagers[i]?.url}/api/v2/alerts?active=true&silenced=false&inhibited=false`);
        const list = (await res.json()) as { labels: Record<string, string>; startsAt: string; endsAt: string }[];
        const out = new Map<string, { startsAt: string; endsAt: string; copies: number }>();
        for (const a of list) {
          const name = a.labels.alertname as string;
          const seen = out.get(name);
          out.set(name, { startsAt: a.startsAt, endsAt: a.endsAt, copies: (seen?.copies ?? 0) + 1 });
        }
        return out;
      },
      async stop() {
        for (const c of cleanup.reverse()) await c().catch(() => {});
      },
    };
    return stack;
  } catch (err) {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    throw err;
  }
}

/**
 * The rule file of the cluster tests: `alerts` groups of one alerting rule (`Alert<i>` on
 * `cluster_test_value{group="<i>"} > 0`, `for: <forSeconds>s`) and `records` groups of one recording rule
 * (`cluster:rec` with label `rec="<i>"`), every group on a 1 s interval.
 */
export function clusterRules(alerts: number, records: number, forSeconds = 2): string {
  const lines = ["groups:"];
  for (let i = 0; i < alerts; i++) {
    lines.push(
      `  - name: alerts-${String(i).padStart(2, "0")}`,
      "    interval: 1s",
      "    rules:",
      `      - alert: Alert${i}`,
      `        expr: cluster_test_value{group="${i}"} > 0`,
      `        for: ${forSeconds}s`,
    );
  }
  for (let i = 0; i < records; i++) {
    lines.push(
      `  - name: records-${i}`,
      "    interval: 1s",
      "    rules:",
      "      - record: cluster:rec",
      "        expr: sum(cluster_test_value)",
      "        labels:",
      `          rec: "${i}"`,
    );
  }
  return `${lines.join("\n")}\n`;
}
