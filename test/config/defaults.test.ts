import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/config/load.js";
import { Engine } from "../../src/rule/engine.js";
import { makeDeps, series } from "../rule/fakes.js";

const tmp = mkdtempSync(join(tmpdir(), "tsalert-defaults-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MIN = 60_000;

describe("group defaults are applied once, by the loader", () => {
  it("-evaluationInterval, -rule.evalDelay and -rule.resultsLimit reach the engine only through the loader", async () => {
    const file = join(tmp, "limits.rules");
    writeFileSync(
      file,
      [
        "groups:",
        "  - name: flag-limit", // -rule.resultsLimit applies
        "    rules: [{ record: a, expr: two }]",
        "  - name: no-limit", // an explicit 0 means no limit, whatever -rule.resultsLimit says
        "    limit: 0",
        "    rules: [{ record: b, expr: two }]",
        "  - name: own",
        "    interval: 5m",
        "    eval_delay: 0s",
        "    concurrency: 0",
        "    rules: [{ record: c, expr: two }]",
        "",
      ].join("\n"),
    );
    const res = await loadRules([file], {
      groupDefaults: { evaluationInterval: 2 * MIN, evalDelay: 10_000, resultsLimit: 1 },
    });
    expect(res.problems).toEqual([]);
    expect(res.groups.map((g) => g.effective)).toEqual([
      { interval: 2 * MIN, evalDelay: 10_000, evalAlignment: true, concurrency: 1, limit: 1 },
      { interval: 2 * MIN, evalDelay: 10_000, evalAlignment: true, concurrency: 1, limit: 0 },
      { interval: 5 * MIN, evalDelay: 0, evalAlignment: true, concurrency: 1, limit: 1 },
    ]);

    const deps = makeDeps({ maxStartDelay: 0 });
    deps.q.set("two", [series({ i: "1" }), series({ i: "2" })]);
    const e = new Engine(deps);
    await e.start(res.groups);
    await deps.clock.advance(5 * MIN);
    const byName = new Map(e.groups().map((g) => [g.name, g]));
    expect(byName.get("flag-limit")?.interval).toBe(120);
    expect(byName.get("flag-limit")?.rules[0].lastError).toBe("exec exceeded limit of 1 with 2 series");
    expect(byName.get("no-limit")?.rules[0].lastError).toBe("");
    expect(byName.get("no-limit")?.rules[0].lastSamples).toBe(2);
    expect(byName.get("own")?.interval).toBe(300);
    await e.stop();
  });
});
