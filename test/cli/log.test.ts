import { describe, expect, it } from "vitest";
import { TsalertError } from "../../src/errors.js";
import { createLogger } from "../../src/log.js";

function capture() {
  const lines: string[] = [];
  return { lines, output: { write: (s: string) => lines.push(...s.split("\n").filter(Boolean)) } };
}

describe("createLogger", () => {
  it("default format: tab-separated ts, level, caller, msg", () => {
    const { lines, output } = capture();
    const log = createLogger({ output });
    log.child({ component: "config" }).info({ files: 2 }, "loaded rules");
    expect(lines).toHaveLength(1);
    const [ts, level, caller, msg] = lines[0].split("\t");
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect([level, caller, msg]).toEqual(["info", "config", "loaded rules files=2"]);
  });

  it("json format: one object per line", () => {
    const { lines, output } = capture();
    createLogger({ output, format: "json", disableTimestamps: true }).warn("careful");
    expect(JSON.parse(lines[0])).toEqual({ level: "warn", msg: "careful" });
  });

  it("honours -loggerLevel, PANIC as the highest", () => {
    const { lines, output } = capture();
    const log = createLogger({ output, level: "ERROR", disableTimestamps: true });
    log.info("no");
    log.warn("no");
    log.error("yes");
    expect(lines).toEqual(["error\ttsalert\tyes"]);
    const quiet = capture();
    const p = createLogger({ output: quiet.output, level: "PANIC", disableTimestamps: true });
    p.error("no");
    p.fatal("yes");
    expect(quiet.lines).toEqual(["fatal\ttsalert\tyes"]);
  });

  it("masks credentials in logged objects", () => {
    const { lines, output } = capture();
    const log = createLogger({ output, format: "json", disableTimestamps: true });
    log.info({ password: "p1", cfg: { bearerToken: "t1", url: "u" }, headers: { authorization: "Basic x" } }, "cfg");
    const text = lines.join("\n");
    for (const secret of ["p1", "t1", "Basic x"]) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]).cfg).toEqual({ bearerToken: "secret", url: "u" });
  });

  it("rejects bad level, format and output with TSA_FLAG errors naming the flag", () => {
    expect(() => createLogger({ level: "LOUD" })).toThrow(TsalertError);
    expect(() => createLogger({ level: "LOUD" })).toThrow(/-loggerLevel/);
    expect(() => createLogger({ format: "logfmt" })).toThrow(/-loggerFormat/);
    expect(() => createLogger({ output: "file" })).toThrow(/-loggerOutput/);
  });
});
