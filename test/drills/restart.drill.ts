// Drill 6: kill -9 while an iteration's query is in flight, then start again with the same flags, once
// restoring from ALERTS_FOR_STATE (-remoteRead.url) and once from -state.path.
// Expected: pending alerts keep their `for` progress (same activeAt; one due during the outage fires on its
// original schedule, not `for` after the restart), firing alerts stay firing and are re-sent with their
// original startsAt, and Alertmanager never receives a resolution that did not happen.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mib, recordFigures } from "./lib/report.js";
import { killAndRestart, runningArgs } from "./lib/restart.js";
import { type AmPost, debugDump, type Stack, sleep, startStack, waitFor } from "./lib/stack.js";

const FOR_MID_S = 8;
const RULES = `
groups:
  - name: drill-restart
    interval: 1s
    rules:
      - alert: DrillRestartFiring
        expr: drill_value{drill="restart"} > 0
        for: 2s
      - alert: DrillRestartMid
        expr: drill_value{drill="restart"} > 0
        for: ${FOR_MID_S}s
      - alert: DrillRestartPending
        expr: drill_value{drill="restart"} > 0
        for: 1h
`;
const NAMES = ["DrillRestartFiring", "DrillRestartMid", "DrillRestartPending"];

interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

async function amFiring(stack: Stack): Promise<AmAlert | undefined> {
  const res = await fetch(`${stack.alertmanagers[0]?.server.url}/api/v2/alerts?active=true`);
  const list = (await res.json()) as AmAlert[];
  return list.find((a) => a.labels.alertname === "DrillRestartFiring" && Date.parse(a.endsAt) > Date.now());
}

/** Alerts of `name` sent as resolved (endsAt not after the moment of sending). */
function resolvedSent(posts: AmPost[]): number {
  let n = 0;
  for (const p of posts) {
    for (const a of p.alerts) if (NAMES.includes(a.labels.alertname ?? "") && Date.parse(a.endsAt) <= p.at) n++;
  }
  return n;
}

/** startsAt values tsalert sent for `name`, in order. */
function sentStarts(posts: AmPost[], name: string, after = 0): number[] {
  return posts
    .filter((p) => p.at >= after)
    .flatMap((p) => p.alerts.filter((a) => a.labels.alertname === name).map((a) => Date.parse(a.startsAt)));
}

type Mode = "remoteRead" | "statePath";

