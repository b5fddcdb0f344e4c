import { describe, expect, test } from "vitest";
import { type Labels, parseRelabelConfigs, relabel } from "../../src/notifier/relabel.js";
import { CATASTROPHIC } from "../helpers/catastrophic.js";

function run(labels: Labels, configs: unknown[]): Labels | null {
  return relabel(labels, parseRelabelConfigs(configs));
}

describe("relabel actions", () => {
  test("replace with defaults copies the joined source labels", () => {
    expect(run({ a: "x", b: "y" }, [{ source_labels: ["a", "b"], target_label: "c" }])).toEqual({
      a: "x",
      b: "y",
      c: "x;y",
    });
  });

  test("replace: anchored regex, groups, custom separator, non-matching leaves labels", () => {
    const cfg = [{ source_labels: ["addr"], regex: "(.+):(\\d+)", target_label: "port", replacement: "p$2" }];
    expect(run({ addr: "host:9093" }, cfg)).toEqual({ addr: "host:9093", port: "p9093" });
    // Anchored: "xhost:9093y" would match unanchored "(.+):(\d+)" partially, but not the whole value.
    expect(run({ addr: "host:90x" }, cfg)).toEqual({ addr: "host:90x" });
    expect(
      run({ a: "1", b: "2" }, [{ source_labels: ["a", "b"], separator: "-", target_label: "c", regex: "1-(.*)" }]),
    ).toEqual({
      a: "1",
      b: "2",
      c: "2",
    });
  });

  test("replace: named groups (?P<n>), braced group refs and Go's $1x (group named 1x = empty)", () => {
    const named = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Prometheus replacement syntax, not JS
      { source_labels: ["v"], regex: "(?P<first>\\w+)-(\\w+)", target_label: "t", replacement: "${first}_${2}" },
    ];
    expect(run({ v: "ab-cd" }, named)?.t).toBe("ab_cd");
    expect(run({ v: "ab" }, [{ source_labels: ["v"], target_label: "t", replacement: "$1x" }])?.t).toBeUndefined();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Prometheus replacement syntax, not JS
    expect(run({ v: "ab" }, [{ source_labels: ["v"], target_label: "t", replacement: "${1}x" }])?.t).toBe("abx");
    expect(run({ v: "ab" }, [{ source_labels: ["v"], target_label: "t", replacement: "$$1" }])?.t).toBe("$1");
  });

  test("replace: empty result deletes the target; templated target label names", () => {
    expect(run({ a: "", t: "old" }, [{ source_labels: ["a"], target_label: "t" }])).toEqual({});
    expect(run({ k: "zone" }, [{ source_labels: ["k"], target_label: "my_$1", replacement: "v" }])).toEqual({
      k: "zone",
      my_zone: "v",
    });
    // An expanded name that is not a valid label name is skipped.
    expect(run({ k: "1bad" }, [{ source_labels: ["k"], target_label: "$1", replacement: "v" }])).toEqual({ k: "1bad" });
  });

  test("keep and drop", () => {
    const keep = [{ source_labels: ["env"], regex: "prod|staging", action: "keep" }];
    expect(run({ env: "prod" }, keep)).toEqual({ env: "prod" });
    expect(run({ env: "production" }, keep)).toBeNull();
    expect(run({}, keep)).toBeNull();
    const drop = [{ source_labels: ["env"], regex: "dev", action: "drop" }];
    expect(run({ env: "dev" }, drop)).toBeNull();
    expect(run({ env: "dev2" }, drop)).toEqual({ env: "dev2" });
  });

  test("keepequal and dropequal compare the joined sources with the target label", () => {
    const ke = [{ source_labels: ["a"], target_label: "b", action: "keepequal" }];
    expect(run({ a: "1", b: "1" }, ke)).toEqual({ a: "1", b: "1" });
    expect(run({ a: "1", b: "2" }, ke)).toBeNull();
    const de = [{ source_labels: ["a"], target_label: "b", action: "dropequal" }];
    expect(run({ a: "1", b: "1" }, de)).toBeNull();
    expect(run({ a: "1", b: "2" }, de)).toEqual({ a: "1", b: "2" });
  });

  test("labelmap copies matching label names, keeping the originals", () => {
    const cfg = [{ regex: "__meta_(.+)", action: "labelmap" }];
    expect(run({ __meta_dc: "x", __meta_rack: "r1", other: "o" }, cfg)).toEqual({
      __meta_dc: "x",
      __meta_rack: "r1",
      dc: "x",
      rack: "r1",
      other: "o",
    });
    expect(run({ a_b: "1" }, [{ regex: "a_(.*)", replacement: "z_$1", action: "labelmap" }])).toEqual({
      a_b: "1",
      z_b: "1",
    });
  });

  test("labeldrop and labelkeep match label names (anchored)", () => {
    expect(run({ tmp_a: "1", tmp_b: "2", keep: "3", xtmp_c: "4" }, [{ regex: "tmp_.*", action: "labeldrop" }])).toEqual(
      {
        keep: "3",
        xtmp_c: "4",
      },
    );
    expect(run({ alertname: "A", job: "j", instance: "i" }, [{ regex: "alertname|job", action: "labelkeep" }])).toEqual(
      {
        alertname: "A",
        job: "j",
      },
    );
  });

  test("hashmod: low 8 bytes of MD5 modulo (values checked with Python's hashlib)", () => {
    expect(run({ a: "foo" }, [{ source_labels: ["a"], target_label: "h", modulus: 10, action: "hashmod" }])?.h).toBe(
      "6",
    );
    expect(
      run({ a: "a", b: "b" }, [{ source_labels: ["a", "b"], target_label: "h", modulus: 10, action: "hashmod" }])?.h,
    ).toBe("4");
    expect(
      run({ a: "127.0.0.1:9093" }, [{ source_labels: ["a"], target_label: "h", modulus: 3, action: "hashmod" }])?.h,
    ).toBe("2");
  });

  test("lowercase and uppercase", () => {
    expect(run({ a: "MiXed" }, [{ source_labels: ["a"], target_label: "l", action: "lowercase" }])?.l).toBe("mixed");
    expect(run({ a: "MiXed" }, [{ source_labels: ["a"], target_label: "u", action: "uppercase" }])?.u).toBe("MIXED");
  });

  test("actions are case-insensitive and applied in order", () => {
    const cfg = [
      { source_labels: ["a"], target_label: "b", action: "Replace" },
      { source_labels: ["b"], regex: "x", action: "DROP" },
    ];
    expect(run({ a: "x" }, cfg)).toBeNull();
    expect(run({ a: "y" }, cfg)).toEqual({ a: "y", b: "y" });
  });

  test("input labels are not modified", () => {
    const input = { a: "1" };
    run(input, [{ source_labels: ["a"], target_label: "b" }]);
    expect(input).toEqual({ a: "1" });
  });
});

