// Startup checks of the built tsalert: each misconfiguration ends the process with a non-zero exit and
// one clear line naming the flag or file:line, never a stack trace.
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep, type TempDir, tempDir } from "../helpers/e2e.js";
import { type FaultServer, json, startFaultServer } from "../helpers/faults.js";
import { freePort, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert } from "../helpers/tsalert.js";

let dir: TempDir;
let closed: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-startup");
  // Nothing listens there; the process must stop before it would ever query it.
  closed = `http://127.0.0.1:${await freePort()}`;
  files.alert = await dir.write(
    "alert.yml",
    "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: vector(1)\n",
  );
  files.record = await dir.write(
    "rec.yml",
    "groups:\n  - name: r\n    rules:\n      - record: r:x\n        expr: vector(1)\n",
  );
  files.bad = await dir.write(
    "bad.yml",
    "groups:\n  - name: b\n    rules:\n      - alert: B\n        expr: sum(rate(x[1m]) by (\n",
  );
});

afterAll(async () => {
  await dir?.remove();
});

/** Runs tsalert to its exit; returns the exit code and everything it printed. */
async function runToExit(args: string[]): Promise<{ code: number | string; out: string }> {
  const p = await startTsalert({ args, waitReady: false });
  const timer = setTimeout(() => void p.kill(), 20_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, out: p.logs() };
}

function expectNoStack(out: string): void {
  expect(out).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  expect(out).not.toContain("node:internal");
}

describe("startup checks", () => {
  it("a missing -datasource.url exits 2 naming the flag", async () => {
    const r = await runToExit([`-rule=${files.alert}`, "-notifier.blackhole"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("-datasource.url is empty");
    expectNoStack(r.out);
  });

  it("alerting rules without a notifier exit 2 naming -notifier.url", async () => {
    const r = await runToExit([`-rule=${files.alert}`, `-datasource.url=${closed}`]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("alerting rules but neither -notifier.url nor -notifier.config nor -notifier.blackhole");
    expectNoStack(r.out);
  });

  it("recording rules without -remoteWrite.url exit 2 naming the flag", async () => {
    const r = await runToExit([`-rule=${files.record}`, `-datasource.url=${closed}`]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("recording rules but -remoteWrite.url is not set");
    expectNoStack(r.out);
  });

  it("a rule file that does not parse exits 1 naming file:line:column", async () => {
    const r = await runToExit([`-rule=${files.bad}`, `-datasource.url=${closed}`, "-notifier.blackhole"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${files.bad}:5:`);
    expect(r.out).toContain('group "b" rule "B"');
    expectNoStack(r.out);
  });

  it("a rule file that does not exist exits 1 naming it", async () => {
    const missing = `${dir.path}/nope.yml`;
    const r = await runToExit([`-rule=${missing}`, `-datasource.url=${closed}`, "-notifier.blackhole"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(missing);
    expectNoStack(r.out);
  });

  it("half-set -notifier.oauth2 flags exit 2 naming both flags", async () => {
    const r = await runToExit([
      `-rule=${files.alert}`,
      `-datasource.url=${closed}`,
      `-notifier.url=${closed}`,
      "-notifier.oauth2.clientID=tsalert",
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("-notifier.oauth2.clientID and -notifier.oauth2.tokenUrl must be set together");
    expectNoStack(r.out);
  });

  it("a -state.path in a directory that does not exist exits 2 naming the flag (not at shutdown)", async () => {
    const state = `${dir.path}/missing/state.json`;
    const r = await runToExit([
      `-rule=${files.alert}`,
      `-datasource.url=${closed}`,
      "-notifier.blackhole",
      `-state.path=${state}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`-state.path=${state}: directory ${dir.path}/missing is not writable`);
    expectNoStack(r.out);
  });

  it("a listen address in use exits 1 naming -httpListenAddr", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const addr = busy.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    try {
      const r = await runToExit([
        `-rule=${files.alert}`,
        `-datasource.url=${closed}`,
        "-notifier.blackhole",
        `-httpListenAddr=127.0.0.1:${port}`,
      ]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`-httpListenAddr=127.0.0.1:${port}: cannot start the HTTP server`);
      expect(r.out).toContain("EADDRINUSE");
      expectNoStack(r.out);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it("a second instance on a taken port exits naming -httpListenAddr and leaves -state.path alone", async () => {
    const ds: FaultServer = await startFaultServer((_req, res) =>
      json(res, 200, { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [0, "1"] }] } }),
    );
    const rules = await dir.write(
      "pending.yml",
      "groups:\n  - name: p\n    interval: 1h\n    rules:\n      - alert: P\n        expr: vector(1)\n        for: 1h\n",
    );
    const state = `${dir.path}/second-instance-state.json`;
    const args = [`-rule=${rules}`, `-datasource.url=${ds.url}`, "-notifier.blackhole", `-state.path=${state}`];
    const first = await startTsalert({ args: [...args, "-group.maxStartDelay=1ms", "-rule.evalDelay=0s"] });
    try {
      // One iteration (the interval is an hour), saved about a second later.
      let saved = "";
      for (let i = 0; i < 100 && !saved.includes('"P"'); i++) {
        await sleep(100);
        saved = await readFile(state, "utf8").catch(() => "");
      }
      expect(saved).toContain('"P"');
      const before = { bytes: await readFile(state), mtimeMs: (await stat(state)).mtimeMs };
      const second = await runToExit([...args, `-httpListenAddr=127.0.0.1:${first.port}`]);
      expect(second.code).toBe(1);
      expect(second.out).toContain(`-httpListenAddr=127.0.0.1:${first.port}: cannot start the HTTP server`);
      expect(second.out).toContain("EADDRINUSE");
      expectNoStack(second.out);
      const after = { bytes: await readFile(state), mtimeMs: (await stat(state)).mtimeMs };
      expect(after.bytes.equals(before.bytes)).toBe(true);
      expect(after.mtimeMs).toBe(before.mtimeMs);
      // The first one is unharmed.
      const groups = await first.get<{ data: { groups: { name: string }[] } }>("/api/v1/rules");
      expect(groups.data.groups.map((g) => g.name)).toEqual(["p"]);
    } finally {
      await first.stop();
      await ds.stop();
    }
  });
});

describe("-remoteRead.ignoreRestoreErrors (vmalert 1.79.5)", () => {
  let vm: RunningServer;
  let rules: string;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    rules = await dir.write(
      "restore.yml",
      "groups:\n  - name: r\n    interval: 1s\n    rules:\n      - alert: R\n        expr: vector(1) > 0\n        for: 1m\n",
    );
  });
  afterAll(async () => {
    await vm?.stop();
  });

  const args = () => [
    `-rule=${rules}`,
    `-datasource.url=${vm.url}`,
    "-notifier.blackhole",
    `-remoteRead.url=${closed}`,
  ];

  it("=false: a restore that fails stops the process with exit 1, naming the group, rule and flag", async () => {
    const r = await runToExit([...args(), "-remoteRead.ignoreRestoreErrors=false"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('group "r": rule "R": cannot restore alerts state');
    expect(r.out).toContain("-remoteRead.ignoreRestoreErrors=false");
    expectNoStack(r.out);
  });

  it("by default a failed restore is logged and alerting goes on", async () => {
    const p = await startTsalert({ args: args() });
    try {
      await waitFor(async () => p.logs().includes("failed to restore alerts state"), 15_000, "the restore error");
      await sleep(1500);
      expect(await Promise.race([p.exited.then(() => "exited"), sleep(100).then(() => "running")])).toBe("running");
    } finally {
      await p.stop();
    }
  });
});
