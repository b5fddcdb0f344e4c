// Conformance: every unit-test file of the corpus passes or fails as its source says
// (manifest-unittest.json), on a real victoria-metrics started by `tsalert unittest` itself. The few
// files that cannot behave the same on VictoriaMetrics 1.79.5 are listed with the reason, and the test
// checks that reason is what shows.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unittest } from "../../src/unittest/cli.js";
import { CORPUS_DIR, corpusAvailable } from "../helpers/corpus.js";

const CORPUS = CORPUS_DIR;
interface Entry {
  file: string;
  expect: "pass" | "fail";
}
const manifest: Entry[] = corpusAvailable
  ? (JSON.parse(readFileSync(join(CORPUS, "manifest-unittest.json"), "utf8")) as Entry[])
  : [];

/** Flags the vmalert-tool sources run these files with. */
function flagsFor(file: string): string[] {
  if (file.includes("disable-group-label")) return ["-disableAlertgroupLabel"];
  if (file.includes("vmalert-tool")) return ["-external.label=cluster=prod", "-external.url=http://grafana:3000"];
  return [];
}

/** Files whose verdict differs on VictoriaMetrics 1.79.5, and the text in our output that shows why. */
const DIVERGES: Record<string, { why: string; shows: RegExp | null }> = {
  "unittest/prometheus/cmd/promtool/testdata/unittest.yml": {
    why: "native histogram input and expectations; VictoriaMetrics stores floats only",
    shows: /native histogram values/,
  },
  "unittest/prometheus/cmd/promtool/testdata/long-period.yml": {
    why: "expects Unix-epoch time zero and samples up to year 2262; VictoriaMetrics cannot query 1970-01-01 nor store far-future samples",
    shows: /drops samples more than 2 days ahead of now[\s\S]*\+ \{\} 946684800/,
  },
  "unittest/prometheus/cmd/promtool/testdata/start-time-test.yml": {
    why: "its default_start_time test expects time() = 0 at time zero (Unix epoch)",
    shows: /test "default_start_time"[\s\S]*\+ \{\} 946684800/,
  },
  "unittest/victoriametrics/app/vmalert-tool/unittest/testdata/long-period.yaml": {
    why: "written for vmalert-tool builds with Unix-epoch time zero (timestamp(test) = 0 at eval_time 0)",
    shows: /\+ \{\} 946684800/,
  },
  "unittest/prometheus/cmd/promtool/testdata/rules_run_fuzzy.yml": {
    why: "its 'wrong' test differs from 3 by a few ULPs; VictoriaMetrics stores 2.9999999999999987 as 3",
    shows: null,
  },
  "unittest/prometheus/cmd/promtool/testdata/rules_run_no_fuzzy.yml": {
    why: "differs from 3 by one ULP; VictoriaMetrics stores 2.9999999999999996 as 3",
    shows: null,
  },
};

async function runCLI(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const add = (t: string) => {
    out += t;
  };
  const io = { out: add, err: add };
  const code = await unittest(["-loggerLevel=FATAL", ...args], io);
  return { code, out };
}

describe.skipIf(!corpusAvailable)("unit-test corpus conformance (real victoria-metrics)", () => {
  for (const e of manifest) {
    const div = DIVERGES[e.file];
    const want = div ? (e.expect === "pass" ? "fail" : "pass") : e.expect;
    it(`${e.file} should ${want}${want === e.expect ? "" : ` (${div?.why})`}`, { timeout: 120_000 }, async () => {
      const { code, out } = await runCLI([...flagsFor(e.file), `--files=${join(CORPUS, e.file)}`]);
      expect(out).toContain(`Unit Testing: ${join(CORPUS, e.file)}`);
      if (want === "pass") {
        expect(out, out).toContain("SUCCESS");
        expect(code).toBe(0);
      } else {
        expect(out).toContain("FAILED");
        expect(code).toBe(1);
      }
      if (div?.shows) expect(out).toMatch(div.shows);
    });
  }

  it("every divergence names a real corpus file", () => {
    for (const f of Object.keys(DIVERGES)) expect(manifest.some((e) => e.file === f)).toBe(true);
  });
});