describe("relabel regexes are RE2", () => {
  const valid = CATASTROPHIC.filter((c) => c.error === undefined);
  test.each(valid)("$pattern on a long value, in every action that matches", ({ pattern, input }) => {
    // A backtracking engine does not finish these within the test timeout.
    const cfg = (action: string, extra: object = {}) => ({ source_labels: ["v"], regex: pattern, action, ...extra });
    const labels = { v: input, [input.slice(0, 100).replace(/\W/g, "_")]: "x" };
    run(labels, [cfg("replace", { target_label: "t", replacement: "[$1]" })]);
    run(labels, [cfg("keep")]);
    run(labels, [cfg("drop")]);
    run(labels, [{ regex: pattern, action: "labelmap", replacement: "m_$1" }]);
    run(labels, [{ regex: pattern, action: "labeldrop" }]);
  });

  test("syntax RE2 refuses is a load error in Go's words", () => {
    for (const c of CATASTROPHIC.filter((x) => x.error !== undefined)) {
      expect(() => parseRelabelConfigs([{ source_labels: ["a"], target_label: "b", regex: c.pattern }])).toThrow(
        `relabel_configs[0]: invalid regex "${c.pattern}": ${c.error}`,
      );
    }
    expect(() => parseRelabelConfigs([{ source_labels: ["a"], target_label: "b", regex: "a(?=b)" }])).toThrow(
      "invalid or unsupported Perl syntax: `(?=`",
    );
  });

  test("Go semantics: . matches \\r, flags inside the pattern, $name with non-ASCII letters", () => {
    expect(run({ v: "a\rb" }, [{ source_labels: ["v"], regex: "a.b", action: "keep" }])).not.toBeNull();
    expect(run({ v: "aB" }, [{ source_labels: ["v"], regex: "a(?i)b", action: "keep" }])).not.toBeNull();
    const cfg = [{ source_labels: ["v"], regex: "(?P<x>.*)", target_label: "t", replacement: "<$xé>" }];
    expect(run({ v: "ab" }, cfg)?.t).toBe("<>");
  });
});

describe("relabel config validation", () => {
  const bad: [unknown, RegExp][] = [
    [{ action: "explode" }, /unknown relabel action "explode"/],
    [{ source_labels: ["a"] }, /requires target_label/],
    [{ source_labels: ["a"], target_label: "x", action: "hashmod" }, /non-zero modulus/],
    [{ source_labels: ["a"], target_label: "x", regex: "(" }, /invalid regex "\("/],
    [{ source_labels: ["a"], target_label: "1x" }, /invalid target_label/],
    [{ source_labels: ["a-b"], target_label: "x" }, /invalid source label name "a-b"/],
    [
      { regex: "a", action: "labeldrop", target_label: "x" },
      /target_label is not allowed for relabel action labeldrop/,
    ],
    [{ source_labels: ["a"], target_label: "b", action: "keepequal", regex: "x" }, /regex is not allowed/],
    [{ source_labels: ["a"], target_label: "b", sourcelabels: ["x"] }, /unknown field "sourcelabels"/],
    ["just a string", /must be a mapping/],
  ];
  test.each(bad)("%j is rejected", (cfg, msg) => {
    expect(() => parseRelabelConfigs([cfg], "alert_relabel_configs")).toThrow(msg);
    expect(() => parseRelabelConfigs([cfg], "alert_relabel_configs")).toThrow(/^alert_relabel_configs\[0\]: /);
  });
});
