// Scaling out on the real components (README "Scaling out"): tsalert members (the built binary) sharing
// 30 groups through -cluster.*, one real VictoriaMetrics (-dedup.minScrapeInterval), two real Alertmanagers
// clustered with each other and notifying a webhook sink, all on loopback.
import { afterEach, describe, expect, it } from "vitest";
import { rendezvousOwners } from "../../src/cluster/rendezvous.js";
import { groupKey } from "../../src/cluster/units.js";
import { type ClusterStack, clusterRules, startClusterStack } from "../helpers/clusterstack.js";
import { exportSeries, sleep } from "../helpers/e2e.js";
import { waitFor } from "../helpers/servers.js";

const ALERTS = 24;
const RECORDS = 6;
const GROUPS = ALERTS + RECORDS;
/** Even alert groups fire. */
const FIRING = Array.from({ length: ALERTS }, (_, i) => i).filter((i) => i % 2 === 0);
const FIRING_NAMES = FIRING.map((i) => `Alert${i}`);
const ALL_GROUPS = [
  ...Array.from({ length: ALERTS }, (_, i) => `alerts-${String(i).padStart(2, "0")}`),
  ...Array.from({ length: RECORDS }, (_, i) => `records-${i}`),
].sort();
/** Generous bounds for a shared 2-core machine. */
const SETTLE_MS = 45_000;
/** The groups' evaluation interval. */
const INTERVAL_MS = 1_000;
/**
 * Replicas stamp a recording sample with the evaluation time aligned to the interval (`eval_alignment`), so
 * the deduplicated series has one sample per interval; a longer gap is an evaluation no member made.
 */
const MAX_RECORDING_GAP_MS = INTERVAL_MS;

let stack: ClusterStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function startStack(maxMembers: number): Promise<ClusterStack> {
  stack = await startClusterStack({ rules: clusterRules(ALERTS, RECORDS), maxMembers });
  for (const i of FIRING) stack.feeder.set({ __name__: "cluster_test_value", group: String(i) }, 1);
  return stack;
}

/** Both Alertmanagers hold every firing alert, and the webhook got each one. */
async function allFiring(s: ClusterStack): Promise<void> {
  await waitFor(
    async () => {
      for (let i = 0; i < 2; i++) {
        const am = await s.amAlerts(i);
        if (!FIRING_NAMES.every((n) => am.has(n))) return false;
      }
      return FIRING_NAMES.every((n) => s.sink.count(n, "firing") >= 1);
    },
    SETTLE_MS,
    "every firing alert in both Alertmanagers and notified",
  );
}

interface AlertmanagerWatch {
  polls: number;
  /** `<time> <alertname>` for every poll that lacked a firing alert. */
  missing: string[];
  /** `<time> <alertname> x<n>` for every poll that held an alert more than once (dedup failed). */
  duplicated: string[];
}