async function drill(mode: Mode, track: (s: Stack) => void): Promise<void> {
  const stack = await startStack({
    rules: RULES,
    // ALERTS_FOR_STATE reaches VM through remote write; the state file needs none.
    remoteWrite: mode === "remoteRead",
    args: ["-rule.resendDelay=1s"],
  });
  track(stack);
  const extra =
    mode === "remoteRead" ? [`-remoteRead.url=${stack.vm.url}`] : [`-state.path=${join(stack.dir, "state.json")}`];
  // Restart the first process with the mode's flag: a stack cannot take it at start (the dir is created there).
  await killAndRestart(stack, [...(await runningArgs(stack.tsalert)), ...extra]);

  // Queries take 400 ms, so a kill can land in the middle of an iteration.
  let inFlight = 0;
  await stack.datasource.http(async (_req, res, forward) => {
    inFlight++;
    try {
      await sleep(400);
      const a = await forward();
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    } finally {
      inFlight--;
    }
  });
  stack.feeder.set({ __name__: "drill_value", drill: "restart", instance: "a" }, 1);
  await stack.feeder.flush();
  await waitFor(
    async () => (await stack.alerts()).some((a) => a.name === "DrillRestartFiring" && a.state === "firing"),
    20_000,
    "DrillRestartFiring to fire",
  );
  await waitFor(async () => (await amFiring(stack)) !== undefined, 10_000, "Alertmanager to hold the alert");
  if (mode === "remoteRead") {
    await waitFor(
      async () => (await stack.exportSeries('ALERTS_FOR_STATE{alertname=~"DrillRestart.*"}')).length === 3,
      10_000,
      "ALERTS_FOR_STATE in VM",
    );
  } else {
    // Saves follow iterations by about a second (debounced): a kill before that loses the last second.
    await waitFor(
      async () => {
        const text = await readFile(join(stack.dir, "state.json"), "utf8");
        return (text.match(/"state": ?"firing"/g) ?? []).length >= 1 && text.includes("DrillRestartMid");
      },
      10_000,
      "the state file to hold the firing alert",
    );
  }
  const before = await stack.alerts();
  const byName = (list: typeof before, n: string) => list.find((a) => a.name === n);
  const firing = byName(before, "DrillRestartFiring");
  const mid = byName(before, "DrillRestartMid");
  const pending = byName(before, "DrillRestartPending");
  expect(mid?.state, "the kill must come before DrillRestartMid fires").toBe("pending");
  const posts = stack.alertmanagers[0]?.posts ?? [];
  const firstStart = sentStarts(posts, "DrillRestartFiring")[0];
  const amStartsAt = (await amFiring(stack))?.startsAt;
  expect(firstStart).toBeDefined();

  await waitFor(async () => inFlight > 0, 5_000, "a query in flight");
  const killedAt = Date.now();
  // Poll Alertmanager through the restart: the firing alert must not disappear there.
  let amGaps = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      if ((await amFiring(stack).catch(() => undefined)) === undefined) amGaps++;
      await sleep(250);
    }
  })();
  await killAndRestart(stack);
  const upAt = Date.now();

  await waitFor(
    async () => {
      const now = await stack.alerts();
      return NAMES.every((n) => byName(now, n) !== undefined);
    },
    15_000,
    "alerts after the restart",
  );
  const after = await stack.alerts();
  // ALERTS_FOR_STATE holds activeAt in whole seconds; the state file keeps it exactly.
  const tolerance = mode === "remoteRead" ? 1000 : 0;
  const near = (a: string | undefined, b: string | undefined) =>
    Math.abs(Date.parse(a ?? "") - Date.parse(b ?? "")) <= tolerance;
  expect(byName(after, "DrillRestartFiring")?.state).toBe("firing");
  expect(near(byName(after, "DrillRestartFiring")?.activeAt, firing?.activeAt), "firing activeAt kept").toBe(true);
  expect(byName(after, "DrillRestartPending")?.state).toBe("pending");
  expect(near(byName(after, "DrillRestartPending")?.activeAt, pending?.activeAt), "pending activeAt kept").toBe(true);
  expect(near(byName(after, "DrillRestartMid")?.activeAt, mid?.activeAt), "mid activeAt kept").toBe(true);

  // The mid alert fires `for` after its original activeAt, not `for` after the restart.
  const midDue = Date.parse(mid?.activeAt ?? "") + FOR_MID_S * 1000;
  await waitFor(
    async () => byName(await stack.alerts(), "DrillRestartMid")?.state === "firing",
    FOR_MID_S * 1000 + 10_000,
    "DrillRestartMid to fire",
  );
  const midFiredAt = Date.now();
  expect(midFiredAt, "fired on its original schedule").toBeLessThan(Math.max(midDue, upAt) + 4000);
  expect(midFiredAt).toBeLessThan(upAt + FOR_MID_S * 1000);

  // Re-sent after the restart with the original startsAt.
  await waitFor(
    async () => sentStarts(posts, "DrillRestartFiring", upAt).length > 0,
    10_000,
    "a send of the firing alert after the restart",
  );
  for (const s of sentStarts(posts, "DrillRestartFiring", upAt)) {
    expect(Math.abs(s - (firstStart as number)), "startsAt after restart").toBeLessThanOrEqual(tolerance);
  }
  await sleep(2000);
  polling = false;
  await poller;
  expect((await amFiring(stack))?.startsAt).toBe(amStartsAt);
  expect(resolvedSent(posts), "alerts sent as resolved").toBe(0);
  expect(amGaps, "polls where Alertmanager lost the firing alert").toBe(0);

  const mem = await stack.memory().catch(() => ({ hwmKiB: 0 }));
  await recordFigures(`restart-${mode}`, {
    title: `kill -9 and restart (${mode === "remoteRead" ? "-remoteRead.url" : "-state.path"})`,
    alertsLost: amGaps,
    recoverySeconds: (upAt - killedAt) / 1000,
    maxRssMiB: mib(mem.hwmKiB),
    extra: { resolvedSent: resolvedSent(posts), midLateSeconds: Math.max(0, (midFiredAt - midDue) / 1000) },
  });
}

describe("drill 6: kill -9 and restart", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await debugDump(stack);
    await stack?.tsalert.kill();
    await stack?.stop();
    stack = undefined;
  });

  it("restores from ALERTS_FOR_STATE with -remoteRead.url", async () => {
    await drill("remoteRead", (s) => {
      stack = s;
    });
  });

  it("restores from -state.path", async () => {
    await drill("statePath", (s) => {
      stack = s;
    });
  });
});
