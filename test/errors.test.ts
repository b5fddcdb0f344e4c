import { describe, expect, it } from "vitest";
import { errorMessage } from "../src/errors.js";

describe("errorMessage", () => {
  it("is an Error's message, and the text of anything else thrown", () => {
    expect(errorMessage(new TypeError("bad"))).toBe("bad");
    // `(err as Error).message` printed "undefined" for these.
    expect(errorMessage("boom")).toBe("boom");
    expect(errorMessage(42)).toBe("42");
    expect(errorMessage(undefined)).toBe("undefined");
  });
});
