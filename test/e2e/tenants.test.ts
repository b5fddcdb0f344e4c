// -clusterMode through the real binary: groups of tenants 1 and 2 behind a real vmauth that routes
// /insert/<t>/ and /select/<t>/ to two real VictoriaMetrics instances. Each tenant's recording results and
// ALERTS land only in its own instance, alerts carry vm_account_id/vm_project_id, and after a SIGKILL
// each tenant restores its alerts from its own instance only (the other instance holds a decoy).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/servers.js";
import { type ExportedSeries, startTenantStack, TENANT_TOKEN, type TenantStack } from "../helpers/tenants.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const TENANTS = ["1", "2"];
const GROUP: Record<string, string> = { "1": "tenant-one", "2": "tenant-two" };

const RULES = TENANTS.map(
  (t) => `
  - name: ${GROUP[t]}
    tenant: "${t}"
    interval: 1s
    rules:
      - record: e2e_tenant:scaled
        expr: e2e_tenant_src * 10
      - alert: E2ETenantAlert
        expr: e2e_tenant_src > 0
        for: 1h
        annotations:
          summary: "account {{ $labels.vm_account_id }} project {{ $labels.vm_project_id }}"
`,
)
  .join("")
  .concat(`
  - name: tenant-default
    interval: 1s
    rules:
      - record: e2e_tenant:default
        expr: e2e_tenant_src * 100
`);

