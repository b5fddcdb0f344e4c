import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cronInterval, parseCron } from "../../src/config/cron.js";
import { loadRules } from "../../src/config/load.js";
import { Engine } from "../../src/rule/engine.js";
import { makeDeps } from "../rule/fakes.js";

const tmp = mkdtempSync(join(tmpdir(), "tsalert-cron-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cron schedules", () => {
  it("every 5 minutes", () => {
    const c = parseCron("*/5 * * * *");
    const t = new Date(2026, 7, 20, 8, 3, 17).getTime();
    expect(c.next(t)).toBe(new Date(2026, 7, 20, 8, 5, 0).getTime());
    expect(c.next(new Date(2026, 7, 20, 8, 5, 0).getTime())).toBe(new Date(2026, 7, 20, 8, 10, 0).getTime());
    expect(cronInterval(c, t)).toBe(5 * 60_000);
  });

  it("business hours on weekdays, with seconds and names", () => {
    const c = parseCron("30 0 9-17 * * mon-fri");
    // 2026-08-22 is a Saturday
    const sat = new Date(2026, 7, 22, 12, 0, 0).getTime();
    expect(c.next(sat)).toBe(new Date(2026, 7, 24, 9, 0, 30).getTime());
  });

  it("rejects bad expressions", () => {
    expect(() => parseCron("* * *")).toThrow();
    expect(() => parseCron("61 * * * *")).toThrow();
    expect(() => parseCron("0 0 0 * * * 2030")).toThrow();
  });
});

describe("a cron schedule that loads is one that runs", () => {
  for (const cron of ["*/15 9-17 * * mon-fri", "0 0 9 * * 1-5", "0 9 * * MON", "0 9 * * 7", "0 9 */2 * *"]) {
    it(`"${cron}": loaded by loadRules, evaluated by the engine at its fire times`, async () => {
      const file = join(tmp, `${cron.replace(/\W+/g, "_")}.rules`);
      writeFileSync(
        file,
        `groups:\n  - name: c\n    cron: "${cron}"\n    rules:\n      - record: r\n        expr: x\n`,
      );
      const res = await loadRules([file]);
      expect(res.problems).toEqual([]);
      const deps = makeDeps();
      const schedule = parseCron(cron);
      const first = schedule.next(deps.clock.now()) as number;
      const second = schedule.next(first) as number;
      const e = new Engine(deps);
      await e.start(res.groups);
      await deps.clock.advance(second - deps.clock.now());
      expect(deps.q.calls.map((c) => c.time)).toEqual([first, second]);
      await e.stop();
    });
  }
});
