// Placement: membership flags, rendezvous hashing (balance, minimal movement on resize, replicas on
// distinct members) and placement units (linked groups stay together).
import { describe, expect, it } from "vitest";
import { assign, memberLoads, ownershipChange, ownersOf } from "../../src/cluster/assign.js";
import { type Membership, memberURL, parseMemberNum, parseMembership } from "../../src/cluster/membership.js";
import { rendezvousOwners } from "../../src/cluster/rendezvous.js";
import { groupKey, linkedGroupUnits, singleGroupUnits } from "../../src/cluster/units.js";
import { TsalertError } from "../../src/errors.js";
import { alertRule, group, recordRule } from "../rule/fakes.js";

const members = (count: number, self = 0, replication = 1): Membership => ({
  count,
  self,
  replication,
  urlTemplate: "",
});

function groups(n: number, file = "rules/app.yml") {
  return Array.from({ length: n }, (_, i) =>
    group({ name: `group-${i}`, file, rules: [alertRule({ alert: `A${i}`, expr: `up{i="${i}"} == 0` })] }),
  );
}

function flagError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).code).toBe("TSA_FLAG");
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("membership flags", () => {
  const base = { membersCount: 3, memberNum: "0", replicationFactor: 1, memberURLTemplate: "" };

  it("reads memberNum as a number or as a StatefulSet pod name, as vmagent does", () => {
    expect(parseMemberNum("2", 3)).toBe(2);
    expect(parseMemberNum("tsalert-2", 3)).toBe(2);
    expect(parseMemberNum("my-tsalert-prod-0", 3)).toBe(0);
    expect(parseMembership({ ...base, memberNum: "tsalert-1" }).self).toBe(1);
  });

  it("names the flag and the range of every bad value", () => {
    expect(flagError(() => parseMemberNum("tsalert-3", 3))).toBe(
      'invalid value "tsalert-3" for flag -cluster.memberNum: member 3 is outside 0..2 of -cluster.membersCount=3',
    );
    expect(flagError(() => parseMemberNum("tsalert", 3))).toMatch(/-cluster.memberNum: want a number or a name/);
    expect(flagError(() => parseMemberNum("-1", 3))).toMatch(/-cluster.memberNum/);
    expect(flagError(() => parseMembership({ ...base, membersCount: 0 }))).toMatch(
      /-cluster.membersCount: want 1\.\.1000/,
    );
    expect(flagError(() => parseMembership({ ...base, replicationFactor: 4 }))).toMatch(
      /-cluster.replicationFactor: want 1\.\.3 \(it cannot exceed -cluster.membersCount=3\)/,
    );
    expect(flagError(() => parseMembership({ ...base, replicationFactor: 0 }))).toMatch(/-cluster.replicationFactor/);
    expect(flagError(() => parseMembership({ ...base, memberURLTemplate: "http://tsalert:8880" }))).toMatch(
      /-cluster.memberURLTemplate: it must contain %d/,
    );
    expect(flagError(() => parseMembership({ ...base, memberURLTemplate: "ftp://tsalert-%d:21" }))).toMatch(
      /want an http:\/\/ or https:\/\/ URL/,
    );
  });

  it("keeps credentials of the URL template out of its error", () => {
    const msg = flagError(() => parseMembership({ ...base, memberURLTemplate: "http://user:hunter2pass@tsalert:1" }));
    expect(msg).not.toContain("hunter2pass");
  });

  it("replaces every %d of the URL template", () => {
    expect(memberURL("http://tsalert-%d.tsalert:8880/", 2)).toBe("http://tsalert-2.tsalert:8880");
    expect(memberURL("http://127.0.0.1:1888%d/p%d", 1)).toBe("http://127.0.0.1:18881/p1");
  });
});

describe("rendezvous hashing", () => {
  const keys = Array.from({ length: 6000 }, (_, i) => groupKey({ file: `rules/f${i % 37}.yml`, name: `g${i}` }));

  it("is stable: the same owners for the same key in every process", () => {
    // Fixed expectations: a change of the hash would move groups between members of a running cluster.
    expect(rendezvousOwners(groupKey({ file: "rules/app.yml", name: "group-0" }), 3, 1)).toEqual([0]);
    expect(rendezvousOwners(groupKey({ file: "rules/app.yml", name: "group-1" }), 3, 2)).toEqual([1, 2]);
  });

  it("spreads keys evenly over the members", () => {
    for (const n of [2, 3, 4, 8]) {
      const counts = new Array(n).fill(0);
      for (const k of keys) counts[rendezvousOwners(k, n, 1)[0] as number]++;
      const ideal = keys.length / n;
      for (const c of counts) expect(Math.abs(c - ideal) / ideal).toBeLessThan(0.1);
    }
  });

  it("moves only the keys the new member wins when a member is added (about 1/N)", () => {
    for (const [from, to] of [
      [3, 4],
      [4, 5],
      [8, 9],
    ] as const) {
      let moved = 0;
      for (const k of keys) {
        const a = rendezvousOwners(k, from, 1)[0];
        const b = rendezvousOwners(k, to, 1)[0];
        if (a !== b) {
          moved++;
          expect(b).toBe(to - 1); // never between the members that stay
        }
      }
      const ideal = keys.length / to;
      expect(moved).toBeGreaterThan(ideal / 1.5);
      expect(moved).toBeLessThan(ideal * 1.5);
    }
  });

  it("puts replicas on distinct members, and a replica set changes by one member at most on a resize", () => {
    for (const k of keys.slice(0, 500)) {
      const three = rendezvousOwners(k, 3, 2);
      expect(new Set(three).size).toBe(2);
      const four = rendezvousOwners(k, 4, 2);
      expect(four.filter((m) => !three.includes(m)).length).toBeLessThanOrEqual(1);
    }
  });
});

