// Alerting end to end: the built tsalert against a real VictoriaMetrics (fed in real time) and two real
// Alertmanagers. An alert goes pending, fires after `for`, reaches both Alertmanagers with rendered
// annotations, external labels and a generatorURL from -external.url, resolves when the value drops, and
// a stopped Alertmanager neither blocks the other nor goes uncounted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiAlert } from "../../src/rule/api.js";
import {
  type AmAlert,
  amAlerts,
  FAST_ARGS,
  type Feeder,
  metricSamples,
  startFeeder,
  type TempDir,
  tempDir,
} from "../helpers/e2e.js";
import { type RunningServer, startAlertmanager, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const RULES = `groups:
  - name: e2e-alerts
    interval: 1s
    rules:
      - alert: HighLoad
        expr: e2e_load > 1000000
        for: 3s
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.room }} draws {{ $value | humanize }}W"
          value: "{{ $value }}"
          rooms: '{{ query "count(e2e_load)" | first | value }}'
          link: "{{ $externalURL }}"
          cluster: "{{ $externalLabels.cluster }}"
`;
const EXTERNAL_URL = "http://tsalert.example:8880";

let vm: RunningServer;
let ams: RunningServer[] = [];
let feeder: Feeder;
let dir: TempDir;
let tsalert: TsalertProcess;

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-alerting");
  vm = await startVictoriaMetrics();
  ams = [await startAlertmanager(), await startAlertmanager()];
  feeder = startFeeder(vm.url);
  feeder.set({ __name__: "e2e_load", room: "a" }, 20);
  feeder.set({ __name__: "e2e_load", room: "b" }, 30);
  await feeder.flush();
  const rules = await dir.write("alerts.yml", RULES);
  tsalert = await startTsalert({
    args: [
      `-rule=${rules}`,
      `-datasource.url=${vm.url}`,
      ...ams.map((am) => `-notifier.url=${am.url}`),
      "-external.label=cluster=e2e",
      "-external.label=replica=r1",
      `-external.url=${EXTERNAL_URL}/`,
      // Firing alerts then carry endsAt 40s ahead: an Alertmanager dropping one sooner got a resolve.
      "-rule.resendDelay=10s",
      ...FAST_ARGS,
    ],
  });
});

afterAll(async () => {
  await tsalert?.stop();
  await feeder?.stop();
  for (const am of ams) await am.stop();
  await vm?.stop();
  await dir?.remove();
});

async function apiAlerts(): Promise<ApiAlert[]> {
  return (await tsalert.get<{ data: { alerts: ApiAlert[] } }>("/api/v1/alerts")).data.alerts;
}

async function apiAlert(room: string): Promise<ApiAlert | undefined> {
  return (await apiAlerts()).find((a) => a.name === "HighLoad" && a.labels.room === room);
}

async function waitForAmAlert(amURL: string, room: string): Promise<AmAlert> {
  let found: AmAlert | undefined;
  await waitFor(
    async () => {
      found = (await amAlerts(amURL, "HighLoad")).find((a) => a.labels.room === room);
      return found !== undefined;
    },
    15_000,
    `Alertmanager ${amURL} to list HighLoad{room="${room}"}`,
  );
  return found as AmAlert;
}

