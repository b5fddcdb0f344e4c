import { describe, expect, it } from "vitest";
import { memo } from "../src/memo.js";

describe("memo", () => {
  it("makes a value once per key, and stays within its bound by starting over", () => {
    const map = new Map<number, string>();
    let made = 0;
    const get = (k: number) =>
      memo(map, k, 3, () => {
        made++;
        return `v${k}`;
      });
    expect([get(1), get(1), get(2), get(3)]).toEqual(["v1", "v1", "v2", "v3"]);
    expect(made).toBe(3);
    expect(get(4)).toBe("v4");
    expect(map.size).toBeLessThanOrEqual(3);
    expect(get(1)).toBe("v1");
    expect(made).toBe(5);
  });
});