/** Polls Alertmanager 0 every 250 ms until stopped: firing alerts missing, and alerts held twice. */
function watchAlertmanager(s: ClusterStack): { stop(): Promise<AlertmanagerWatch> } {
  let running = true;
  const w: AlertmanagerWatch = { polls: 0, missing: [], duplicated: [] };
  const loop = (async () => {
    while (running) {
      const am = await s.amAlerts(0).catch(() => undefined);
      if (am) {
        w.polls++;
        const at = new Date().toISOString();
        for (const n of FIRING_NAMES) if (!am.has(n)) w.missing.push(`${at} ${n}`);
        for (const [n, a] of am) if (a.copies > 1) w.duplicated.push(`${at} ${n} x${a.copies}`);
      }
      await sleep(250);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return w;
    },
  };
}

/** Member k's merged API lists every group exactly once, none missing. */
async function expectWholeView(s: ClusterStack, k: number): Promise<void> {
  const merged = await s.merged(k);
  expect(merged.groups.map((g) => g.name).sort(), `member ${k}'s merged view`).toEqual(ALL_GROUPS);
  expect(merged.cluster?.missing_groups ?? [], `member ${k}'s missing groups`).toEqual([]);
}

function expectNotifiedOnce(s: ClusterStack): void {
  for (const n of FIRING_NAMES) {
    expect(s.sink.count(n, "firing"), `${n} firing notifications`).toBe(1);
    expect(s.sink.count(n, "resolved"), `${n} resolved notifications`).toBe(0);
  }
}

describe("3 members, replication factor 1", () => {
  it("every group runs on exactly one member, and any member's merged API lists all 30 once", async () => {
    const s = await startStack(3);
    for (let k = 0; k < 3; k++) await s.start(k, { count: 3 });
    await allFiring(s);
    await waitFor(
      async () => (await Promise.all([0, 1, 2].map((k) => s.evaluatedGroups(k)))).flat().length === GROUPS,
      SETTLE_MS,
      "every group evaluated",
    );
    const shares = await Promise.all([0, 1, 2].map((k) => s.evaluatedGroups(k)));
    expect(shares.flat().sort()).toEqual(ALL_GROUPS);
    expect(new Set(shares.flat()).size).toBe(GROUPS);
    for (let k = 0; k < 3; k++) {
      expect(shares[k]?.length).toBeGreaterThan(0);
      const owned = (await s.metrics(k)).find((m) => m.name === "vmalert_cluster_owned_groups");
      expect(owned?.value).toBe(shares[k]?.length);
      const merged = await s.merged(k);
      expect(merged.groups.map((g) => g.name).sort()).toEqual(ALL_GROUPS);
      for (const g of merged.groups) {
        const owner = shares.findIndex((share) => share.includes(g.name));
        expect(g.owners, g.name).toEqual([owner]);
      }
      expect(merged.cluster?.members.map((m) => m.state)).toEqual([0, 1, 2].map((i) => (i === k ? "self" : "ok")));
    }
    expectNotifiedOnce(s);
  }, 120_000);
});

describe("3 members, replication factor 2", () => {
  it("kill -9 of a member: no alert resolves, no recording sample is missed, and its return notifies nothing new", async () => {
    const s = await startStack(3);
    for (let k = 0; k < 3; k++) await s.start(k, { count: 3, replication: 2 });
    await allFiring(s);
    const startsAt = await s.amAlerts(0);
    const watch = watchAlertmanager(s);
    await sleep(3_000);
    const killedAt = Date.now();
    await s.member(1).kill();
    // Longer than Alertmanager's endsAt (4 evaluation intervals) and than a resend: the replicas must carry it.
    await sleep(5_000);
    // Every group has a live replica, so the survivors' merged views still show all of them, once.
    for (const k of [0, 2]) {
      await expectWholeView(s, k);
      expect((await s.merged(k)).cluster?.members[1]?.state, `member ${k} sees member 1`).toBe("unreachable");
    }
    await sleep(5_000);
    const p = await s.start(1, { count: 3, replication: 2 });
    await waitFor(async () => (await s.evaluatedGroups(1)).length > 0, SETTLE_MS, "member 1 evaluating again");
    await sleep(6_000);
    const { polls, missing, duplicated } = await watch.stop();
    const endedAt = Date.now();

    expect(polls).toBeGreaterThan(40);
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    for (let k = 0; k < 3; k++) await expectWholeView(s, k);
    const after = await s.amAlerts(0);
    for (const n of FIRING_NAMES) expect(after.get(n)?.startsAt, n).toBe(startsAt.get(n)?.startsAt);
    expectNotifiedOnce(s);

    // The member that came back restored its alerts: firing, with an activeAt a replica holds (replicas that
    // started together may differ by an evaluation: each saw the series first on its own).
    const mine = await s.localAlerts(1);
    expect(mine.length).toBeGreaterThan(0);
    const others = [...(await s.localAlerts(0)), ...(await s.localAlerts(2))];
    for (const a of mine) {
      expect(a.state, a.name).toBe("firing");
      expect(a.restored, a.name).toBe(true);
      const twins = others.filter((o) => o.id === a.id && o.group_id === a.group_id).map((o) => o.activeAt);
      expect(twins, a.name).toContain(a.activeAt);
    }
    expect(p.logs()).not.toMatch(/level=error|\terror\t/);

    // Recording rules: one deduplicated sample per evaluation, no gap across the kill.
    await fetch(`${s.vm.url}/internal/force_flush`);
    const series = await exportSeries(s.vm.url, "cluster:rec");
    expect(series).toHaveLength(RECORDS);
    for (const x of series) {
      const ts = x.timestamps.filter((t) => t >= killedAt - 5_000 && t <= endedAt - 3_000);
      expect(new Set(ts).size).toBe(ts.length);
      expect(ts.length).toBeGreaterThan(15);
      let maxGap = 0;
      for (let i = 1; i < ts.length; i++) maxGap = Math.max(maxGap, (ts[i] as number) - (ts[i - 1] as number));
      expect(maxGap, `rec=${x.metric.rec}: longest gap between samples, ms`).toBeLessThanOrEqual(MAX_RECORDING_GAP_MS);
    }
  }, 150_000);
});

describe("rolling change from 3 to 4 members", () => {
  it("moves exactly the groups the new member wins (a quarter on average); moved groups restore and keep startsAt", async () => {
    const s = await startStack(4);
    for (let k = 0; k < 3; k++) await s.start(k, { count: 3 });
    await allFiring(s);
    const before = await s.merged(0);
    const activeAt = new Map<string, string>();
    for (const g of before.groups)
      for (const r of g.rules) for (const a of r.alerts ?? []) activeAt.set(a.name, a.activeAt);
    const startsAt = await s.amAlerts(0);
    const watch = watchAlertmanager(s);

    // The new member first, then each old member restarted with the new count, one at a time.
    await s.start(3, { count: 4 });
    for (let k = 0; k < 3; k++) {
      await s.start(k, { count: 4 });
      await sleep(1_000);
    }
    await waitFor(async () => (await s.evaluatedGroups(3)).length > 0, SETTLE_MS, "member 3 evaluating");
    await sleep(5_000);
    const { missing, duplicated } = await watch.stop();

    for (let k = 0; k < 4; k++) await expectWholeView(s, k);
    const after = await s.merged(1);
    expect(after.groups).toHaveLength(GROUPS);
    expect(after.cluster?.members.map((m) => m.state)).toEqual(["ok", "self", "ok", "ok"]);
    const ownerBefore = new Map(before.groups.map((g) => [g.name, g.owners?.[0]]));
    const moved = after.groups.filter((g) => g.owners?.[0] !== ownerBefore.get(g.name));
    // Rendezvous hashing: only the groups the new member wins move, none between the old members.
    for (const g of moved) expect(g.owners).toEqual([3]);
    for (const g of after.groups) {
      expect(g.owners).toEqual(rendezvousOwners(groupKey({ file: s.rulesFile, name: g.name }), 4, 1));
    }
    // Exactly the groups whose rendezvous winner changes from 3 to 4 members move. How many that is
    // depends on the rule file's (temporary) path, a quarter on average: the bound over many keys is
    // test/cluster's, a bound here would fail by chance in about one run of seven.
    const shouldMove = ALL_GROUPS.filter((name) => {
      const key = groupKey({ file: s.rulesFile, name });
      return rendezvousOwners(key, 3, 1)[0] !== rendezvousOwners(key, 4, 1)[0];
    });
    expect(moved.map((g) => g.name).sort()).toEqual(shouldMove);
    expect((await s.evaluatedGroups(3)).sort()).toEqual(moved.map((g) => g.name).sort());

    // Moved alerts were restored on member 3 with their original activeAt; nothing resolved or re-notified.
    const movedFiring = moved.flatMap((g) => g.rules.flatMap((r) => r.alerts ?? []));
    expect(movedFiring.length).toBeGreaterThan(0);
    const onNew = await s.localAlerts(3);
    for (const a of movedFiring) {
      const mine = onNew.find((x) => x.id === a.id);
      expect(mine?.restored, a.name).toBe(true);
      expect(mine?.state, a.name).toBe("firing");
      expect(mine?.activeAt, a.name).toBe(activeAt.get(a.name));
    }
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    const am = await s.amAlerts(0);
    for (const n of FIRING_NAMES) expect(am.get(n)?.startsAt, n).toBe(startsAt.get(n)?.startsAt);
    expectNotifiedOnce(s);
  }, 180_000);
});

describe("a reload that links groups", () => {
  it("moves the group to its partner's member: restored there, handed off here, nothing resolved", async () => {
    stack = await startClusterStack({ rules: "groups: []\n", maxMembers: 2 });
    const s = stack;
    s.feeder.set({ __name__: "cluster_test_value", group: "0" }, 1);
    // Names for which the recorder and the watcher run on different members, and the watcher's key is the
    // larger one: once linked, the unit is named by the recorder's key and the watcher moves to it.
    let recorder = "";
    let watcher = "";
    for (let i = 0; !watcher; i++) {
      const r = `recorder-${i}`;
      const w = `watcher-${i}`;
      const kr = groupKey({ file: s.rulesFile, name: r });
      const kw = groupKey({ file: s.rulesFile, name: w });
      if (kr < kw && rendezvousOwners(kr, 2, 1)[0] !== rendezvousOwners(kw, 2, 1)[0]) {
        recorder = r;
        watcher = w;
      }
    }
    const rules = (linked: boolean) => `groups:
  - name: ${recorder}
    interval: 1s
    rules:
      - record: cluster:linked:sum
        expr: sum(cluster_test_value)
  - name: ${watcher}
    interval: 1s
    rules:
      - alert: WatchFiring
        expr: cluster_test_value{group="0"} > 0
        for: 2s
${linked ? "      - alert: LinkedLow\n        expr: cluster:linked:sum < 0\n" : ""}`;
    await s.writeRules(rules(false));
    for (let k = 0; k < 2; k++) await s.start(k, { count: 2 });
    const from = rendezvousOwners(groupKey({ file: s.rulesFile, name: watcher }), 2, 1)[0] as number;
    const to = 1 - from;
    await waitFor(async () => s.sink.count("WatchFiring", "firing") === 1, SETTLE_MS, "WatchFiring notified");
    const before = (await s.localAlerts(from)).find((a) => a.name === "WatchFiring");
    const startsAt = (await s.amAlerts(0)).get("WatchFiring")?.startsAt;
    expect(before?.state).toBe("firing");

    await s.writeRules(rules(true));
    const reloads = await Promise.all([0, 1].map((k) => fetch(`${s.member(k).url}/-/reload`, { method: "POST" })));
    expect(reloads.map((r) => r.status)).toEqual([200, 200]);
    await waitFor(
      async () => (await s.evaluatedGroups(to)).includes(watcher) && !(await s.evaluatedGroups(from)).includes(watcher),
      SETTLE_MS,
      "the watcher on its partner's member",
    );
    await sleep(4_000);
    const moved = (await s.localAlerts(to)).find((a) => a.name === "WatchFiring");
    expect(moved).toMatchObject({ state: "firing", restored: true, activeAt: before?.activeAt });
    expect((await s.amAlerts(0)).get("WatchFiring")?.startsAt).toBe(startsAt);
    expect(s.sink.count("WatchFiring", "firing")).toBe(1);
    expect(s.sink.count("WatchFiring", "resolved")).toBe(0);
    const counter = async (k: number, name: string) => (await s.metrics(k)).find((m) => m.name === name)?.value;
    expect(await counter(to, "vmalert_cluster_groups_gained_total")).toBe(1);
    expect(await counter(from, "vmalert_cluster_groups_lost_total")).toBe(1);
    expect(s.member(to).logs()).toContain(
      "cluster: 1 group moved here (alerts restored), 0 groups moved to other members",
    );
  }, 120_000);
});
