// README.md carries the flag table generated from src/cli/flags.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flagsMarkdownTable } from "../../src/cli/help.js";

const doc = new URL("../../README.md", import.meta.url);
const START = "<!-- flags:start -->\n";
const END = "<!-- flags:end -->";

describe("README.md", () => {
  it("has the flag table generated from the flag table", () => {
    const text = readFileSync(doc, "utf8");
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    const current = text.slice(a + START.length, b);
    const generated = flagsMarkdownTable();
    if (process.env.TSALERT_UPDATE_DOCS === "1" && current !== generated) {
      writeFileSync(doc, text.slice(0, a + START.length) + generated + text.slice(b));
      return;
    }
    expect(current).toBe(generated);
  });
});