describe("alerting pipeline", () => {
  it("goes pending, fires after `for`, reaches both Alertmanagers, then resolves in both", async () => {
    expect(await apiAlerts()).toEqual([]);
    feeder.set({ __name__: "e2e_load", room: "a" }, 1_500_000);

    let pending: ApiAlert | undefined;
    await waitFor(
      async () => {
        pending = await apiAlert("a");
        return pending !== undefined;
      },
      10_000,
      "HighLoad to appear in the API",
    );
    expect(pending?.state).toBe("pending");
    // Pending alerts stay in tsalert: Alertmanager only hears of firing ones.
    for (const am of ams) expect(await amAlerts(am.url, "HighLoad")).toEqual([]);

    let firing: ApiAlert | undefined;
    await waitFor(
      async () => {
        firing = await apiAlert("a");
        return firing?.state === "firing";
      },
      15_000,
      "HighLoad to fire",
    );
    const alert = firing as ApiAlert;
    // The alert keeps the activeAt of its first pending evaluation; it fired no earlier than `for` after it.
    expect(alert.activeAt).toBe(pending?.activeAt);
    // -external.label is part of the alert's labels already in tsalert, as in vmalert.
    const labels = {
      alertname: "HighLoad",
      alertgroup: "e2e-alerts",
      room: "a",
      severity: "page",
      cluster: "e2e",
      replica: "r1",
    };
    expect(alert.labels).toEqual(labels);
    expect(alert.annotations).toEqual({
      summary: "a draws 1.5MW",
      value: "1.5e+06",
      rooms: "2",
      // $externalURL is the flag's raw value; the generatorURL below is built without the double slash.
      link: `${EXTERNAL_URL}/`,
      cluster: "e2e",
    });

    for (const am of ams) {
      const got = await waitForAmAlert(am.url, "a");
      expect(got.labels).toEqual(labels);
      expect(got.annotations).toEqual(alert.annotations);
      expect(got.status.state).toBe("active");
      expect(Date.parse(got.endsAt) - Date.parse(got.startsAt)).toBeGreaterThanOrEqual(30_000);
      // startsAt is when it began to fire: `for` (3s) after the first pending evaluation at the earliest.
      expect(Date.parse(got.startsAt) - Date.parse(alert.activeAt)).toBeGreaterThanOrEqual(3000);
      const gen = new URL(got.generatorURL);
      expect(`${gen.origin}${gen.pathname}`).toBe(`${EXTERNAL_URL}/vmalert/alert`);
      expect(gen.searchParams.get("group_id")).toBe(alert.group_id);
      expect(gen.searchParams.get("alert_id")).toBe(alert.id);
    }
    // The generatorURL's path is a real page of tsalert's UI.
    const page = await fetch(`${tsalert.url}/vmalert/alert?group_id=${alert.group_id}&alert_id=${alert.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("HighLoad");

    feeder.set({ __name__: "e2e_load", room: "a" }, 10);
    // Gone within 15s, long before the endsAt of the firing sends: tsalert sent the resolve.
    for (const am of ams) {
      await waitFor(
        async () => (await amAlerts(am.url, "HighLoad")).length === 0,
        15_000,
        `Alertmanager ${am.url} to drop the resolved HighLoad`,
      );
    }
    expect(await apiAlert("a")).toBeUndefined();
    const sent = await metricSamples(tsalert.url, "vmalert_alerts_sent_total");
    expect(sent).toHaveLength(2);
    for (const s of sent) expect(s.value).toBeGreaterThan(0);
  });

  it("a stopped Alertmanager does not keep the alert from the other, and its failures are counted", async () => {
    const [healthy, broken] = ams as [RunningServer, RunningServer];
    await broken.stop();
    // addr is the target's (redacted) URL: http://127.0.0.1:<port>/api/v2/alerts.
    const errorsOf = async (am: RunningServer) => {
      const samples = await metricSamples(tsalert.url, "vmalert_alerts_send_errors_total");
      return samples.filter((x) => x.labels.addr === `${am.url}/api/v2/alerts`).reduce((n, x) => n + x.value, 0);
    };
    const before = await errorsOf(broken);

    feeder.set({ __name__: "e2e_load", room: "b" }, 2_000_000);
    const got = await waitForAmAlert(healthy.url, "b");
    expect(got.annotations.summary).toBe("b draws 2MW");
    await waitFor(async () => (await errorsOf(broken)) > before, 10_000, "send errors of the stopped Alertmanager");
    expect(await errorsOf(healthy)).toBe(0);
    const sent = await metricSamples(tsalert.url, "vmalert_alerts_sent_total", {
      addr: `${healthy.url}/api/v2/alerts`,
    });
    expect(sent[0]?.value).toBeGreaterThan(0);
    expect(tsalert.logs()).toContain(`failed to send`);
  });
});
