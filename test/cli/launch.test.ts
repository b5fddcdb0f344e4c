import { describe, expect, it } from "vitest";
import { servesRules } from "../../src/cli/launch.js";

describe("servesRules", () => {
  it("is true for the engine's command line and false for the one-shot commands", () => {
    expect(servesRules(["-rule=a.rules", "-datasource.url=http://vm:8428"])).toBe(true);
    expect(servesRules([])).toBe(true);
    // A flag value that merely contains a one-shot flag's name is not that flag.
    expect(servesRules(["-rule=dryRun/*.rules", "-external.label=help=me"])).toBe(true);
    for (const argv of [
      ["lint", "a.rules"],
      ["unittest", "-files=t.yaml"],
      ["replay", "-rule=a.rules"],
      ["-rule=a.rules", "-dryRun"],
      ["--dryRun=true", "-rule=a.rules"],
      ["-help"],
      ["--version"],
      ["-rule=a.rules", "-replay.timeFrom=2026-01-01T00:00:00Z"],
    ]) {
      expect(servesRules(argv), argv.join(" ")).toBe(false);
    }
  });
});
