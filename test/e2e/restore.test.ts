// Restart restore through the real binary: tsalert is killed with SIGKILL mid-`for` and started again,
// once restoring from ALERTS_FOR_STATE in a real VictoriaMetrics (-remoteRead.url) and once from
// -state.path. A pending alert must fire at its original `for` mark, a firing one must stay firing with its
// original start, and a real Alertmanager must never see it resolved. A corrupt state file must not
// keep tsalert from starting.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  importSeries,
  type RunningServer,
  startAlertmanager,
  startVictoriaMetrics,
  waitFor,
} from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const FOR_PENDING_MS = 10_000;
const FOR_FIRING_MS = 2_000;
/** How far into `for` the first process is killed. */
const KILL_AFTER_MS = 6_000;

const RULES = `
groups:
  - name: e2e-restore
    interval: 1s
    rules:
      - alert: E2ERestorePending
        expr: e2e_restore_value > 0
        for: ${FOR_PENDING_MS / 1000}s
      - alert: E2ERestoreFiring
        expr: e2e_restore_value > 0
        for: ${FOR_FIRING_MS / 1000}s
`;

interface ApiAlert {
  state: string;
  name: string;
  activeAt: string;
  restored: boolean;
  labels: Record<string, string>;
}

interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

interface Exported {
  metric: Record<string, string>;
  values: (number | null)[];
  timestamps: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function apiAlert(p: TsalertProcess, name: string): Promise<ApiAlert | undefined> {
  const res = await p.get<{ data: { alerts: ApiAlert[] } }>("/api/v1/alerts");
  return res.data.alerts.find((a) => a.name === name);
}

async function amAlert(am: RunningServer, name: string): Promise<AmAlert | undefined> {
  const res = await fetch(`${am.url}/api/v2/alerts?active=true`);
  const list = (await res.json()) as AmAlert[];
  return list.find((a) => a.labels.alertname === name);
}

async function exportSeries(vm: RunningServer, selector: string): Promise<Exported[]> {
  await fetch(`${vm.url}/internal/force_flush`);
  const res = await fetch(`${vm.url}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`export ${selector}: ${res.status} ${text}`);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Exported);
}

/** Evaluation timestamps (ms) at which `ALERTS{alertname=name, alertstate=state}` was written, sorted. */
async function alertsTimestamps(vm: RunningServer, name: string, state: string): Promise<number[]> {
  const series = await exportSeries(vm, `ALERTS{alertname="${name}",alertstate="${state}"}`);
  const out: number[] = [];
  for (const s of series) {
    s.timestamps.forEach((t, i) => {
      if (s.values[i] === 1) out.push(t);
    });
  }
  return out.sort((a, b) => a - b);
}

/** Instant query through VictoriaMetrics' query API at the current time. */
async function instant(vm: RunningServer, expr: string): Promise<{ value: [number, string] }[]> {
  const res = await fetch(`${vm.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result;
}

/**
 * The source series, one sample per second from a minute ago to three minutes ahead, queryable when this
 * returns. VictoriaMetrics (the Debian build) makes a brand-new series queryable only about 10 s after its
 * first sample, so `preRegister` series get one old sample (outside the 1 h restore lookback) first: like
 * ALERTS_FOR_STATE of a long-lived alert, they exist before the test writes to them.
 */
async function seed(vm: RunningServer, name: string, preRegister: Record<string, string>[] = []): Promise<void> {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const timestamps: number[] = [];
  for (let t = now - 60_000; t <= now + 180_000; t += 1000) timestamps.push(t);
  const old = now - 2 * 3_600_000;
  await importSeries(vm.url, [
    { labels: { __name__: name }, values: timestamps.map(() => 1), timestamps },
    ...preRegister.map((labels) => ({ labels, values: [1], timestamps: [old] })),
  ]);
  await waitFor(async () => (await instant(vm, name)).length > 0, 30_000, `${name} queryable`);
  for (const labels of preRegister) {
    const sel = `${labels.__name__}{${Object.entries(labels)
      .filter(([k]) => k !== "__name__")
      .map(([k, v]) => `${k}="${v}"`)
      .join(",")}}`;
    await waitFor(async () => (await instant(vm, `last_over_time(${sel}[3h])`)).length > 0, 30_000, sel);
  }
}

type Mode = "remoteRead" | "statePath";

describe.each<Mode>(["remoteRead", "statePath"])("SIGKILL and restart with %s", (mode) => {
  let vm: RunningServer;
  let am: RunningServer;
  let dir: string;
  const procs: TsalertProcess[] = [];

  beforeAll(async () => {
    [vm, am] = await Promise.all([startVictoriaMetrics(), startAlertmanager()]);
    dir = await mkdtemp(join(tmpdir(), "tsalert-e2e-restore-"));
    await writeFile(join(dir, "rules.yml"), RULES);
    await seed(
      vm,
      "e2e_restore_value",
      ["E2ERestorePending", "E2ERestoreFiring"].map((alertname) => ({
        __name__: "ALERTS_FOR_STATE",
        alertgroup: "e2e-restore",
        alertname,
      })),
    );
  });
  afterAll(async () => {
    for (const p of procs) await p.kill();
    await Promise.all([vm?.stop(), am?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function args(): string[] {
    return [
      `-rule=${join(dir, "rules.yml")}`,
      `-datasource.url=${vm.url}`,
      // ALERTS land in VictoriaMetrics in both modes: the test reads the firing timestamps from there.
      `-remoteWrite.url=${vm.url}`,
      "-remoteWrite.flushInterval=100ms",
      `-notifier.url=${am.url}`,
      "-rule.evalDelay=0s",
      "-group.maxStartDelay=0s",
      // Alertmanager holds a firing alert for 4 × 2 s after each send: longer than the restart takes.
      "-rule.resendDelay=2s",
      mode === "remoteRead" ? `-remoteRead.url=${vm.url}` : `-state.path=${join(dir, "state.json")}`,
    ];
  }

  it("keeps for progress, firing state and startsAt; Alertmanager never sees a resolve", async () => {
    const first = await startTsalert({ args: args() });
    procs.push(first);

    let activeAt = 0;
    await waitFor(
      async () => {
        const a = await apiAlert(first, "E2ERestorePending");
        if (a?.state !== "pending") return false;
        activeAt = Date.parse(a.activeAt);
        return true;
      },
      20_000,
      "E2ERestorePending pending",
    );
    let startsAt = 0;
    await waitFor(
      async () => {
        const a = await amAlert(am, "E2ERestoreFiring");
        if (!a) return false;
        startsAt = Date.parse(a.startsAt);
        return true;
      },
      20_000,
      "E2ERestoreFiring in Alertmanager",
    );
    expect(startsAt).toBeGreaterThanOrEqual(activeAt + FOR_FIRING_MS);
    if (mode === "remoteRead") {
      // What the restart will read back (activeAt in seconds) must be queryable before the kill.
      await waitFor(
        async () => {
          const r = await instant(vm, `ALERTS_FOR_STATE{alertname="E2ERestorePending"}`);
          return r.some((x) => Number(x.value[1]) === activeAt / 1000);
        },
        10_000,
        "ALERTS_FOR_STATE in VictoriaMetrics",
      );
    }
    const killAt = activeAt + KILL_AFTER_MS;
    if (Date.now() < killAt) await sleep(killAt - Date.now());
    // The alert must still be pending at the kill, or the test would prove nothing about `for` progress.
    expect((await apiAlert(first, "E2ERestorePending"))?.state).toBe("pending");

    // Alertmanager is watched from before the kill until the restarted process has re-sent the alert.
    const seen: (AmAlert | undefined)[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push(await amAlert(am, "E2ERestoreFiring"));
        await sleep(200);
      }
    })();

    const killedAt = Date.now();
    await first.kill();
    const second = await startTsalert({ args: args(), port: first.port });
    procs.push(second);

    let firedSeenAt = 0;
    let restoredPending: ApiAlert | undefined;
    await waitFor(
      async () => {
        const a = await apiAlert(second, "E2ERestorePending");
        if (a?.state === "pending" && a.restored) restoredPending ??= a;
        if (a?.state !== "firing") return false;
        firedSeenAt = Date.now();
        return true;
      },
      30_000,
      "E2ERestorePending firing after the restart",
    );
    await sleep(3000);
    watching = false;
    await watcher;

    // Pending: same activeAt, marked restored, fired at the original `for` mark.
    expect(restoredPending, "the restarted process shows the restored pending alert").toBeDefined();
    expect(Date.parse(restoredPending?.activeAt ?? "")).toBe(activeAt);
    const fired = await apiAlert(second, "E2ERestorePending");
    expect(Date.parse(fired?.activeAt ?? "")).toBe(activeAt);
    const firingTs = await alertsTimestamps(vm, "E2ERestorePending", "firing");
    expect(firingTs.length).toBeGreaterThan(0);
    const firstFiring = firingTs[0] as number;
    // Not early, and well before restart + `for` (which is at least activeAt + 16 s).
    expect(firstFiring - activeAt).toBeGreaterThanOrEqual(FOR_PENDING_MS);
    expect(firstFiring - activeAt).toBeLessThan(KILL_AFTER_MS + FOR_PENDING_MS);
    expect(firedSeenAt).toBeLessThan(killedAt + FOR_PENDING_MS);
    // No firing sample of the first process: the kill came before the `for` mark.
    expect(firstFiring).toBeGreaterThan(killedAt - 1000);

    // Firing: still firing with its activeAt, restored; Alertmanager saw it all along with one startsAt.
    const firing = await apiAlert(second, "E2ERestoreFiring");
    expect(firing?.state).toBe("firing");
    expect(firing?.restored).toBe(true);
    expect(Date.parse(firing?.activeAt ?? "")).toBe(activeAt);
    expect(seen.length).toBeGreaterThan(10);
    for (const a of seen) {
      expect(a, "E2ERestoreFiring is active in Alertmanager at every poll").toBeDefined();
      expect(Date.parse(a?.startsAt ?? "")).toBe(startsAt);
    }
    const after = await amAlert(am, "E2ERestoreFiring");
    expect(Date.parse(after?.startsAt ?? "")).toBe(startsAt);
    expect(Date.parse(after?.endsAt ?? "")).toBeGreaterThan(Date.now());
    // Storage agrees: the firing alert was never pending again after the restart, and ALERTS_FOR_STATE
    // never held another activeAt (not even for the first evaluation of the restarted process).
    const pendingTs = await alertsTimestamps(vm, "E2ERestoreFiring", "pending");
    expect(pendingTs.filter((t) => t > killedAt)).toEqual([]);
    const firingAfter = await alertsTimestamps(vm, "E2ERestoreFiring", "firing");
    expect(firingAfter.filter((t) => t > killedAt).length).toBeGreaterThan(0);
    for (const name of ["E2ERestorePending", "E2ERestoreFiring"]) {
      const forState = await exportSeries(vm, `ALERTS_FOR_STATE{alertname="${name}"}`);
      const values = new Set(
        forState.flatMap((x) => x.values.filter((v, i) => v !== null && (x.timestamps[i] as number) >= activeAt)),
      );
      expect([...values], `${name} ALERTS_FOR_STATE values`).toEqual([activeAt / 1000]);
    }
  }, 90_000);
});

describe("corrupt -state.path file", () => {
  let vm: RunningServer;
  let dir: string;
  let proc: TsalertProcess | undefined;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    dir = await mkdtemp(join(tmpdir(), "tsalert-e2e-corrupt-"));
    await seed(vm, "e2e_corrupt_value");
  });
  afterAll(async () => {
    await proc?.kill();
    await vm?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is reported in the log and ignored: tsalert starts and evaluates", async () => {
    const state = join(dir, "state.json");
    await writeFile(state, '{"version":1,"savedAt":12,"rules":{"x/y":[{"labels":');
    await writeFile(
      join(dir, "rules.yml"),
      "groups:\n  - name: e2e-corrupt\n    interval: 1s\n    rules:\n      - alert: E2ECorrupt\n        expr: e2e_corrupt_value > 0\n        for: 1h\n",
    );
    proc = await startTsalert({
      args: [
        `-rule=${join(dir, "rules.yml")}`,
        `-datasource.url=${vm.url}`,
        "-notifier.blackhole",
        "-rule.evalDelay=0s",
        "-group.maxStartDelay=0s",
        `-state.path=${state}`,
      ],
    });
    const p = proc;
    await waitFor(async () => (await apiAlert(p, "E2ECorrupt"))?.state === "pending", 20_000, "E2ECorrupt pending");
    expect(p.logs()).toContain(`state file "${state}" is corrupt, ignoring it`);
    // The good state written since replaces the corrupt file.
    await waitFor(
      async () => {
        const saved = JSON.parse(await readFile(state, "utf8")) as { rules: Record<string, unknown[]> };
        return Object.keys(saved.rules).length === 1;
      },
      10_000,
      "a good state file",
    );
  }, 60_000);
});
