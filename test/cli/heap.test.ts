import { describe, expect, it } from "vitest";
import { HEAP_FLAG, tuneHeap, WASM_FLAG, YOUNG_GENERATION_MIB, youngGenerationMiB } from "../../src/cli/heap.js";

describe("tuneHeap", () => {
  it("sets V8's heap growing factor and Liftoff-only wasm, each unless the node command line or NODE_OPTIONS decides", () => {
    expect(tuneHeap([], undefined)).toEqual([HEAP_FLAG, WASM_FLAG]);
    expect(tuneHeap(["--max-old-space-size=512"], "--enable-source-maps")).toEqual([HEAP_FLAG, WASM_FLAG]);
    expect(tuneHeap(["--heap-growing-percent=0"], undefined)).toEqual([WASM_FLAG]);
    expect(tuneHeap([], "--heap_growing_percent=20 --no-liftoff")).toEqual([]);
    expect(tuneHeap(["--wasm-tier-up"], undefined)).toEqual([HEAP_FLAG]);
  });
});

describe("youngGenerationMiB", () => {
  it("limits the engine thread's young generation unless the node command line or NODE_OPTIONS sizes it", () => {
    expect(youngGenerationMiB([], undefined)).toBe(YOUNG_GENERATION_MIB);
    expect(youngGenerationMiB(["--heap-growing-percent=0"], "--max-old-space-size=512")).toBe(YOUNG_GENERATION_MIB);
    expect(youngGenerationMiB(["--max-semi-space-size=16"], undefined)).toBeUndefined();
    expect(youngGenerationMiB([], "--min_semi_space_size=2")).toBeUndefined();
    expect(youngGenerationMiB([], "--semi-space-growth-factor=4")).toBeUndefined();
  });
});
