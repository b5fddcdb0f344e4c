import { describe, expect, it } from "vitest";
import { tuneHeap } from "../../src/cli/heap.js";

describe("tuneHeap", () => {
  it("sets V8's heap growing factor unless the node command line or NODE_OPTIONS decides", () => {
    expect(tuneHeap([], undefined)).toBe(true);
    expect(tuneHeap(["--max-old-space-size=512"], "--enable-source-maps")).toBe(true);
    expect(tuneHeap(["--heap-growing-percent=0"], undefined)).toBe(false);
    expect(tuneHeap([], "--heap_growing_percent=20")).toBe(false);
  });
});
