// -clusterMode tenants inside the engine: each tenant group writes through its own writer, queries with its
// tenant, and labels its results with vm_account_id/vm_project_id.
import { describe, expect, it } from "vitest";
import { createMemoryWriter, type MemoryWriter } from "../../src/remotewrite/memory.js";
import { Engine } from "../../src/rule/engine.js";
import { groupTenant } from "../../src/rule/group.js";
import { alertRule, group, labelMap, makeDeps, recordRule, series, settings } from "./fakes.js";

const MIN = 60_000;

describe("tenants", () => {
  it("each tenant group writes only through its tenant's writer, with the tenant labels", async () => {
    const writers = new Map<string, MemoryWriter>();
    const deps = makeDeps(
      { clusterMode: true },
      {
        writerFor(tenant: string) {
          let w = writers.get(tenant);
          if (!w) {
            w = createMemoryWriter();
            writers.set(tenant, w);
          }
          return w;
        },
      },
    );
    deps.q.set("x", [series({ job: "a" }, 5)]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "t1", tenant: "1", rules: [recordRule({ record: "t1:x", expr: "x" })] }),
      group({ name: "t2", tenant: "2:5", rules: [alertRule({ alert: "T2", expr: "x" })] }),
      group({ name: "plain", rules: [recordRule({ record: "plain:x", expr: "x" })] }),
    ]);
    await deps.clock.advance(2 * MIN);
    await e.stop();

    expect([...writers.keys()].sort()).toEqual(["1", "2:5"]);
    const t1 = writers.get("1")!;
    const t2 = writers.get("2:5")!;
    expect(t1.named("t1:x").length).toBeGreaterThan(0);
    expect(labelMap(t1.named("t1:x")[0])).toMatchObject({ job: "a", vm_account_id: "1", vm_project_id: "0" });
    expect(t1.named("ALERTS")).toHaveLength(0);
    expect(labelMap(t2.named("ALERTS")[0])).toMatchObject({ alertname: "T2", vm_account_id: "2", vm_project_id: "5" });
    expect(t2.named("t1:x")).toHaveLength(0);
    // A group without a tenant (and no -defaultTenant.*) keeps the default writer and no tenant labels.
    expect(labelMap(deps.w.named("plain:x")[0])).not.toHaveProperty("vm_account_id");
    expect(deps.w.named("t1:x")).toHaveLength(0);
    // Queries carry the group's tenant.
    const tenants = deps.q.groups.map((g) => g.tenant ?? "-");
    expect(new Set(tenants)).toEqual(new Set(["1", "2:5", "-"]));
  });

  it("groups without a tenant take -defaultTenant.* of their type, only in cluster mode", () => {
    const s = settings({ clusterMode: true, defaultTenants: { prometheus: "7", graphite: "8:1" } });
    expect(groupTenant(group({ rules: [] }), s)).toBe("7");
    expect(groupTenant(group({ type: "graphite", rules: [] }), s)).toBe("8:1");
    expect(groupTenant(group({ tenant: "3", rules: [] }), s)).toBe("3");
    expect(groupTenant(group({ rules: [] }), { ...s, clusterMode: false })).toBeUndefined();
  });
});
