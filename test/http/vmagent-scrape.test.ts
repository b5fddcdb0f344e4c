// A real vmagent (Debian) scrapes our /metrics (with -metricsAuthKey) and writes to a real
// VictoriaMetrics: the self-metrics must arrive there with their names and labels intact.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counter, gauge } from "../../src/metrics.js";
import { freePort, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { type Started, start } from "./start.js";

let vm: RunningServer;
let ours: Started;
let dir: string;
let stopAgent: () => Promise<void> = async () => {};
let agentFailed: () => string | undefined = () => undefined;

beforeAll(async () => {
  counter("vmalert_alerts_fired_total", "Number of alerts fired").inc(7);
  gauge("vmalert_alerts_firing", "Alerts firing", ["alertname", "group", "file", "id"]).set(
    { alertname: "HighLoad", group: "infra", file: "/etc/rules/infra.yml", id: "11" },
    2,
  );
  ours = await start({ metricsAuthKey: "scrape-key", processMetrics: true });
  vm = await startVictoriaMetrics();
  dir = await mkdtemp(join(tmpdir(), "vmagent-"));
  const target = new URL(ours.url);
  const cfg = join(dir, "scrape.yml");
  await writeFile(
    cfg,
    `scrape_configs:
  - job_name: tsalert
    scrape_interval: 1s
    metrics_path: /metrics
    params: { authKey: ["scrape-key"] }
    static_configs: [{ targets: ["${target.host}"] }]
`,
  );
  const port = await freePort();
  let out = "";
  const proc = spawn(
    "vmagent",
    [
      `-promscrape.config=${cfg}`,
      `-remoteWrite.url=${vm.url}/api/v1/write`,
      `-remoteWrite.tmpDataPath=${join(dir, "tmp")}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      "-remoteWrite.flushInterval=100ms",
      "-loggerLevel=ERROR",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout.on("data", (d) => {
    out += d;
  });
  proc.stderr.on("data", (d) => {
    out += d;
  });
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
  stopAgent = async () => {
    if (exited) return;
    const done = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(t);
  };
  agentFailed = () => (exited ? `vmagent exited: ${out}` : undefined);
});

afterAll(async () => {
  await stopAgent();
  await ours?.server.close();
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  await fetch(`${vm.url}/internal/force_flush`);
  const res = await fetch(`${vm.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

describe("vmagent scrapes /metrics", () => {
  it("self-metrics arrive in VictoriaMetrics with vmalert's names and labels", async () => {
    await waitFor(
      async () => {
        const failed = agentFailed();
        if (failed) throw new Error(failed);
        return (await query("vmalert_alerts_firing")).length > 0;
      },
      30_000,
      "scraped self-metrics in VM",
    );
    const firing = await query("vmalert_alerts_firing");
    expect(firing[0].metric).toMatchObject({
      alertname: "HighLoad",
      group: "infra",
      file: "/etc/rules/infra.yml",
      id: "11",
      job: "tsalert",
    });
    expect(firing[0].value[1]).toBe("2");
    expect((await query("vmalert_alerts_fired_total"))[0].value[1]).toBe("7");
    expect((await query("process_resident_memory_bytes")).length).toBe(1);
    expect((await query('up{job="tsalert"}'))[0].value[1]).toBe("1");
  });
});
