// Drill 4: one of two Alertmanagers is down (connections refused, 12 s; 60 s with --long), then answers
// 500, then hangs, then is slow. Alerts fire and resolve meanwhile. Expected: the healthy Alertmanager gets every
// change on time; the failing one gets the firing alerts after it recovers (re-sent by -rule.resendDelay)
// and the resolutions that happened meanwhile; evaluation is never held up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mib, recordFigures } from "./lib/report.js";
import { type AmPost, debugDump, outageMs, type Stack, sleep, startStack, waitFor } from "./lib/stack.js";

const RESEND_MS = 2000;

const RULES = `
groups:
  - name: drill-am
    interval: 1s
    rules:
      - alert: DrillAm
        expr: drill_am_value > 0
`;

interface Delivery {
  firing: boolean;
  at: number;
}

/** The latest state of alert `id` an Alertmanager accepted (2xx) at or after `since`. */
function delivered(posts: AmPost[], id: string, since = 0): Delivery | undefined {
  let out: Delivery | undefined;
  for (const p of posts) {
    if (p.at < since || p.status < 200 || p.status >= 300) continue;
    for (const a of p.alerts) {
      if (a.labels.alertname !== "DrillAm" || a.labels.id !== id) continue;
      out = { firing: Date.parse(a.endsAt) > p.at, at: p.at };
    }
  }
  return out;
}

/** First accepted post at or after `since` carrying alert `id` in the wanted state. */
function firstDelivery(posts: AmPost[], id: string, firing: boolean, since: number): number | undefined {
  for (const p of posts) {
    if (p.at < since || p.status < 200 || p.status >= 300) continue;
    if (p.alerts.some((a) => a.labels.id === id && Date.parse(a.endsAt) > p.at === firing)) return p.at;
  }
  return undefined;
}

