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

describe("-loggerMaxArgLen", () => {
  it("shortens long messages and field values to start..end, as vmalert (default 5000)", () => {
    const { lines, output } = capture();
    const log = createLogger({ output, disableTimestamps: true, maxArgLen: 10 });
    log.info({ body: "abcdefghijklmnopqrstuvwxyz" }, "0123456789ABCDEF");
    // maxLen/2 - 1 = 4 characters each side.
    expect(lines).toEqual(["info\ttsalert\t0123..CDEF body=abcd..wxyz"]);
    const def = capture();
    createLogger({ output: def.output, disableTimestamps: true, format: "json" }).error("x".repeat(20_000));
    const msg = JSON.parse(def.lines[0]).msg as string;
    expect(msg).toBe(`${"x".repeat(2499)}..${"x".repeat(2499)}`);
  });

  it("shortens the serialized error too (message and stack)", () => {
    const { lines, output } = capture();
    const log = createLogger({ output, disableTimestamps: true, format: "json", maxArgLen: 100 });
    log.error({ err: new Error("e".repeat(1000)) }, "failed");
    const rec = JSON.parse(lines[0]);
    expect(rec.err.message.length).toBeLessThanOrEqual(100);
    expect(rec.err.stack.length).toBeLessThanOrEqual(100);
  });
});

describe("one log call is one line", () => {
  it("escapes newlines, tabs and other control characters in the default format", () => {
    const { lines, output } = capture();
    const log = createLogger({ output, disableTimestamps: true });
    const peer = "line1\nline2\r\n\tcol\u001b[31mred\u0000";
    log.child({ component: "notifier" }).error({ body: peer }, `peer said: ${peer}`);
    expect(lines).toHaveLength(1);
    const cols = lines[0].split("\t");
    expect(cols).toHaveLength(3);
    expect(cols[2]).toBe(
      "peer said: line1\\nline2\\r\\n\\tcol\\u001b[31mred\\u0000 body=line1\\nline2\\r\\n\\tcol\\u001b[31mred\\u0000",
    );
  });

  it("keeps JSON lines valid JSON with the text intact", () => {
    const { lines, output } = capture();
    createLogger({ output, format: "json", disableTimestamps: true }).warn("a\nb\tc");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).msg).toBe("a\nb\tc");
  });
});

describe("-loggerTimezone", () => {
  const at = Date.UTC(2024, 0, 15, 10, 30, 45, 123);

  it("writes timestamps in the zone in vmalert's layout (Z for UTC, +hhmm otherwise)", () => {
    const utc = capture();
    createLogger({ output: utc.output, now: () => at }).info("x");
    expect(utc.lines[0].split("\t")[0]).toBe("2024-01-15T10:30:45.123Z");
    const berlin = capture();
    createLogger({ output: berlin.output, now: () => at, timezone: "Europe/Berlin" }).info("x");
    expect(berlin.lines[0].split("\t")[0]).toBe("2024-01-15T11:30:45.123+0100");
    const ny = capture();
    createLogger({ output: ny.output, now: () => at, timezone: "America/New_York", format: "json" }).info("x");
    expect(JSON.parse(ny.lines[0]).ts).toBe("2024-01-15T05:30:45.123-0500");
  });

  it("rejects an unknown zone with a flag error", () => {
    expect(() => createLogger({ timezone: "Mars/Olympus" })).toThrow(/"Mars\/Olympus" for flag -loggerTimezone/);
  });
});

describe("-loggerJSONFields", () => {
  it("renames ts, level, caller and msg in JSON lines", () => {
    const { lines, output } = capture();
    const log = createLogger({
      output,
      format: "json",
      now: () => 0,
      jsonFields: "ts:timestamp, msg:message,level:severity,caller:source",
    });
    log.child({ component: "http" }).info({ n: 1 }, "hello");
    expect(JSON.parse(lines[0])).toEqual({
      severity: "info",
      timestamp: "1970-01-01T00:00:00.000Z",
      source: "http",
      n: 1,
      message: "hello",
    });
  });

  it("rejects unknown fields and items without ':'", () => {
    expect(() => createLogger({ jsonFields: "time:t" })).toThrow(/-loggerJSONFields.*"time"/);
    expect(() => createLogger({ jsonFields: "ts" })).toThrow(/-loggerJSONFields/);
  });
});

describe("-loggerErrorsPerSecondLimit / -loggerWarnsPerSecondLimit", () => {
  it("per call site: N lines a second, the N-th prefixed as vmalert does, then a count of the dropped", () => {
    const { lines, output } = capture();
    let now = 1_000_000;
    const log = createLogger({
      output,
      disableTimestamps: true,
      errorsPerSecondLimit: 3,
      warnsPerSecondLimit: 1,
      now: () => now,
    });
    const noisy = (i: number) => log.error(`peer down ${i}`);
    for (let i = 0; i < 10; i++) noisy(i);
    log.error("another call site"); // not limited by the noisy one's count
    for (let i = 0; i < 4; i++) log.warn({ i }, "slow");
    log.info("info lines are never limited");
    expect(lines).toEqual([
      "error\ttsalert\tpeer down 0",
      "error\ttsalert\tpeer down 1",
      "error\ttsalert\tsuppressing log message with rate limit=3: peer down 2",
      "error\ttsalert\tanother call site",
      "warn\ttsalert\tsuppressing log message with rate limit=1: slow i=0",
      "info\ttsalert\tinfo lines are never limited",
    ]);
    now += 1000;
    lines.length = 0;
    noisy(99);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^error\ttsalert\tsuppressed 7 ERROR messages logged at .*log\.test\.ts:\d+ within one second \(-loggerErrorsPerSecondLimit=3\)$/,
    );
    expect(lines[1]).toMatch(
      /^warn\ttsalert\tsuppressed 3 WARN messages logged at .*log\.test\.ts:\d+ within one second \(-loggerWarnsPerSecondLimit=1\)$/,
    );
    expect(lines[2]).toBe("error\ttsalert\tpeer down 99");
  });

  it("rejects negative limits", () => {
    expect(() => createLogger({ errorsPerSecondLimit: -1 })).toThrow(/-loggerErrorsPerSecondLimit/);
  });
});
