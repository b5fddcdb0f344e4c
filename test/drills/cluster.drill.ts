// Drills 13-14, scaling out (README "Scaling out"): a cluster of three tsalert members on one real
// VictoriaMetrics and two real Alertmanagers clustered with each other.
//   13 "kill a member": kill -9 of a member for the outage, then a restart; with replication factor 1 (what
//      it costs to have no replica) and with 2 (expected: nothing lost, resolved or notified twice).
//   14 "partition one member": member 2 cannot reach the others and they cannot reach it (requests hang),
//      with replication factor 2. Expected: every member keeps evaluating what it owns (static membership,
//      no re-assignment, no split brain), no alert is lost, merged answers come within the peer timeout
//      and name what they lack, and everything shows again within seconds of the heal.
import { afterEach, describe, expect, it } from "vitest";
import { freePortBlock } from "../helpers/cluster.js";
import { type ClusterStack, clusterRules, startClusterStack } from "../helpers/clusterstack.js";
import { exportSeries, sleep } from "../helpers/e2e.js";
import { waitFor } from "../helpers/servers.js";
import { type FaultProxy, startFaultProxy } from "./lib/proxy.js";
import { recordFigures } from "./lib/report.js";
import { outageMs } from "./lib/stack.js";

const ALERTS = 12;
const RECORDS = 4;
const FIRING = Array.from({ length: ALERTS }, (_, i) => `Alert${i}`);
const SETTLE_MS = 45_000;
/** -cluster.peerTimeout of the stack (2s) plus room for a loaded machine. */
const MERGED_ANSWER_BOUND_MS = 4_500;
/**
 * The groups' interval. Samples carry the evaluation time aligned to it, so deduplicated samples further
 * apart than this mean an evaluation no member made.
 */
const INTERVAL_MS = 1_000;

let stack: ClusterStack | undefined;
const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.stop();
  await stack?.stop();
  stack = undefined;
});

async function startStack(templateFor?: Parameters<typeof startClusterStack>[0]["templateFor"]) {
  stack = await startClusterStack({ rules: clusterRules(ALERTS, RECORDS), maxMembers: 3, templateFor });
  for (let i = 0; i < ALERTS; i++) stack.feeder.set({ __name__: "cluster_test_value", group: String(i) }, 1);
  return stack;
}

async function allFiring(s: ClusterStack): Promise<void> {
  await waitFor(
    async () => {
      const am = await s.amAlerts(0);
      return FIRING.every((n) => am.has(n) && s.sink.count(n, "firing") >= 1);
    },
    SETTLE_MS,
    "every alert firing and notified",
  );
}

interface Watch {
  polls: number;
  /** Alert names Alertmanager lacked in some poll. */
  lost: Set<string>;
  mergedMaxMs: number;
  stop(): Promise<void>;
}

/** Polls Alertmanager 0 and the merged API of member `k` every 300 ms. */
function watch(s: ClusterStack, k: number, onMerged?: (d: Awaited<ReturnType<ClusterStack["merged"]>>) => void): Watch {
  let running = true;
  const w: Watch = {
    polls: 0,
    lost: new Set(),
    mergedMaxMs: 0,
    async stop() {
      running = false;
      await loop;
    },
  };
  const loop = (async () => {
    while (running) {
      const am = await s.amAlerts(0).catch(() => undefined);
      if (am) {
        w.polls++;
        for (const n of FIRING) if (!am.has(n)) w.lost.add(n);
      }
      const t0 = Date.now();
      const merged = await s.merged(k).catch(() => undefined);
      w.mergedMaxMs = Math.max(w.mergedMaxMs, Date.now() - t0);
      if (merged) onMerged?.(merged);
      await sleep(300);
    }
  })();
  return w;
}

/** The longest gap between deduplicated samples of the `records-<i>` groups named (all by default). */
async function maxRecordingGap(s: ClusterStack, from: number, to: number, groups?: string[]): Promise<number> {
  await fetch(`${s.vm.url}/internal/force_flush`);
  let gap = 0;
  for (const x of await exportSeries(s.vm.url, "cluster:rec")) {
    if (groups && !groups.includes(`records-${x.metric.rec}`)) continue;
    const ts = x.timestamps.filter((t) => t >= from && t <= to);
    for (let i = 1; i < ts.length; i++) gap = Math.max(gap, (ts[i] as number) - (ts[i - 1] as number));
  }
  return gap;
}

/** The member that owns the most alert groups: killing it hurts most. */
async function busiestMember(s: ClusterStack): Promise<number> {
  const shares = await Promise.all([0, 1, 2].map((k) => s.evaluatedGroups(k)));
  const alerts = shares.map((g) => g.filter((n) => n.startsWith("alerts-")).length);
  return alerts.indexOf(Math.max(...alerts));
}

