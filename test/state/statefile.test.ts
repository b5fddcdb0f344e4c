// -state.path: round trip, atomic replacement (also under SIGKILL mid-write), corrupt files ignored.
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TsalertError } from "../../src/errors.js";
import { createStateFile, type StateSnapshot } from "../../src/state/index.js";
import { captureLogger } from "../remotewrite/log.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsalert-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function snapshot(n: number, alerts = 2): StateSnapshot {
  return {
    version: 1,
    savedAt: 1_700_000_000_000 + n,
    rules: {
      [`g${n}/r1`]: Array.from({ length: alerts }, (_, i) => ({
        labels: { alertname: "A", instance: `h${i}`, pad: "x".repeat(64) },
        annotations: { summary: `alert ${i} of snapshot ${n}` },
        state: i % 2 === 0 ? ("firing" as const) : ("pending" as const),
        value: i === 1 ? Number.NaN : i * 1.5,
        activeAt: 1_700_000_000_000,
        start: i % 2 === 0 ? 1_700_000_060_000 : 0,
        resolvedAt: 0,
        keepFiringSince: 0,
        lastSent: 1_700_000_060_000,
        end: 1_700_000_300_000,
      })),
    },
  };
}

describe("state file", () => {
  it("returns null when there is no file", async () => {
    const { logger, lines } = captureLogger();
    expect(await createStateFile(join(dir, "missing.json"), logger).load()).toBeNull();
    expect(lines()).toEqual([]);
  });

  it("round-trips a snapshot, NaN values included, and leaves no temp file", async () => {
    const path = join(dir, "rt.json");
    const f = createStateFile(path, captureLogger().logger);
    await f.save(snapshot(1));
    await f.save(snapshot(2));
    const got = await f.load();
    expect(got).toEqual(snapshot(2));
    expect(Number.isNaN(got!.rules["g2/r1"][1].value)).toBe(true);
    expect(await readdir(dir)).toEqual(["rt.json"]);
    await rm(path);
  });

  it("keeps concurrent saves in call order", async () => {
    const path = join(dir, "order.json");
    const f = createStateFile(path, captureLogger().logger);
    await Promise.all([f.save(snapshot(1, 500)), f.save(snapshot(2, 1)), f.save(snapshot(3, 200))]);
    expect((await f.load())?.savedAt).toBe(snapshot(3).savedAt);
    await rm(path);
  });

  it("never shows a reader a partial file while saves run", async () => {
    const path = join(dir, "readers.json");
    const f = createStateFile(path, captureLogger().logger);
    await f.save(snapshot(0, 3000));
    let saving = true;
    const saves = (async () => {
      for (let n = 1; n <= 15; n++) await f.save(snapshot(n, 3000));
      saving = false;
    })();
    let reads = 0;
    const seen = new Set<number>();
    while (saving) {
      const parsed = JSON.parse(await readFile(path, "utf8")) as StateSnapshot;
      expect(Object.values(parsed.rules)[0]).toHaveLength(3000);
      seen.add(parsed.savedAt);
      reads++;
    }
    await saves;
    expect(reads).toBeGreaterThan(1);
    expect(seen.size).toBeGreaterThan(1);
    await rm(path);
  });

  it.each([
    ["not JSON", "{ this is not json"],
    ["a truncated file", JSON.stringify(snapshot(1)).slice(0, 100)],
    ["another version", JSON.stringify({ ...snapshot(1), version: 2 })],
    [
      "a bad alert state",
      JSON.stringify({ ...snapshot(1), rules: { "a/b": [{ ...snapshot(1).rules["g1/r1"][0], state: "x" }] } }),
    ],
    ["rules not an object", JSON.stringify({ version: 1, savedAt: 1, rules: [] })],
  ])("ignores %s with a logged error", async (_what, content) => {
    const path = join(dir, "corrupt.json");
    await writeFile(path, content);
    const { logger, lines } = captureLogger();
    expect(await createStateFile(path, logger).load()).toBeNull();
    const errs = lines().filter((l) => l.level >= 50);
    expect(errs).toHaveLength(1);
    expect(errs[0].msg).toContain(`state file "${path}" is corrupt, ignoring it`);
    await rm(path);
  });

  it("reports a failed save as TSA_REMOTEREAD naming the file", async () => {
    const path = join(dir, "no-such-dir", "state.json");
    const err = await createStateFile(path, captureLogger().logger)
      .save(snapshot(1))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).message).toContain(`state file "${path}": cannot save`);
  });
});

describe("state file under SIGKILL", () => {
  const build = join(tmpdir(), `tsalert-statefile-build-${process.pid}`);

  beforeAll(async () => {
    // The child runs the real module, compiled on its own (dist/ may be mid-edit by others).
    await promisify(execFile)(
      resolve("node_modules/.bin/tsc"),
      [
        "--outDir",
        build,
        "--rootDir",
        resolve("src"),
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2023",
        "--skipLibCheck",
        "--types",
        "node",
        resolve("src/state/statefile.ts"),
      ],
      { timeout: 60_000 },
    );
    await mkdir(build, { recursive: true });
    await writeFile(join(build, "package.json"), '{"type":"module"}');
  }, 90_000);
  afterAll(async () => {
    await rm(build, { recursive: true, force: true });
  });

  it("always leaves a complete old or new snapshot", async () => {
    const path = join(dir, "crash.json");
    // Big snapshots so a kill lands inside a write most of the time.
    const child = `
      import { createStateFile } from ${JSON.stringify(join(build, "state/statefile.js"))};
      const log = { child() { return log; }, error() {}, warn() {}, info() {} };
      const f = createStateFile(${JSON.stringify(path)}, log);
      const big = (n) => ({ version: 1, savedAt: n, rules: { "g/r": Array.from({ length: 20000 }, (_, i) => ({
        labels: { alertname: "A", i: String(i), n: String(n) }, annotations: {}, state: "firing", value: n,
        activeAt: n, start: n, resolvedAt: 0, keepFiringSince: 0, lastSent: 0, end: 0 })) } });
      for (let n = 1; ; n++) { await f.save(big(n)); if (n === 1) process.stdout.write("saved\\n"); }
    `;
    const valid: number[] = [];
    for (const killAfterMs of [13, 37, 61, 111, 163, 263]) {
      const proc = spawn(process.execPath, ["--input-type=module", "-e", child], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      proc.stderr.on("data", (d) => {
        err += d;
      });
      await new Promise<void>((res, rej) => {
        proc.stdout.once("data", () => res());
        proc.once("exit", () => rej(new Error(`child exited early: ${err}`)));
      });
      await new Promise((r) => setTimeout(r, killAfterMs));
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      await exited;
      const { logger, lines } = captureLogger();
      const got = await createStateFile(path, logger).load();
      expect(lines()).toEqual([]);
      expect(got).not.toBeNull();
      const alerts = got!.rules["g/r"];
      expect(alerts).toHaveLength(20000);
      expect(alerts.every((a) => a.value === got!.savedAt)).toBe(true);
      valid.push(got!.savedAt);
    }
    expect(valid.every((n) => n >= 1)).toBe(true);
    // Temp files of killed writers may remain; the state file itself is never one of them.
    const left = (await readdir(dir)).filter((f) => f.startsWith(".crash.json."));
    for (const f of left) expect(f.endsWith(".tmp")).toBe(true);
    await rm(path);
    for (const f of left) await rm(join(dir, f));
  });
});
