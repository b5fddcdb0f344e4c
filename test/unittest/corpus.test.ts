// Conformance: every unit-test file of the corpus passes or fails as its source says
// (manifest-unittest.json), and every real-world file of unittest-realworld gets the verdict its
// manifest expects of tsalert (tsalert_expect: upstream's, except where current Prometheus differs on
// purpose). promtool-dialect files run in process; vmalert-tool ones on the real victoria-metrics that
// `tsalert unittest` starts itself. The one file that cannot behave the same is listed with the reason,
// and the test checks that reason is what shows.

import { existsSync, readFileSync } from "node:fs";
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

interface RealWorld {
  test: string;
  dialect: "promtool" | "vmalert-tool";
  upstream_expect: "pass" | "fail";
  tsalert_expect?: "pass" | "fail";
}
const REALWORLD = join(CORPUS, "unittest-realworld");
const realworld: RealWorld[] =
  corpusAvailable && existsSync(join(REALWORLD, "manifest.json"))
    ? (JSON.parse(readFileSync(join(REALWORLD, "manifest.json"), "utf8")) as RealWorld[])
    : [];

/** Flags the vmalert-tool sources run these files with. */
function flagsFor(file: string): string[] {
  if (file.includes("disable-group-label")) return ["-disableAlertgroupLabel"];
  if (file.includes("vmalert-tool") || file.includes("victoriametrics-docs")) {
    return ["-external.label=cluster=prod", "-external.url=http://grafana:3000"];
  }
  return [];
}

/** Files whose verdict differs, and the text in our output that shows why. */
const DIVERGES: Record<string, { why: string; shows: RegExp | null }> = {
  "unittest/prometheus/cmd/promtool/testdata/unittest.yml": {
    why: "native histogram input and expectations; tsalert evaluates float samples only",
    shows: /native histogram values/,
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

function expectVerdict(out: string, code: number, want: "pass" | "fail"): void {
  if (want === "pass") {
    expect(out, out).toContain("SUCCESS");
    expect(code).toBe(0);
  } else {
    expect(out).toContain("FAILED");
    expect(code).toBe(1);
  }
}

describe.skipIf(!corpusAvailable)("unit-test corpus conformance", () => {
  for (const e of manifest) {
    const div = DIVERGES[e.file];
    const want = div ? (e.expect === "pass" ? "fail" : "pass") : e.expect;
    it(`${e.file} should ${want}${want === e.expect ? "" : ` (${div?.why})`}`, { timeout: 120_000 }, async () => {
      const { code, out } = await runCLI([...flagsFor(e.file), `--files=${join(CORPUS, e.file)}`]);
      expect(out).toContain(`Unit Testing: ${join(CORPUS, e.file)}`);
      expectVerdict(out, code, want);
      if (div?.shows) expect(out).toMatch(div.shows);
    });
  }

  it("every divergence names a real corpus file", () => {
    for (const f of Object.keys(DIVERGES)) expect(manifest.some((e) => e.file === f)).toBe(true);
  });
});

describe.skipIf(realworld.length === 0)("real-world unit-test files (unittest-realworld)", () => {
  for (const e of realworld) {
    const want = e.tsalert_expect ?? e.upstream_expect;
    it(`${e.test} should ${want} (${e.dialect} dialect)`, { timeout: 120_000 }, async () => {
      const { code, out } = await runCLI([...flagsFor(e.test), join(REALWORLD, e.test)]);
      expect(out).toContain(`(${e.dialect} dialect`);
      expectVerdict(out, code, want);
    });
  }
});
