import { describe, expect, it } from "vitest";
import { WriteBarrier } from "../../src/rule/barrier.js";
import { FakeClock } from "../../src/rule/clock.js";

const never = new AbortController().signal;

describe("WriteBarrier", () => {
  it("a reader waits until its producer has written the same evaluation time", async () => {
    const clock = new FakeClock();
    const b = new WriteBarrier(clock);
    let late: string[] | undefined;
    void b.waitFor(["g1"], 1000, 60_000, never).then((l) => {
      late = l;
    });
    await clock.advance(10);
    b.markWritten("g1", 0);
    await clock.advance(10);
    expect(late).toBeUndefined();
    b.markWritten("g1", 1000);
    await clock.advance(0);
    expect(late).toEqual([]);
  });

  it("stops waiting after the bound, names the producer, and does not wait for it again until it writes", async () => {
    const clock = new FakeClock();
    const b = new WriteBarrier(clock);
    let late: string[] | undefined;
    void b.waitFor(["g1", "g2"], 1000, 60_000, never).then((l) => {
      late = l;
    });
    b.markWritten("g2", 1000);
    await clock.advance(59_999);
    expect(late).toBeUndefined();
    await clock.advance(1);
    expect(late).toEqual(["g1"]);
    // The stuck group is skipped from now on: the next iteration does not wait.
    expect(await b.waitFor(["g1"], 2000, 60_000, never)).toEqual([]);
    // Once it writes again, it is waited for again.
    b.markWritten("g1", 1000);
    let again: string[] | undefined;
    void b.waitFor(["g1"], 2000, 60_000, never).then((l) => {
      again = l;
    });
    await clock.advance(10);
    expect(again).toBeUndefined();
    b.markWritten("g1", 2000);
    await clock.advance(0);
    expect(again).toEqual([]);
  });

  it("a cancelled wait ends at once, without blaming the producer", async () => {
    const clock = new FakeClock();
    const b = new WriteBarrier(clock);
    const ctl = new AbortController();
    const p = b.waitFor(["g1"], 1000, 60_000, ctl.signal);
    ctl.abort();
    expect(await p).toEqual([]);
  });
});
