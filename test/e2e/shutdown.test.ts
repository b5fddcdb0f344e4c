// Shutdown of the built tsalert under a remote-write target that hangs: more signals during the drain
// (SIGHUP, SIGTERM, SIGINT) neither kill the process nor cut the drain short, and every series still
// queued at exit is either sent or dropped and counted, never lost silently.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST_ARGS, sleep, type TempDir, tempDir } from "../helpers/e2e.js";
import { type FaultServer, json, startFaultServer } from "../helpers/faults.js";
import { startTsalert } from "../helpers/tsalert.js";

let dir: TempDir;
let ds: FaultServer;
let hung: FaultServer;

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-shutdown");
  const result = Array.from({ length: 20 }, (_, i) => ({ metric: { i: String(i) }, value: [0, "1"] }));
  ds = await startFaultServer((_req, res) =>
    json(res, 200, { status: "success", data: { resultType: "vector", result } }),
  );
  // Accepts every write and never answers.
  hung = await startFaultServer(() => {});
});

afterAll(async () => {
  await hung?.stop();
  await ds?.stop();
  await dir?.remove();
});

describe("signals during shutdown", () => {
  it("a second SIGTERM, SIGHUP or SIGINT during the remote-write drain is logged once and ignored", async () => {
    const rules = await dir.write(
      "rec.yml",
      "groups:\n  - name: r\n    interval: 1s\n    rules:\n      - record: r:x\n        expr: up\n",
    );
    const t = await startTsalert({
      args: [
        `-rule=${rules}`,
        `-datasource.url=${ds.url}`,
        `-remoteWrite.url=${hung.url}`,
        "-remoteWrite.flushInterval=200ms",
        "-remoteWrite.concurrency=1",
        "-remoteWrite.sendTimeout=2s",
        "-remoteWrite.retryMinInterval=500ms",
        "-remoteWrite.retryMaxTime=5s",
        ...FAST_ARGS,
      ],
    });
    try {
      await sleep(3000);
      expect(hung.seen.length).toBeGreaterThan(0);
      t.proc.kill("SIGTERM");
      await sleep(700);
      for (const sig of ["SIGHUP", "SIGTERM", "SIGINT"] as const) {
        t.proc.kill(sig);
        await sleep(200);
      }
      const code = await Promise.race([t.exited, sleep(40_000).then(() => "still running")]);
      const log = t.logs();
      if (process.env.SHOW_LOG) console.log(log);
      expect(code, log).toBe(0);
      expect(log.match(/received while shutting down: ignored/g)).toHaveLength(1);
      const left = /remote write: sending the (\d+) series left before exit/.exec(log);
      expect(left, log).not.toBeNull();
      const summary = /remote write: stopped; of the (\d+) series left at exit (\d+) were sent and (\d+) dropped/.exec(
        log,
      );
      expect(summary, log).not.toBeNull();
      const [, pending, sent, dropped] = (summary ?? []).map(Number);
      expect(pending).toBe(Number(left?.[1]));
      expect(sent).toBe(0);
      expect(dropped).toBe(pending);
      expect(log.trimEnd().split("\n").at(-1)).toMatch(/\tstopped$/);
    } finally {
      await t.kill();
    }
  });
});