describe("assignment", () => {
  it("gives every group to exactly R members, and the members' shares add up to all groups", () => {
    const gs = groups(300);
    for (const r of [1, 2, 3]) {
      const all = new Map<string, number>();
      for (let self = 0; self < 3; self++) {
        const a = assign(gs, members(3, self, r));
        for (const g of a.owned) all.set(groupKey(g), (all.get(groupKey(g)) ?? 0) + 1);
        for (const g of gs) expect(ownersOf(a, g).length).toBe(r);
      }
      expect(all.size).toBe(300);
      expect([...all.values()].every((c) => c === r)).toBe(true);
    }
  });

  it("without clustering owns every group and parses nothing", () => {
    const gs = [group({ name: "bad", rules: [alertRule({ alert: "X", expr: "((( not metricsql" })] })];
    const a = assign(gs, members(1), () => {
      throw new Error("units computed");
    });
    expect(a.owned).toEqual(gs);
  });

  it("reports the groups a member gains and loses on a resize, not groups new to or gone from the files", () => {
    const gs = groups(200);
    const before = assign(gs, members(3, 0));
    const after = assign([...gs.slice(1), ...groups(1, "rules/new.yml")], members(4, 0));
    const { gained, lost } = ownershipChange(before, after);
    expect(gained.size).toBe(0); // member 0 only gives groups away when member 3 joins
    expect(lost.size).toBeGreaterThan(0);
    const byKey = new Map(gs.map((g) => [groupKey(g), g]));
    for (const k of lost) expect(ownersOf(after, byKey.get(k) as never)).toEqual([3]);
    expect(lost.has(groupKey(gs[0] as never))).toBe(false);

    // Shrinking from 4 to 3: member 0 takes over part of what member 3 ran, and gives nothing away.
    const shrunk = ownershipChange(assign(gs, members(4, 0)), assign(gs, members(3, 0)));
    expect(shrunk.lost.size).toBe(0);
    expect(shrunk.gained.size).toBeGreaterThan(5);
    for (const k of shrunk.gained) expect(ownersOf(before, byKey.get(k) as never)).toEqual([0]);
    for (const k of shrunk.gained) expect(ownersOf(assign(gs, members(4, 0)), byKey.get(k) as never)).toEqual([3]);
  });

  it("counts groups and rules per member", () => {
    const gs = groups(30);
    const loads = memberLoads(assign(gs, members(3, 0, 2)), gs);
    expect(loads.map((l) => l.member)).toEqual([0, 1, 2]);
    expect(loads.reduce((n, l) => n + l.groups, 0)).toBe(60);
    expect(loads.reduce((n, l) => n + l.rules, 0)).toBe(60);
  });
});

describe("placement units", () => {
  it("keeps a group with the groups whose recording rules it reads", () => {
    const gs = [
      group({ name: "rec", rules: [recordRule({ record: "job:up:sum", expr: "sum(up) by (job)" })] }),
      group({ name: "reader", rules: [alertRule({ alert: "JobDown", expr: "job:up:sum == 0" })] }),
      group({ name: "by-name", rules: [alertRule({ alert: "Y", expr: '{__name__="job:up:sum"} < 1' })] }),
      group({ name: "with", rules: [alertRule({ alert: "W", expr: "WITH (x = job:up:sum) x > 5" })] }),
      group({ name: "alone", rules: [alertRule({ alert: "Z", expr: 'up{job="job:up:sum"} == 0' })] }),
    ];
    const units = linkedGroupUnits(gs);
    expect(units).toHaveLength(2);
    const linked = units.find((u) => u.groups.length > 1);
    expect(linked?.groups.map((g) => g.name)).toEqual(["rec", "reader", "by-name", "with"]);
    // The smallest member key names the unit, whatever the load order.
    expect(linkedGroupUnits([...gs].reverse()).find((u) => u.groups.length > 1)?.key).toBe(linked?.key);
    // Whatever the member count, the linked groups have the same owners.
    for (const n of [2, 3, 5, 7]) {
      const a = assign(gs, members(n));
      const owners = gs.slice(0, 4).map((g) => ownersOf(a, g).join());
      expect(new Set(owners).size).toBe(1);
    }
  });

  it("links ALERTS readers to the group of the alert only when alertname is exact", () => {
    const gs = [
      group({ name: "alerts", rules: [alertRule({ alert: "HighLoad", expr: "load > 1" })] }),
      group({ name: "meta", rules: [alertRule({ alert: "M", expr: 'count(ALERTS{alertname="HighLoad"}) > 3' })] }),
      group({ name: "regex", rules: [alertRule({ alert: "R", expr: 'ALERTS{alertname=~"High.*"}' })] }),
      group({ name: "any", rules: [alertRule({ alert: "N", expr: "count(ALERTS) > 100" })] }),
    ];
    const units = linkedGroupUnits(gs);
    expect(units.map((u) => u.groups.map((g) => g.name))).toEqual([["alerts", "meta"], ["regex"], ["any"]]);
  });

  it("ignores expressions it cannot parse and non-Prometheus groups", () => {
    const gs = [
      group({ name: "rec", rules: [recordRule({ record: "a:b", expr: "sum(x)" })] }),
      group({ name: "broken", rules: [alertRule({ alert: "B", expr: "a:b >" })] }),
      group({ name: "graphite", type: "graphite", rules: [alertRule({ alert: "G", expr: "a:b" })] }),
    ];
    expect(linkedGroupUnits(gs)).toHaveLength(3);
    expect(singleGroupUnits(gs)).toHaveLength(3);
  });
});
