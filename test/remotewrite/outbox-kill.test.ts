// kill -9 of a process writing through the outbox (the built code, `npm run build` first): every batch
// whose flush() had resolved before the kill is delivered after a restart, whatever the kill cut.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createRemoteWriter } from "../../src/remotewrite/index.js";
import { metric, startFakeEndpoint } from "./fake.js";
import { captureLogger } from "./log.js";

const DIST = fileURLToPath(new URL("../../dist/remotewrite/index.js", import.meta.url));

/** Pushes batch i (20 series named b<i>), flushes, prints "flushed i", forever. */
const CHILD = `
import { createRemoteWriter } from ${JSON.stringify(DIST)};
import { pino } from "pino";
const [url, dir] = process.argv.slice(1);
const w = createRemoteWriter({ url, flushInterval: 60000, retryMinInterval: 50, outbox: { dir, segmentBytes: 16384 } }, pino({ level: "silent" }));
for (let i = 0; ; i++) {
  w.push(Array.from({ length: 20 }, (_, j) => ({ labels: [{ name: "__name__", value: "b" + i }, { name: "j", value: String(j) }], samples: [{ value: j, timestamp: 1700000000000 }] })));
  await w.flush();
  process.stdout.write("flushed " + i + "\\n");
}
`;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  cleanup = [];
});

describe("outbox: kill -9", () => {
  it("every flushed batch survives the kill and is delivered after the restart", async () => {
    let down = true;
    const ep = await startFakeEndpoint(async () => (down ? { status: 503 } : { status: 204 }));
    const dir = await mkdtemp(join(tmpdir(), "tsalert-outbox-kill-"));
    cleanup.push(
      () => ep.close(),
      () => rm(dir, { recursive: true, force: true }),
    );
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, ep.url, dir], {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const exited = new Promise((r) => child.on("exit", r));
      // Kill at an arbitrary point of its loop (mid-append included), after some batches.
      const want = 40 + round * 17;
      for (let i = 0; i < 500 && (out.match(/flushed/g)?.length ?? 0) < want; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill("SIGKILL");
      await exited;
      const flushed = [...out.matchAll(/flushed (\d+)/g)].map((m) => Number(m[1]));
      expect(flushed.length).toBeGreaterThanOrEqual(want);
      const last = Math.max(...flushed);

      down = false;
      const url = { url: `${ep.url}/api/v1/write` };
      const corrupt0 = await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url);
      const w = createRemoteWriter({ url: ep.url, flushInterval: 60_000, outbox: { dir } }, captureLogger().logger);
      const got = () => new Set(ep.accepted.map((s) => `${s.labels.__name__}/${s.labels.j}`));
      for (let i = 0; i < 500; i++) {
        const g = got();
        if (Array.from({ length: last + 1 }, (_, b) => g.has(`b${b}/19`)).every(Boolean)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const g = got();
      const missing: string[] = [];
      for (let b = 0; b <= last; b++) for (let j = 0; j < 20; j++) if (!g.has(`b${b}/${j}`)) missing.push(`b${b}/${j}`);
      expect(missing).toEqual([]);
      expect(await metric("tsalert_remotewrite_outbox_corrupt_bytes_total", url)).toBe(corrupt0);
      await w.close(1000);
      ep.accepted.length = 0;
      down = true;
    }
  });
});