describe("drill 13: kill a member", () => {
  for (const replication of [1, 2]) {
    it(`replication factor ${replication}`, async () => {
      const s = await startStack();
      for (let k = 0; k < 3; k++) await s.start(k, { count: 3, replication });
      await allFiring(s);
      await waitFor(
        async () => (await Promise.all([0, 1, 2].map((k) => s.evaluatedGroups(k)))).every((g) => g.length > 0),
        SETTLE_MS,
        "every member evaluating",
      );
      const victim = await busiestMember(s);
      const victimRecords = (await s.evaluatedGroups(victim)).filter((g) => g.startsWith("records-"));
      const witness = (victim + 1) % 3;
      // Every activeAt the members hold before the kill: replicas that started together may differ by an
      // evaluation (each saw the series first on its own), and a restore takes one of them.
      const activeAt = new Map<string, Set<string>>();
      for (let k = 0; k < 3; k++) {
        for (const a of await s.localAlerts(k))
          activeAt.set(a.name, (activeAt.get(a.name) ?? new Set()).add(a.activeAt));
      }
      const startsAt = await s.amAlerts(0);
      let missingDuringOutage = 0;
      let victimShownUnreachable = false;
      const w = watch(s, witness, (d) => {
        if (d.cluster?.members[victim]?.state !== "unreachable") return;
        victimShownUnreachable = true;
        missingDuringOutage = Math.max(missingDuringOutage, d.cluster.missing_groups.length);
      });
      const killedAt = Date.now();
      await s.member(victim).kill();
      const outage = outageMs();
      await sleep(outage);
      const restartedAt = Date.now();
      await s.start(victim, { count: 3, replication });
      await waitFor(
        async () => {
          const am = await s.amAlerts(0);
          return FIRING.every((n) => am.has(n)) && (await s.evaluatedGroups(victim)).length > 0;
        },
        SETTLE_MS,
        "the member back and every alert in Alertmanager",
      );
      const recoverySeconds = (Date.now() - restartedAt) / 1000;
      await sleep(4_000);
      await w.stop();
      const gapMs = await maxRecordingGap(s, killedAt - 3_000, Date.now() - 3_000);
      const victimGapMs = await maxRecordingGap(s, killedAt - 3_000, Date.now() - 3_000, victimRecords);
      const resolved = FIRING.filter((a) => s.sink.count(a, "resolved") > 0).length;
      const renotified = FIRING.filter((a) => s.sink.count(a, "firing") > 1).length;
      const back = await s.localAlerts(victim);
      const restored = back.filter((a) => a.restored && activeAt.get(a.name)?.has(a.activeAt));
      if (restored.length !== back.length)
        console.log("not restored:", JSON.stringify(back), JSON.stringify([...activeAt].map(([k, v]) => [k, [...v]])));
      const victimAlerts = back.length;
      const am = await s.amAlerts(0);
      const startsKept = FIRING.filter((n) => am.get(n)?.startsAt === startsAt.get(n)?.startsAt).length;

      await recordFigures(`cluster-kill-r${replication}`, {
        title: `kill -9 of a cluster member, replication factor ${replication}`,
        outageSeconds: outage / 1000,
        alertsLost: w.lost.size,
        recoverySeconds,
        extra: {
          alertsResolved: resolved,
          alertsNotifiedTwice: renotified,
          recordingMaxGapSeconds: gapMs / 1000,
          victimRecordingGroups: victimRecords.length,
          groupsMissingFromMergedView: missingDuringOutage,
          mergedAnswerMaxSeconds: w.mergedMaxMs / 1000,
          restoredOnReturn: `${restored.length}/${victimAlerts}`,
          startsAtKept: `${startsKept}/${FIRING.length}`,
        },
      });

      // Whatever R: the merged view never hangs on the dead member and names it; the returning member
      // restores its alerts with their original activeAt; Alertmanager keeps startsAt.
      expect(victimShownUnreachable).toBe(true);
      expect(w.mergedMaxMs).toBeLessThan(MERGED_ANSWER_BOUND_MS);
      expect(victimAlerts).toBeGreaterThan(0);
      expect(restored).toHaveLength(victimAlerts);
      if (replication === 1) {
        // No replica: the dead member's groups are named as missing and not evaluated meanwhile.
        expect(missingDuringOutage).toBeGreaterThan(0);
        if (victimRecords.length > 0) expect(victimGapMs).toBeGreaterThan(outage / 2);
      } else {
        expect(missingDuringOutage).toBe(0);
        expect(w.lost.size).toBe(0);
        expect(resolved).toBe(0);
        expect(renotified).toBe(0);
        expect(startsKept).toBe(FIRING.length);
        expect(gapMs, "longest gap between recording samples, ms").toBeLessThanOrEqual(INTERVAL_MS);
      }
    });
  }
});

