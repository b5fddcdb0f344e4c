// -clusterMode tenants: two real VictoriaMetrics instances behind the real vmauth, routed by
// /insert/<tenant>/ and /select/<tenant>/ paths. Single-node VictoriaMetrics does not serve cluster
// paths, so each instance runs with -http.pathPrefix=/insert/<t> and a second vmauth with
// -http.pathPrefix=/select/<t> maps reads onto it; the front vmauth does the tenant routing under test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createQuerierFactory,
  type GroupQuerySettings,
  parseTenant,
  tenantLabels,
  tenantURL,
} from "../../src/datasource/index.js";
import { TsalertError } from "../../src/errors.js";
import { createRestorer } from "../../src/remoteread/index.js";
import { createRemoteWriter, type TimeSeries } from "../../src/remotewrite/index.js";
import { startPrefixedVictoriaMetrics, startVmauth } from "../helpers/remotewrite.js";
import type { RunningServer } from "../helpers/servers.js";
import { captureLogger } from "../remotewrite/log.js";

const TOKEN = "tenant-test-token";
const group: GroupQuerySettings = { type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [] };

describe("tenantURL", () => {
  it("builds vminsert/vmselect tenant URLs from base URLs", () => {
    expect(tenantURL("http://vminsert:8480", "insert", "1")).toBe("http://vminsert:8480/insert/1/prometheus");
    expect(tenantURL("http://vmselect:8481/", "select", "7:3")).toBe("http://vmselect:8481/select/7:3/prometheus");
    expect(tenantURL("https://u:p@proxy/base/", "select", "0")).toBe("https://u:p@proxy/base/select/0/prometheus");
  });
  it("rejects malformed tenants", () => {
    for (const bad of ["", "a", "1:", "1:2:3", "-1", "99999999999", "1 2"]) {
      expect(() => tenantURL("http://x", "insert", bad)).toThrow(TsalertError);
    }
    expect(() => parseTenant("x")).toThrow(/invalid tenant "x": want "accountID\[:projectID\]"/);
  });
  it("gives vmalert enterprise's tenant labels", () => {
    expect(tenantLabels("5")).toEqual({ vm_account_id: "5", vm_project_id: "0" });
    expect(tenantLabels("5:9")).toEqual({ vm_account_id: "5", vm_project_id: "9" });
  });
});

describe("tenants behind real vmauth", () => {
  const servers: RunningServer[] = [];
  let front: RunningServer;
  const vms: Record<string, RunningServer> = {};
  const at = Math.floor(Date.now() / 1000) * 1000 - 60_000;

  beforeAll(async () => {
    const routes: string[] = [];
    for (const t of ["1", "2"]) {
      const vm = await startPrefixedVictoriaMetrics(`/insert/${t}`);
      servers.push(vm);
      vms[t] = vm;
      const sel = await startVmauth(`users:\n  - bearer_token: "${TOKEN}"\n    url_prefix: "${vm.url}/insert/${t}"\n`, [
        `-http.pathPrefix=/select/${t}`,
      ]);
      servers.push(sel);
      routes.push(
        `      - src_paths: ["/insert/${t}/.*"]\n        url_prefix: "${vm.url}"`,
        `      - src_paths: ["/select/${t}/.*"]\n        url_prefix: "${sel.url}"`,
      );
    }
    front = await startVmauth(`users:\n  - bearer_token: "${TOKEN}"\n    url_map:\n${routes.join("\n")}\n`);
    servers.push(front);
  }, 60_000);
  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop();
  });

  function series(name: string, labels: Record<string, string>, value: number): TimeSeries {
    const all: Record<string, string> = { __name__: name, ...labels };
    return {
      labels: Object.keys(all)
        .sort()
        .map((n) => ({ name: n, value: all[n] })),
      samples: [{ value, timestamp: at }],
    };
  }

  async function exported(t: string): Promise<string[]> {
    const vm = vms[t];
    await fetch(`${vm.url}/insert/${t}/internal/force_flush`);
    const res = await fetch(`${vm.url}/insert/${t}/api/v1/export?match[]={__name__!=""}`);
    const text = await res.text();
    expect(res.status).toBe(200);
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const j = JSON.parse(l) as { metric: Record<string, string>; values: number[] };
        return `${j.metric.__name__}{tenant_marker=${j.metric.tenant_marker ?? ""}} ${j.values.join(",")}`;
      })
      .sort();
  }

  it("writes each tenant only to its own instance and restores each tenant's state only", async () => {
    for (const t of ["1", "2"]) {
      const w = createRemoteWriter(
        { url: tenantURL(front.url, "insert", t), client: { bearerToken: TOKEN } },
        captureLogger().logger,
      );
      w.push([
        series("job:errors:rate5m", { tenant_marker: t }, Number(t) * 10),
        series("ALERTS_FOR_STATE", { alertname: "Down", alertgroup: "G", tenant_marker: t }, at / 1000 - Number(t)),
      ]);
      await w.flush();
      await w.close(5_000);
    }
    expect(await exported("1")).toEqual([
      `ALERTS_FOR_STATE{tenant_marker=1} ${at / 1000 - 1}`,
      "job:errors:rate5m{tenant_marker=1} 10",
    ]);
    expect(await exported("2")).toEqual([
      `ALERTS_FOR_STATE{tenant_marker=2} ${at / 1000 - 2}`,
      "job:errors:rate5m{tenant_marker=2} 20",
    ]);

    for (const t of ["1", "2"]) {
      // The datasource querier builds the tenant's /select/<t>/prometheus URL from the base URL.
      const r = createRestorer({ querierFactory: createQuerierFactory({ url: front.url, bearerToken: TOKEN }) });
      const got = await r.restore({
        groupName: "G",
        alertName: "Down",
        ruleLabels: {},
        group: { ...group, tenant: t },
        time: at + 1000,
      });
      expect(got).toEqual([
        { labels: { alertname: "Down", alertgroup: "G", tenant_marker: t }, activeAt: at - Number(t) * 1000 },
      ]);
    }
  });
});
