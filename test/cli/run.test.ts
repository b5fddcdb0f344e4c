// The run mode in process (src/cli/run.ts): exit codes and the one fatal line of startup failures,
// reloads that must keep the old config (a new alerting rule without a notifier), reloads while a reload
// runs, the default -external.url, and stop(). Datasource and remote write point at a closed loopback
// port: these tests are about the wiring, not about queries (test/e2e has the real servers).
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type Logger, pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/flagset.js";
import { type Instance, run, startInstance } from "../../src/cli/run.js";
import { freePort } from "../helpers/servers.js";

let dir: string;
let closed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsalert-run-"));
  closed = `http://127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface CapturedLogger {
  logger: Logger;
  lines(): { level: number; msg: string; [k: string]: unknown }[];
}

function captureLogger(): CapturedLogger {
  const out: string[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => out.push(s) });
  return {
    logger,
    lines: () =>
      out
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

const flagsOf = (argv: string[]) => parseFlags(argv, {}).flags;

/** Replaces a file at once (a reload in progress never reads it half-written). */
async function replaceFile(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

const RECORDING = "groups:\n  - name: r\n    interval: 1s\n    rules:\n      - record: r:x\n        expr: vector(1)\n";
const WITH_ALERT = `${RECORDING}      - alert: NowAlerting\n        expr: vector(1)\n`;

describe("run: startup failures", () => {
  it("returns 2 for a flag problem and 1 for a rule file problem, with one fatal line each", async () => {
    const bad = join(dir, "bad.yml");
    await writeFile(bad, "groups:\n  - name: b\n    rules:\n      - record: b:x\n        expr: sum(\n");
    const good = join(dir, "good.yml");
    await writeFile(good, RECORDING);
    for (const [argv, code, msg] of [
      [[`-rule=${good}`, `-remoteWrite.url=${closed}`], 2, "-datasource.url is empty"],
      [[`-datasource.url=${closed}`], 2, "-rule is empty"],
      [[`-rule=${good}`, `-datasource.url=${closed}`], 2, "-remoteWrite.url is not set"],
      [[`-rule=${bad}`, `-datasource.url=${closed}`, `-remoteWrite.url=${closed}`], 1, `${bad}:5:`],
    ] as const) {
      const log = captureLogger();
      expect(await run(flagsOf([...argv]), log.logger), argv.join(" ")).toBe(code);
      const lines = log.lines();
      expect(lines).toHaveLength(1);
      expect(lines[0]?.level).toBe(60);
      expect(lines[0]?.msg).toContain(msg);
    }
  });
});

describe("startInstance", () => {
  let instance: Instance | undefined;
  afterAll(async () => {
    await instance?.stop();
  });

  it("keeps the old config when a reload adds an alerting rule without a notifier, and takes it once one would go", async () => {
    const rules = join(dir, "reload.yml");
    await writeFile(rules, RECORDING);
    const port = await freePort();
    const log = captureLogger();
    instance = await startInstance(
      flagsOf([
        `-rule=${rules}`,
        `-datasource.url=${closed}`,
        `-remoteWrite.url=${closed}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        "-group.maxStartDelay=0s",
      ]),
      log.logger,
    );
    const started = log.lines().find((l) => l.msg === "tsalert started");
    // Default -external.url: this host and the -httpListenAddr port, as vmalert builds it.
    expect(started?.externalURL).toBe(`http://${hostname()}:${port}`);

    await writeFile(rules, WITH_ALERT);
    await expect(instance.reload("test")).rejects.toThrow(
      "config contains alerting rules but neither -notifier.url nor -notifier.config nor -notifier.blackhole is set",
    );
    expect(instance.engine.groups().flatMap((g) => g.rules.map((r) => r.name))).toEqual(["r:x"]);
    expect(instance.engine.lastReloadError()).toContain("-notifier.url");

    await writeFile(rules, RECORDING.replace("vector(1)", "vector(2)"));
    await instance.reload("test");
    expect(instance.engine.groups()[0]?.rules[0]?.query).toBe("vector(2)");
    expect(instance.engine.lastReloadError()).toBe("");
  });

  it("a reload asked for during a reload runs after it, on the file as it is then", async () => {
    const inst = instance as Instance;
    const rules = join(dir, "reload.yml");
    await replaceFile(rules, RECORDING.replace("vector(1)", "vector(3)"));
    const first = inst.reload("first");
    await replaceFile(rules, RECORDING.replace("vector(1)", "vector(4)"));
    const second = inst.reload("second");
    await Promise.all([first, second]);
    expect(inst.engine.groups()[0]?.rules[0]?.query).toBe("vector(4)");
  });

  it("stop() closes the HTTP server and can be called twice", async () => {
    const inst = instance as Instance;
    const url = inst.http.urls[0] as string;
    const health = await fetch(`${url}/health`);
    await health.arrayBuffer();
    expect(health.status).toBe(200);
    await Promise.all([inst.stop(), inst.stop()]);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    instance = undefined;
  });
});