async function amActiveIDs(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v2/alerts?active=true&silenced=true&inhibited=true`);
  const list = (await res.json()) as { labels: Record<string, string>; endsAt: string }[];
  return list
    .filter((a) => a.labels.alertname === "DrillAm" && Date.parse(a.endsAt) > Date.now())
    .map((a) => a.labels.id as string)
    .sort();
}

describe("drill 4: Alertmanager down, 500, hung, slow", () => {
  let stack: Stack;
  const figures = { alertsLost: 0, recoverySeconds: 0, healthyLatencyMax: 0, maxGapHealthy: 0 };
  const set = (id: string, v: number) => stack.feeder.set({ __name__: "drill_am_value", id }, v);

  beforeAll(async () => {
    stack = await startStack({
      rules: RULES,
      alertmanagers: 2,
      args: [`-rule.resendDelay=${RESEND_MS}ms`, "-notifier.sendTimeout=5s"],
    });
    set("a", 1);
    set("b", 0);
    set("c", 1);
    set("d", 0);
    set("e", 0);
    await stack.feeder.flush();
    await waitFor(
      async () => {
        const ids = (await stack.alerts()).filter((a) => a.state === "firing").map((a) => a.labels.id);
        return ids.includes("a") && ids.includes("c");
      },
      20_000,
      "a and c to fire",
    );
    for (const am of stack.alertmanagers) {
      await waitFor(async () => (await amActiveIDs(am.server.url)).join() === "a,c", 10_000, "both AMs to hold a,c");
    }
  });
  afterAll(async () => {
    await debugDump(stack);
    await stack?.stop();
  });

  /** Waits until tsalert's own state for `id` is firing (true) or gone/inactive (false); returns when. */
  async function tsalertState(id: string, firing: boolean): Promise<number> {
    await waitFor(
      async () => {
        const a = (await stack.alerts()).find((x) => x.labels.id === id);
        return firing ? a?.state === "firing" : a === undefined || a.state === "inactive";
      },
      10_000,
      `tsalert: ${id} ${firing ? "firing" : "resolved"}`,
    );
    return Date.now();
  }

  /** The healthy one must have the change within a couple of intervals of tsalert making it. */
  async function healthyGets(id: string, firing: boolean, changedAt: number): Promise<void> {
    const healthy = stack.alertmanagers[1] as Stack["alertmanagers"][number];
    await waitFor(
      async () => firstDelivery(healthy.posts, id, firing, changedAt - 1500) !== undefined,
      10_000,
      `healthy AM: ${id} ${firing ? "firing" : "resolved"}`,
    );
    const at = firstDelivery(healthy.posts, id, firing, changedAt - 1500) as number;
    figures.healthyLatencyMax = Math.max(figures.healthyLatencyMax, Math.max(0, at - changedAt) / 1000);
  }

  /** After `since`, the failing one must end up with the expected state of every alert. */
  async function failingCatchesUp(expected: Record<string, boolean>, since: number): Promise<number> {
    const failing = stack.alertmanagers[0] as Stack["alertmanagers"][number];
    try {
      await waitFor(
        async () => Object.entries(expected).every(([id, f]) => delivered(failing.posts, id, since)?.firing === f),
        RESEND_MS + 10_000,
        "the failing AM to catch up",
      );
    } catch (err) {
      figures.alertsLost += Object.entries(expected).filter(
        ([id, f]) => delivered(failing.posts, id, since)?.firing !== f,
      ).length;
      throw err;
    }
    const want = Object.entries(expected)
      .filter(([, f]) => f)
      .map(([id]) => id)
      .sort()
      .join();
    await waitFor(async () => (await amActiveIDs(failing.server.url)).join() === want, 10_000, `real AM holds ${want}`);
    return (Date.now() - since) / 1000;
  }

  function maxGap(posts: AmPost[], from: number, to: number): number {
    const times = posts.filter((p) => p.at >= from && p.at <= to && p.status === 200).map((p) => p.at);
    let gap = 0;
    let prev = from;
    for (const t of [...times, to]) {
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    return gap / 1000;
  }

  async function iterations(): Promise<number> {
    return stack.metric("vmalert_iteration_total", { group: "drill-am" });
  }

  it("one down: the other gets everything on time, the down one catches up after it returns", async () => {
    const [failing, healthy] = stack.alertmanagers as [Stack["alertmanagers"][number], Stack["alertmanagers"][number]];
    const outage = outageMs();
    const itersBefore = await iterations();
    await failing.down();
    const start = Date.now();
    await sleep(2000);
    set("b", 1);
    set("c", 0);
    const bFired = await tsalertState("b", true);
    await healthyGets("b", true, bFired);
    const cResolved = await tsalertState("c", false);
    await healthyGets("c", false, cResolved);
    const left = outage - (Date.now() - start);
    if (left > 0) await sleep(left);
    const elapsed = (Date.now() - start) / 1000;
    expect(await iterations()).toBeGreaterThanOrEqual(itersBefore + Math.floor(elapsed) - 3);
    figures.maxGapHealthy = Math.max(figures.maxGapHealthy, maxGap(healthy.posts, start, Date.now()));
    expect(figures.maxGapHealthy).toBeLessThanOrEqual(RESEND_MS / 1000 + 3);
    expect(
      await stack.metric("vmalert_alerts_send_errors_total", { addr: `${failing.proxy.url}/api/v2/alerts` }),
    ).toBeGreaterThan(0);
    expect(await amActiveIDs(healthy.server.url)).toEqual(["a", "b"]);

    const back = Date.now();
    await failing.pass();
    figures.recoverySeconds = await failingCatchesUp({ a: true, b: true, c: false }, back);
  });

  it("one answers 500: errors counted, changes arrive after it recovers", async () => {
    const [failing, healthy] = stack.alertmanagers as [Stack["alertmanagers"][number], Stack["alertmanagers"][number]];
    const addr = `${failing.proxy.url}/api/v2/alerts`;
    const errsBefore = await stack.metric("vmalert_alerts_send_errors_total", { addr });
    await failing.fail(500);
    const start = Date.now();
    await sleep(1000);
    set("b", 0);
    set("d", 1);
    await healthyGets("d", true, await tsalertState("d", true));
    await healthyGets("b", false, await tsalertState("b", false));
    await sleep(3000);
    expect(failing.posts.filter((p) => p.at >= start && p.status === 500).length).toBeGreaterThan(0);
    expect(await stack.metric("vmalert_alerts_send_errors_total", { addr })).toBeGreaterThan(errsBefore);
    figures.maxGapHealthy = Math.max(figures.maxGapHealthy, maxGap(healthy.posts, start, Date.now()));
    const back = Date.now();
    await failing.pass();
    await failingCatchesUp({ a: true, b: false, d: true }, back);
  });

  it("one hangs: sends time out (-notifier.sendTimeout), requests in flight stay bounded", async () => {
    const [failing, healthy] = stack.alertmanagers as [Stack["alertmanagers"][number], Stack["alertmanagers"][number]];
    const addr = `${failing.proxy.url}/api/v2/alerts`;
    const errsBefore = await stack.metric("vmalert_alerts_send_errors_total", { addr });
    const itersBefore = await iterations();
    await failing.proxy.hang();
    const start = Date.now();
    set("e", 1);
    await healthyGets("e", true, await tsalertState("e", true));
    await sleep(outageMs(7000));
    const elapsed = (Date.now() - start) / 1000;
    expect(await iterations()).toBeGreaterThanOrEqual(itersBefore + Math.floor(elapsed) - 3);
    // At most a send per evaluation (alerts' resend times differ), each cut after 5 s: about five at
    // once, however long the hang lasts.
    const maxOpen = failing.proxy.stats().maxOpen;
    expect(maxOpen).toBeGreaterThan(0);
    expect(maxOpen).toBeLessThanOrEqual(5000 / 1000 + 2);
    expect(await stack.metric("vmalert_alerts_send_errors_total", { addr })).toBeGreaterThan(errsBefore);
    figures.maxGapHealthy = Math.max(figures.maxGapHealthy, maxGap(healthy.posts, start, Date.now()));
    const back = Date.now();
    await failing.pass();
    await failingCatchesUp({ a: true, b: false, d: true, e: true }, back);
  });

  it("one is slow: nothing waits for it, its answers arrive late", async () => {
    const [failing, healthy] = stack.alertmanagers as [Stack["alertmanagers"][number], Stack["alertmanagers"][number]];
    await failing.slow(3000);
    const start = Date.now();
    const itersBefore = await iterations();
    set("a", 0);
    await healthyGets("a", false, await tsalertState("a", false));
    await sleep(6000);
    const elapsed = (Date.now() - start) / 1000;
    expect(await iterations()).toBeGreaterThanOrEqual(itersBefore + Math.floor(elapsed) - 3);
    figures.maxGapHealthy = Math.max(figures.maxGapHealthy, maxGap(healthy.posts, start, Date.now()));
    expect(figures.maxGapHealthy).toBeLessThanOrEqual(RESEND_MS / 1000 + 3);
    // Slow, not failed: its posts were answered (late) with the real Alertmanager's 200.
    await failingCatchesUp({ a: false, d: true, e: true }, start);
    await failing.pass();
    const mem = await stack.memory();
    await recordFigures("alertmanager", {
      title: "Alertmanager down / 500 / hung / slow (1 of 2)",
      outageSeconds: outageMs() / 1000,
      alertsLost: figures.alertsLost,
      recoverySeconds: figures.recoverySeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { healthyLatencyMaxSeconds: figures.healthyLatencyMax, healthyMaxGapSeconds: figures.maxGapHealthy },
    });
  });
});
