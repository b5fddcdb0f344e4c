// A fake EngineView built from constructed data: three groups with firing, pending, unhealthy, nomatch
// and ok rules, one alert whose labels and annotations carry HTML/script payloads.
import type { ApiAlert, ApiGroup, ApiNotifierGroup, ApiRule, ApiStateEntry, EngineView } from "../../src/rule/api.js";

export const XSS_LABEL = `<script>window.__xss=1</script>`;
export const XSS_ATTR = `"onmouseover="window.__xss=2" x="`;
export const NEVER = "0001-01-01T00:00:00Z";

function iso(msAgo: number, now = Date.now()): string {
  return new Date(now - msAgo).toISOString();
}

function alert(p: Partial<ApiAlert> & Pick<ApiAlert, "id" | "name" | "state" | "rule_id" | "group_id">): ApiAlert {
  return {
    value: "1",
    labels: { alertname: p.name },
    annotations: {},
    activeAt: iso(120_000),
    expression: "up == 0",
    source: "http://vmalert.example/vmalert/alert?group_id=1&alert_id=2",
    restored: false,
    stabilizing: false,
    ...p,
  };
}

function rule(
  p: Partial<ApiRule> & Pick<ApiRule, "id" | "name" | "type" | "group_id" | "group_name" | "file">,
): ApiRule {
  return {
    state: p.type === "alerting" ? "inactive" : "",
    query: "up",
    duration: 0,
    keep_firing_for: 0,
    labels: {},
    annotations: {},
    lastError: "",
    evaluationTime: 0.001,
    lastEvaluation: iso(5_000),
    health: "ok",
    datasourceType: "prometheus",
    lastSamples: 1,
    lastSeriesFetched: 1,
    debug: false,
    max_updates_entries: 20,
    ...p,
  };
}

function updates(statuses: { state?: string; error?: string; samples: number }[], stepMs = 30_000): ApiStateEntry[] {
  // Newest first, as the engine returns them.
  return statuses
    .map((s, i) => ({
      time: iso((statuses.length - i) * stepMs),
      at: iso((statuses.length - i) * stepMs + 30_000),
      duration: 1_500_000,
      error: s.error ?? null,
      samples: s.samples,
      series_fetched: s.samples,
      curl: "curl -X POST -H 'Content-Type: application/json' 'http://vm:8428/api/v1/query?query=up'",
      state: s.state,
    }))
    .reverse();
}

export interface FakeData {
  groups: ApiGroup[];
  notifiers: ApiNotifierGroup[];
  reloadError: string;
}

export function fakeData(): FakeData {
  const infra = { group_id: "1001", group_name: "infra", file: "/etc/rules/infra.yml" };
  const apps = { group_id: "2002", group_name: "apps", file: "/etc/rules/apps.yml" };
  const graphite = { group_id: "3003", group_name: "graphite-g", file: "/etc/rules/graphite.yml" };

  const highLoadAlerts = [
    alert({
      id: "9001",
      name: "HighLoad",
      state: "firing",
      rule_id: "11",
      group_id: infra.group_id,
      value: "0.97",
      labels: { alertname: "HighLoad", instance: "web-1", severity: "critical", payload: XSS_LABEL },
      annotations: { summary: `load is high on web-1 ${XSS_ATTR}`, description: XSS_LABEL },
      expression: "load > 0.9",
    }),
    alert({
      id: "9000",
      name: "HighLoad",
      state: "pending",
      rule_id: "11",
      group_id: infra.group_id,
      value: "0.91",
      labels: { alertname: "HighLoad", instance: "web-2", severity: "critical" },
      expression: "load > 0.9",
    }),
  ];

  const groups: ApiGroup[] = [
    {
      name: "infra",
      id: infra.group_id,
      file: infra.file,
      type: "prometheus",
      interval: 30,
      concurrency: 1,
      lastEvaluation: iso(5_000),
      labels: { team: "sre" },
      rules: [
        rule({
          ...infra,
          id: "11",
          name: "HighLoad",
          type: "alerting",
          state: "firing",
          query: "load > 0.9",
          duration: 60,
          labels: { severity: "critical" },
          annotations: { summary: "load is high" },
          evaluationTime: 0.25,
          lastSamples: 2,
          lastSeriesFetched: 2,
          alerts: highLoadAlerts,
          updates: updates([
            { state: "inactive", samples: 0 },
            { state: "inactive", samples: 0 },
            { state: "pending", samples: 1 },
            { state: "firing", samples: 1 },
            { error: "datasource timeout", samples: 0 },
            { state: "firing", samples: 2 },
          ]),
        }),
        rule({
          ...infra,
          id: "12",
          name: "DiskFull",
          type: "alerting",
          query: "disk_free < 0.1",
          duration: 300,
          evaluationTime: 0.002,
          lastSamples: 0,
          lastSeriesFetched: 0,
          labels: { severity: "warning", [XSS_ATTR]: "x" },
          alerts: [],
        }),
        rule({
          ...infra,
          id: "13",
          name: "job:up:sum",
          type: "recording",
          query: "sum(up) by (job)",
          evaluationTime: 0.04,
          lastSamples: 3,
          lastSeriesFetched: 3,
        }),
      ],
    },
    {
      name: "apps",
      id: apps.group_id,
      file: apps.file,
      type: "prometheus",
      interval: 60,
      concurrency: 2,
      lastEvaluation: iso(10_000),
      rules: [
        rule({
          ...apps,
          id: "21",
          name: "AppDown",
          type: "alerting",
          query: 'up{job="app"} == 0',
          health: "err",
          lastError: "<b>boom</b>: bad_data",
          lastSamples: 0,
          lastSeriesFetched: null,
          alerts: [],
        }),
        rule({
          ...apps,
          id: "22",
          name: "app:req:rate",
          type: "recording",
          query: "rate(requests_total[5m])",
          lastSamples: 0,
          lastSeriesFetched: 0,
        }),
      ],
    },
    {
      name: "graphite-g",
      id: graphite.group_id,
      file: graphite.file,
      type: "graphite",
      interval: 60,
      concurrency: 1,
      lastEvaluation: NEVER,
      rules: [
        rule({
          ...graphite,
          id: "31",
          name: "g:rec",
          type: "recording",
          datasourceType: "graphite",
          query: "sumSeries(a.b.*)",
          lastEvaluation: NEVER,
          lastSamples: 5,
        }),
      ],
    },
  ];
  const notifiers: ApiNotifierGroup[] = [
    {
      kind: "static",
      targets: [
        { address: "http://am-1:9093/api/v2/alerts", labels: {}, lastError: "" },
        { address: "http://am-2:9093/api/v2/alerts", labels: { dc: "b" }, lastError: "connection refused" },
      ],
    },
  ];
  return { groups, notifiers, reloadError: "" };
}

export function fakeView(data: FakeData = fakeData()): EngineView {
  const findRule = (gid: string, rid: string) => data.groups.find((g) => g.id === gid)?.rules.find((r) => r.id === rid);
  return {
    groups: () => structuredClone(data.groups).map((g) => ({ ...g, rules: g.rules.map(({ updates: _, ...r }) => r) })),
    rule: (gid, rid) => {
      const r = findRule(gid, rid);
      return r ? structuredClone(r) : undefined;
    },
    alert: (gid, aid) => {
      for (const r of data.groups.find((g) => g.id === gid)?.rules ?? []) {
        const a = r.alerts?.find((x) => x.id === aid);
        if (a) return structuredClone(a);
      }
      return undefined;
    },
    notifiers: () => structuredClone(data.notifiers),
    lastReloadError: () => data.reloadError,
  };
}
