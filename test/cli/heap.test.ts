import { describe, expect, it } from "vitest";
import { tuneHeap } from "../../src/cli/heap.js";

describe("tuneHeap", () => {
  it("sets V8's size-optimized heap unless the node command line or NODE_OPTIONS decides", () => {
    expect(tuneHeap([], undefined)).toBe(true);
    expect(tuneHeap(["--max-old-space-size=512"], "--enable-source-maps")).toBe(true);
    expect(tuneHeap(["--no-optimize-for-size"], undefined)).toBe(false);
    expect(tuneHeap([], "--no-optimize_for_size")).toBe(false);
    expect(tuneHeap(["--optimize-for-size"], "")).toBe(false);
  });
});
