// 200 slow unauthenticated clients against the built tsalert (with -httpAuth set): bodies and headers
// trickled in, chunked bodies, idle connections. The server must not buffer what they send (auth comes
// before the body, header and request timeouts cut them), so its memory stays flat and /health answers.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST_ARGS, sleep, type TempDir, tempDir } from "../helpers/e2e.js";
import { type FaultServer, json, startFaultServer } from "../helpers/faults.js";
import { startSlowClients } from "../helpers/slowclients.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const CLIENTS = 200;
const LOAD_MS = 12_000;
/** Generous: the unprotected server grew by about 185 MiB under this load; node itself grows its young
 * generation under the connection churn (each refused client reconnects after a second). */
const MAX_RSS_GROWTH_MIB = 64;
const HEALTH_BOUND_MS = 1000;

let dir: TempDir;
let ds: FaultServer;
let t: TsalertProcess;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-slow");
  ds = await startFaultServer((_req, res) =>
    json(res, 200, { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [0, "1"] }] } }),
  );
  const rules = await dir.write(
    "a.yml",
    "groups:\n  - name: a\n    interval: 1s\n    rules:\n      - alert: A\n        expr: up\n",
  );
  t = await startTsalert({
    args: [
      `-rule=${rules}`,
      `-datasource.url=${ds.url}`,
      "-notifier.blackhole",
      "-httpAuth.username=admin",
      "-httpAuth.password=pw",
      ...FAST_ARGS,
    ],
  });
});

afterAll(async () => {
  await t?.stop();
  await ds?.stop();
  await dir?.remove();
});

describe("slow unauthenticated clients", () => {
  it(`${CLIENTS} of them keep RSS flat and /health answering`, async () => {
    const pid = t.proc.pid ?? 0;
    await sleep(2000);
    const base = rssMiB(pid);
    const load = startSlowClients({ port: t.port, clients: CLIENTS });
    let peak = base;
    let slowestHealthMs = 0;
    let healthFailures = 0;
    const until = Date.now() + LOAD_MS;
    while (Date.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${t.url}/health`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      await res?.arrayBuffer();
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - t0);
      if (res?.status !== 200) healthFailures++;
      peak = Math.max(peak, rssMiB(pid));
      await sleep(250);
    }
    const stats = load.stats();
    await load.stop();
    const growth = peak - base;
    console.log(
      `slow clients: RSS ${base.toFixed(1)} -> peak ${peak.toFixed(1)} MiB (+${growth.toFixed(1)}), slowest /health ${slowestHealthMs.toFixed(0)} ms, connects ${stats.connects}, answers ${JSON.stringify(stats.answers)}`,
    );
    expect(stats.connects).toBeGreaterThanOrEqual(CLIENTS);
    expect(healthFailures).toBe(0);
    expect(slowestHealthMs).toBeLessThan(HEALTH_BOUND_MS);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH_MIB);
    const log = t.logs();
    expect(log).not.toMatch(/"stack"|\n\s+at /);
  });
});
