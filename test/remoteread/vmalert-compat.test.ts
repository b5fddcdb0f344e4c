// Upgrading from vmalert: ALERTS_FOR_STATE written by the real vmalert 1.79.5 is found by our restorer.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQuerierFactory, type GroupQuerySettings } from "../../src/datasource/index.js";
import { createRestorer } from "../../src/remoteread/index.js";
import { freePort, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";

const group: GroupQuerySettings = { type: "prometheus", evaluationInterval: 1000, params: {}, headers: [] };

describe("state written by real vmalert 1.79.5", () => {
  let vm: RunningServer;
  let dir: string;
  let stopVmalert: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    dir = await mkdtemp(join(tmpdir(), "vmalert-compat-"));
    const rules = join(dir, "rules.yml");
    await writeFile(
      rules,
      `groups:
  - name: compat
    interval: 1s
    rules:
      - alert: AlwaysOn
        expr: vector(1)
        for: 10m
        labels:
          team: db
          summary: "{{ $value }}"
`,
    );
    const port = await freePort();
    const proc = spawn(
      "vmalert",
      [
        `-rule=${rules}`,
        `-datasource.url=${vm.url}`,
        `-remoteWrite.url=${vm.url}`,
        "-remoteWrite.flushInterval=100ms",
        `-notifier.url=http://127.0.0.1:${await freePort()}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        "-loggerLevel=ERROR",
      ],
      { stdio: "ignore" },
    );
    stopVmalert = async () => {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await done;
    };
  }, 60_000);
  afterAll(async () => {
    await stopVmalert?.();
    await vm?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("restores the pending alert's activeAt", async () => {
    const q = {
      groupName: "compat",
      alertName: "AlwaysOn",
      // The rule's labels without the templated one: the alerting rule leaves it out, as vmalert does.
      ruleLabels: { team: "db" },
      group,
      time: 0,
    };
    const r = createRestorer({ querierFactory: createQuerierFactory({ url: vm.url }) });
    let found: Awaited<ReturnType<typeof r.restore>> = [];
    await waitFor(
      async () => {
        await fetch(`${vm.url}/internal/force_flush`);
        found = await r.restore({ ...q, time: Date.now() });
        return found.length > 0;
      },
      20_000,
      "vmalert's ALERTS_FOR_STATE",
    );
    await stopVmalert?.();
    expect(found).toHaveLength(1);
    expect(found[0].labels).toMatchObject({ alertname: "AlwaysOn", alertgroup: "compat", team: "db" });
    expect(found[0].labels.__name__).toBeUndefined();
    expect(found[0].activeAt % 1000).toBe(0);
    expect(Math.abs(Date.now() - found[0].activeAt)).toBeLessThan(60_000);
  });
});