interface ApiAlert {
  state: string;
  name: string;
  activeAt: string;
  restored: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function alertLabels(t: string): Record<string, string> {
  return { alertgroup: GROUP[t] as string, alertname: "E2ETenantAlert", vm_account_id: t, vm_project_id: "0" };
}

/** Samples written at or after `since`, as `name{labels} value` lines (labels sorted). */
function written(series: ExportedSeries[], since: number): string[] {
  const out = new Set<string>();
  for (const s of series) {
    const { __name__: name, ...labels } = s.metric;
    const ls = Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(",");
    s.timestamps.forEach((ts, i) => {
      if (ts >= since && s.values[i] !== null)
        out.add(`${name}{${ls}}${name?.startsWith("e2e_tenant:") ? ` ${s.values[i]}` : ""}`);
    });
  }
  return [...out].sort();
}

describe("-clusterMode tenants behind real vmauth", () => {
  let stack: TenantStack;
  let dir: string;
  const procs: TsalertProcess[] = [];
  let seededAt = 0;

  beforeAll(async () => {
    stack = await startTenantStack(TENANTS);
    dir = await mkdtemp(join(tmpdir(), "tsalert-e2e-tenants-"));
    await writeFile(join(dir, "rules.yml"), `groups:${RULES}`);
    const now = Math.floor(Date.now() / 1000) * 1000;
    seededAt = now;
    const timestamps: number[] = [];
    for (let ts = now - 60_000; ts <= now + 180_000; ts += 1000) timestamps.push(ts);
    for (const t of TENANTS) {
      const other = TENANTS.find((x) => x !== t) as string;
      await stack.importInto(t, [
        { labels: { __name__: "e2e_tenant_src" }, values: timestamps.map(() => Number(t)), timestamps },
        // The tenant's own ALERTS_FOR_STATE series exists already (a sample older than the 1 h lookback) ...
        { labels: { __name__: "ALERTS_FOR_STATE", ...alertLabels(t) }, values: [1], timestamps: [now - 7_200_000] },
        // ... and the OTHER tenant's alert has a decoy state here: restoring from the wrong instance would
        // give that alert an activeAt of 30 minutes ago.
        {
          labels: { __name__: "ALERTS_FOR_STATE", ...alertLabels(other) },
          values: [(now - 1_800_000) / 1000],
          timestamps: [now - 600_000],
        },
      ]);
    }
  }, 120_000);
  afterAll(async () => {
    for (const p of procs) await p.kill();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function args(): string[] {
    return [
      `-rule=${join(dir, "rules.yml")}`,
      "-clusterMode",
      // The group without `tenant` belongs to tenant 2.
      "-defaultTenant.prometheus=2",
      `-datasource.url=${stack.url}`,
      `-remoteWrite.url=${stack.url}`,
      `-remoteRead.url=${stack.url}`,
      `-datasource.bearerToken=${TENANT_TOKEN}`,
      `-remoteWrite.bearerToken=${TENANT_TOKEN}`,
      `-remoteRead.bearerToken=${TENANT_TOKEN}`,
      "-remoteWrite.flushInterval=100ms",
      "-notifier.blackhole",
      "-rule.evalDelay=0s",
      "-group.maxStartDelay=0s",
    ];
  }

  async function alertsOf(p: TsalertProcess): Promise<Map<string, ApiAlert>> {
    const res = await p.get<{ data: { alerts: ApiAlert[] } }>("/api/v1/alerts");
    return new Map(res.data.alerts.map((a) => [a.labels.vm_account_id ?? "none", a]));
  }

  it("each tenant reads and writes only its own instance; alerts carry the tenant labels and restore per tenant", async () => {
    const startedAt = Date.now();
    const first = await startTsalert({ args: args() });
    procs.push(first);

    let alerts = new Map<string, ApiAlert>();
    await waitFor(
      async () => {
        alerts = await alertsOf(first);
        return TENANTS.every((t) => alerts.get(t)?.state === "pending");
      },
      30_000,
      "a pending alert per tenant",
    );
    for (const t of TENANTS) {
      const a = alerts.get(t) as ApiAlert;
      expect(a.labels).toEqual(alertLabels(t));
      expect(a.annotations.summary).toBe(`account ${t} project 0`);
      // Nothing to restore at the first start: the own instance holds only a state older than the lookback.
      expect(a.restored).toBe(false);
      expect(Date.parse(a.activeAt)).toBeGreaterThanOrEqual(startedAt - 1000);
    }
    expect(alerts.size).toBe(TENANTS.length);
    const activeAt = new Map(TENANTS.map((t) => [t, Date.parse((alerts.get(t) as ApiAlert).activeAt)]));

    // Each instance holds its own tenant's results and alert series, and nothing of the other tenant.
    const selector = '{__name__=~"e2e_tenant:.*|ALERTS|ALERTS_FOR_STATE"}';
    for (const t of TENANTS) {
      const own = alertLabels(t);
      const ls = Object.keys(own)
        .sort()
        .map((k) => `${k}=${own[k]}`)
        .join(",");
      const want = [
        `ALERTS_FOR_STATE{${ls}}`,
        `ALERTS{${ls.replace("alertname=E2ETenantAlert", "alertname=E2ETenantAlert,alertstate=pending")}}`,
        `e2e_tenant:scaled{vm_account_id=${t},vm_project_id=0} ${Number(t) * 10}`,
        ...(t === "2" ? ["e2e_tenant:default{vm_account_id=2,vm_project_id=0} 200"] : []),
      ].sort();
      let got: string[] = [];
      await waitFor(
        async () => {
          got = written(await stack.exportFrom(t, selector), seededAt);
          return want.every((w) => got.includes(w));
        },
        30_000,
        `tenant ${t} series in its instance`,
      );
      expect(got).toEqual(want);
      // The restore will read activeAt from here: it must be queryable before the kill.
      const vm = stack.vms[t] as { url: string };
      await waitFor(
        async () => {
          const q = encodeURIComponent(`ALERTS_FOR_STATE{alertgroup="${GROUP[t]}"}`);
          const r = (await (await fetch(`${vm.url}/insert/${t}/api/v1/query?query=${q}`)).json()) as {
            data: { result: { value: [number, string] }[] };
          };
          return r.data.result.some((x) => Number(x.value[1]) * 1000 === activeAt.get(t));
        },
        15_000,
        `tenant ${t} ALERTS_FOR_STATE queryable`,
      );
    }

    // SIGKILL and restart: each tenant's alert comes back with its own activeAt, not the decoy.
    await first.kill();
    const second = await startTsalert({ args: args(), port: first.port });
    procs.push(second);
    await waitFor(
      async () => {
        alerts = await alertsOf(second);
        return TENANTS.every((t) => alerts.get(t)?.restored === true);
      },
      30_000,
      "restored alerts per tenant",
    );
    for (const t of TENANTS) {
      const a = alerts.get(t) as ApiAlert;
      expect(a.state).toBe("pending");
      expect(a.labels).toEqual(alertLabels(t));
      expect(Date.parse(a.activeAt)).toBe(activeAt.get(t));
    }
    expect(second.logs()).not.toMatch(/"level":"?(error|50)|\terror\t/);
  }, 120_000);

  it("refuses a bad -defaultTenant.* and a group tenant without -clusterMode", async () => {
    const bad = await startTsalert({
      args: [...args(), "-defaultTenant.graphite=acme"],
      waitReady: false,
    });
    procs.push(bad);
    expect(await bad.exited).toBe(2);
    expect(bad.logs()).toContain('-defaultTenant.graphite: invalid tenant "acme"');

    const noCluster = await startTsalert({
      args: args().filter((a) => a !== "-clusterMode"),
      waitReady: false,
    });
    procs.push(noCluster);
    expect(await noCluster.exited).not.toBe(0);
    expect(noCluster.logs()).toContain("group tenant is only allowed with -clusterMode");
  }, 60_000);
});