describe("drill 14: partition one member from the others", () => {
  it("replication factor 2: nobody stops evaluating, nothing is lost, merged answers stay bounded", async () => {
    // Members 0 and 1 reach every member through proxy set A, member 2 through set B: hanging A's proxy of
    // member 2 and B's proxies of 0 and 1 cuts member 2 off in both directions.
    const a = await freePortBlock(3);
    const b = await freePortBlock(3);
    const s = await startStack((k) => (k === 2 ? b.template : a.template));
    const setA: FaultProxy[] = [];
    const setB: FaultProxy[] = [];
    for (let k = 0; k < 3; k++) {
      setA.push(await startFaultProxy(`127.0.0.1:${s.block.port(k)}`, a.port(k)));
      setB.push(await startFaultProxy(`127.0.0.1:${s.block.port(k)}`, b.port(k)));
    }
    proxies.push(...setA, ...setB);
    for (let k = 0; k < 3; k++) await s.start(k, { count: 3, replication: 2 });
    await allFiring(s);
    const healthy = async (k: number) => {
      const d = await s.merged(k);
      return (
        d.cluster?.members.every((m) => m.state !== "unreachable") === true && d.cluster.missing_groups.length === 0
      );
    };
    await waitFor(async () => (await healthy(0)) && (await healthy(2)), SETTLE_MS, "the merged views complete");
    const owned = await Promise.all([0, 1, 2].map((k) => s.evaluatedGroups(k)));
    const iterations = async (k: number) =>
      (await s.metrics(k)).filter((m) => m.name === "vmalert_iteration_total").reduce((n, m) => n + m.value, 0);
    const before = await Promise.all([0, 1, 2].map(iterations));

    let seenFrom0 = false;
    let seenFrom2 = false;
    let missingFrom2 = -1;
    const w0 = watch(s, 0, (d) => {
      if (d.cluster?.members[2]?.state === "unreachable" && d.cluster.missing_groups.length === 0) seenFrom0 = true;
    });
    const w2 = watch(s, 2, (d) => {
      if (d.cluster?.members[0]?.state === "unreachable" && d.cluster.members[1]?.state === "unreachable") {
        seenFrom2 = true;
        missingFrom2 = d.cluster.missing_groups.length;
      }
    });
    const outage = outageMs();
    await Promise.all([setA[2]?.hang(), setB[0]?.hang(), setB[1]?.hang()]);
    await sleep(outage);
    const during = await Promise.all([0, 1, 2].map(iterations));
    const peerUp = (await s.metrics(0)).find((m) => m.name === "vmalert_cluster_peer_up" && m.labels.member === "2");
    const peerErrors = (await s.metrics(0)).find(
      (m) => m.name === "vmalert_cluster_peer_errors_total" && m.labels.member === "2",
    );
    await Promise.all([setA[2]?.pass(), setB[0]?.pass(), setB[1]?.pass()]);
    const healedAt = Date.now();
    await waitFor(async () => (await healthy(0)) && (await healthy(2)), SETTLE_MS, "the merged views complete again");
    const recoverySeconds = (Date.now() - healedAt) / 1000;
    await w0.stop();
    await w2.stop();
    const ownedAfter = await Promise.all([0, 1, 2].map((k) => s.evaluatedGroups(k)));
    const resolved = FIRING.filter((x) => s.sink.count(x, "resolved") > 0).length;
    const renotified = FIRING.filter((x) => s.sink.count(x, "firing") > 1).length;
    // Groups member 2 does not run: what its view cannot show while cut off.
    const notOn2 = 16 - (owned[2]?.length ?? 0);

    await recordFigures("cluster-partition", {
      title: "one member partitioned from the others (R=2)",
      outageSeconds: outage / 1000,
      alertsLost: new Set([...w0.lost, ...w2.lost]).size,
      recoverySeconds,
      extra: {
        alertsResolved: resolved,
        alertsNotifiedTwice: renotified,
        mergedAnswerMaxSeconds: Math.max(w0.mergedMaxMs, w2.mergedMaxMs) / 1000,
        iterationsDuringPartition: during.map((n, k) => n - (before[k] as number)).join("/"),
        groupsMissingInPartitionedView: missingFrom2,
      },
    });

    expect(seenFrom0).toBe(true);
    expect(seenFrom2).toBe(true);
    expect(missingFrom2).toBe(notOn2);
    expect(Math.max(w0.mergedMaxMs, w2.mergedMaxMs)).toBeLessThan(MERGED_ANSWER_BOUND_MS);
    // Static membership: the partition moves nothing, and every member kept evaluating all it owns.
    expect(ownedAfter).toEqual(owned);
    for (let k = 0; k < 3; k++) {
      const perGroup = ((during[k] as number) - (before[k] as number)) / (owned[k]?.length ?? 1);
      expect(perGroup, `member ${k}`).toBeGreaterThan((outage / 1000) * 0.7);
    }
    expect(peerUp?.value).toBe(0);
    expect(peerErrors?.value).toBeGreaterThan(0);
    expect(w0.lost.size + w2.lost.size).toBe(0);
    expect(resolved).toBe(0);
    expect(renotified).toBe(0);
  });
});
