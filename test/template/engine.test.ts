// Engine behaviour beyond the differential test: errors for bad input, limits, the async query path,
// validation positions and -rule.templates loading.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Metric } from "../../src/datasource/types.js";
import { TsalertError } from "../../src/errors.js";
import { MAX_DEPTH } from "../../src/template/exec.js";
import {
  type AlertTemplateData,
  compileTemplate,
  loadTemplateFiles,
  type RenderContext,
  validateTemplate,
} from "../../src/template/index.js";
import { MAX_PARSE_DEPTH } from "../../src/template/parser.js";
import { withStackUsed } from "../helpers/stack.js";

const DATA: AlertTemplateData = {
  labels: { job: "node", instance: "host1:9100" },
  value: 42.5,
  expr: "up == 0",
  externalLabels: {},
  externalURL: "",
};
const CTX: RenderContext = { externalURL: "http://localhost:8880" };

const render = (text: string, data: Partial<AlertTemplateData> = {}, ctx: RenderContext = CTX) =>
  compileTemplate(text).render({ ...DATA, ...data }, ctx);

async function execError(text: string, ctx: RenderContext = CTX): Promise<string> {
  try {
    const out = await render(text, {}, ctx);
    throw new Error(`expected an error, got ${JSON.stringify(out)}`);
  } catch (err) {
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).code).toBe("TSA_TEMPLATE_EXEC");
    return (err as Error).message;
  }
}

async function parseError(text: string): Promise<string> {
  const t = compileTemplate(text);
  const err = await t.render(DATA, CTX).then(
    (out) => new Error(`expected a parse error, got ${JSON.stringify(out)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TsalertError);
  expect((err as TsalertError).code).toBe("TSA_TEMPLATE");
  expect(validateTemplate(text)?.message).toBe((err as Error).message);
  return (err as Error).message;
}

describe("parse errors use Go's wording", () => {
  it.each([
    ["{{ 1 }} {{ $labels.job", "template: :1: unclosed action"],
    ["a\n{{ if true }}x", "template: :2: unexpected EOF"],
    ["{{ nosuch 1 }}", 'template: :1: function "nosuch" not defined'],
    ["{{ }}", "template: :1: missing value for command"],
    ["{{ if }}x{{ end }}", "template: :1: missing value for if"],
    ['{{ "abc }}', "template: :1: unterminated quoted string"],
    ["{{ 12ab }}", 'template: :1: bad number syntax: "12ab"'],
    ["{{/* x }}", "template: :1: unclosed comment"],
    ["{{ end }}", "template: :1: unexpected {{end}}"],
    ["{{ $nope }}", 'template: :1: undefined variable "$nope"'],
    ["{{ break }}", "template: :1: {{break}} outside {{range}}"],
    ["{{ 1 | 2 }}", "template: :1: non executable command in pipeline stage 2"],
    ["{{ ( 1 }}", "template: :1: unclosed left paren"],
    ["{{ 1 ) }}", "template: :1: unexpected right paren"],
    ['{{ "\\q" }}', "template: :1: invalid syntax"],
    ["{{ $value * 100 }}", 'template: :1: unexpected "*" in operand'],
    ["{{ 1 + 2 }}", 'template: :1: bad number syntax: "+"'],
  ])("%j", async (text, msg) => {
    expect(await parseError(text)).toBe(msg);
  });

  it("validateTemplate reports positions relative to the text", () => {
    expect(validateTemplate("plain text")).toBeNull();
    expect(validateTemplate("{{ $labels.job }} {{ $value | humanize }}")).toBeNull();
    expect(validateTemplate("line1\n  {{ nosuch }}")).toEqual({
      message: 'template: :2: function "nosuch" not defined',
      line: 2,
      col: 6,
    });
    expect(validateTemplate("{{ }}")?.message).toBe("template: :1: missing value for command");
  });
});

describe("execution errors", () => {
  it.each([
    ["{{ humanize }}", "wrong number of args for humanize: want 1 got 0"],
    ["{{ humanize 1 2 }}", "wrong number of args for humanize: want 1 got 2"],
    ["{{ toUpper 1 }}", "expected string; found 1"],
    ["{{ toUpper $value }}", "wrong type for value; expected string; got float64"],
    ["{{ $value | toUpper }}", "wrong type for value; expected string; got float64"],
    ['{{ first "x" }}', `can't handle "x" for arg of type []templates.metric`],
    ["{{ $labels.job | first }}", "wrong type for value; expected []templates.metric; got string"],
    ['{{ humanize "abc" }}', 'error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax'],
    ["{{ gt $value 10 }}", "error calling gt: incompatible types for comparison"],
    ["{{ lt true false }}", "error calling lt: invalid type for comparison"],
    ['{{ index "ab" 5 }}', "error calling index: index out of range: 5"],
    ["{{ len 3 }}", "error calling len: len of type int"],
    ["{{ $value.Foo }}", "can't evaluate field Foo in type float64"],
    ['{{ template "nope" }}', 'template "nope" not defined'],
    ['{{ $labels.job "x" }}', "job is not a method but has arguments"],
    ["{{ range $value }}{{ end }}", "range can't iterate over 42.5"],
    ['{{ match "(a)\\\\1" "aa" }}', "error calling match: error parsing regexp: invalid escape sequence: `\\1`"],
    [
      '{{ match "(?=a)" "aa" }}',
      "error calling match: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
    ],
    [
      '{{ reReplaceAll "(?<=a)b" "x" "ab" }}',
      // Go 1.22 reads `(?<` as the start of a named group `(?<name>...)`.
      "error calling reReplaceAll: regexp: Compile(`(?<=a)b`): error parsing regexp: invalid named capture: `(?<=a)b`",
    ],
  ])("%j", async (text, msg) => {
    const err = await execError(text);
    expect(err).toMatch(/^template: :1:\d+: executing "" at <.*>: /);
    expect(err.endsWith(msg)).toBe(true);
  });

  it("counts columns of line 1 after newest vmalert's variable header, $interval included", async () => {
    // vmalert prepends 12 `{{ $x := .X }}` declarations (a 316-byte header) to every text.
    expect(await execError("{{ humanize }}")).toBe(
      'template: :1:319: executing "" at <humanize>: wrong number of args for humanize: want 1 got 0',
    );
  });

  it("locates errors on later lines without the header offset", async () => {
    expect(await execError("ok\n  {{ humanize }}")).toBe(
      'template: :2:5: executing "" at <humanize>: wrong number of args for humanize: want 1 got 0',
    );
  });

  it("limits `template` recursion depth", async () => {
    const msg = await execError('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}');
    expect(msg).toContain(`exceeded maximum template depth (${MAX_DEPTH})`);
  });

  // Near the end of the stack V8 may abort the process instead of throwing (a regexp compiled there),
  // so the limits must hold with half of the stack already in use, for the costliest kinds of nesting.
  it.each([
    ["template", '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}'],
    [
      "template in range",
      '{{ define "r" }}{{ range $i := (args 1) }}{{ template "r" $ }}{{ end }}{{ end }}{{ template "r" . }}',
    ],
    [
      "template in if/with",
      '{{ define "r" }}{{ if 1 }}{{ with 1 }}{{ template "r" $ }}{{ end }}{{ end }}{{ end }}{{ template "r" . }}',
    ],
    ["template with parens", '{{ define "r" }}{{ template "r" (((((.))))) }}{{ end }}{{ template "r" . }}'],
  ])("stops %s recursion at its limit with half of the stack in use", async (_kind, text) => {
    const t = compileTemplate(text);
    const p = withStackUsed(0.5, () => t.render(DATA, CTX));
    await expect(p).rejects.toThrow(`exceeded maximum template depth (${MAX_DEPTH})`);
  });

  it.each([
    ["parens", `{{ ${"(".repeat(20000)}1${")".repeat(20000)} }}`],
    ["if", `${"{{if 1}}".repeat(5000)}${"{{end}}".repeat(5000)}`],
    ["else if", `{{if 0}}${"{{else if 0}}".repeat(5000)}{{end}}`],
  ])("refuses %s nested thousands deep with Go's message", async (_kind, text) => {
    expect(await parseError(text)).toBe("template: :1: max expression depth exceeded");
  });

  it.each([
    ["if", (n: number) => `${"{{if 1}}".repeat(n)}x${"{{end}}".repeat(n)}`],
    ["range", (n: number) => `${"{{range $i := (args 1)}}".repeat(n)}x${"{{end}}".repeat(n)}`],
    ["parens", (n: number) => `{{ ${"(".repeat(n)}1${")".repeat(n)} }}`],
    ["else if", (n: number) => `{{if 0}}${"{{else if 0}}".repeat(n)}{{else}}x{{end}}`],
  ])("parses and runs %s nested to the parse limit with half of the stack in use", async (_kind, make) => {
    const text = make(MAX_PARSE_DEPTH - 2);
    expect(withStackUsed(0.5, () => validateTemplate(text))).toBeNull();
    expect(validateTemplate(make(MAX_PARSE_DEPTH + 1))?.message).toContain("max expression depth exceeded");
    const t = compileTemplate(text);
    expect(await withStackUsed(0.5, () => t.render(DATA, CTX))).toMatch(/^(x|1)$/);
  });

  it("stops exponential recursion by a work budget", async () => {
    const msg = await execError(
      '{{ define "r" }}{{ if lt (len .) 40 }}{{ template "r" (printf "%sx" .) }}{{ template "r" (printf "%sy" .) }}{{ end }}{{ end }}{{ template "r" "" }}',
    );
    expect(msg).toMatch(/exceeded \d+ steps/);
  });

  it("caps output at 1 MB and says so", async () => {
    const msg = await execError('{{ $s := printf "%01000000d" 0 }}{{ $s }}{{ $s }}');
    expect(msg).toContain("template output exceeds the limit of 1048576 bytes (1 MB)");
    expect((await render('{{ printf "%0100d" 0 }}')).length).toBe(100);
  });

  it("runs regexps in linear time (RE2), with Go's syntax and semantics", async () => {
    const evil = `{{ match "^(a+)+$" "${"a".repeat(60)}b" }}|{{ reReplaceAll "(x+x+)+y" "-" "${"x".repeat(60)}" }}`;
    expect(await render(evil)).toBe(`false|${"x".repeat(60)}`);
    expect(await render('{{ match "(\\\\pL+)+$" "abc" }} {{ match "^\\\\pL+$" "héllo" }}')).toBe("true true");
    expect(
      await render('{{ match "^a.c$" "a\\rc" }} {{ match "^a.c$" "a\\nc" }} {{ match "(?s)^a.c$" "a\\nc" }}'),
    ).toBe("true false true");
    // Flags anywhere in the pattern, and (?U) (ungreedy), as in Go.
    expect(await render('{{ match "^a(?i)b$" "aB" }} {{ match "^a(?i:b)c$" "aBC" }}')).toBe("true false");
    expect(await render('{{ reReplaceAll "(?U)a+" "x" "aaa" }}')).toBe("xxx");
  });

  it("stops reReplaceAll when replacing every match turns quadratic (a.*b|a scans to the end per match)", async () => {
    const msg = await execError('{{ $s := printf "%030000d" 0 }}{{ reReplaceAll "0.*b|0" "x" $s }}');
    expect(msg).toContain(
      "error calling reReplaceAll: regexp: replacing all matches in 30000 characters took more than",
    );
  });

  it("caps the input of regexp functions and the size of their patterns", async () => {
    // Values a template builds stop at the 1 MB output cap first; a label value from the datasource may be longer.
    const long = { labels: { big: "0".repeat(2_000_000) } };
    let msg = "";
    await render('{{ match "a" $labels.big }}', long).catch((err: Error) => {
      msg = err.message;
    });
    expect(msg).toContain("regexp input of 2000000 characters exceeds the limit of 1048576");
    expect(
      await execError(
        '{{ match "(?:a{1000}){0}b{1000}c{1000}d{1000}e{1000}f{1000}g{1000}h{1000}i{1000}j{1000}k{1000}" "a" }}',
      ),
    ).toContain("error parsing regexp: expression too large");
  });
});

describe("query", () => {
  const series: Metric[] = [
    { labels: { __name__: "m", idx: "b" }, timestamp: 1700000000, value: 2 },
    { labels: { __name__: "m", idx: "a" }, timestamp: 1700000000, value: 1 },
  ];

  it("awaits queries and caches each expression within one render", async () => {
    const asked: string[] = [];
    const ctx: RenderContext = {
      externalURL: "",
      query: async (q) => {
        asked.push(q);
        return q === "m" ? series : [];
      },
    };
    const out = await render(
      '{{ range query "m" | sortByLabel "idx" }}{{ .Labels.idx }}={{ .Value }} {{ end }}{{ query "m" | len }} {{ query "none" | len }} {{ (query "m" | first).Timestamp }}',
      {},
      ctx,
    );
    expect(out).toBe("a=1 b=2 2 0 1700000000");
    expect(asked).toEqual(["m", "none"]);
  });

  it("reports datasource failures and empty results as Go errors", async () => {
    const ctx: RenderContext = {
      externalURL: "",
      query: async () => {
        throw new Error("connection refused");
      },
    };
    expect(await execError('{{ query "m" | first | value }}', ctx)).toMatch(/error calling query: connection refused$/);
    const empty: RenderContext = { externalURL: "", query: async () => [] };
    expect(await execError('{{ query "m" | first | value }}', empty)).toMatch(
      /error calling first: first\(\) called on vector with no elements$/,
    );
    expect(await execError('{{ query "m" }}')).toMatch(/query is not available in this context$/);
  });
});

describe("functions and variables newer than vmalert 1.79.5 (checked against vmalert's docs)", () => {
  it("toTime, formatTime, parseDurationTime, now", async () => {
    expect(await render("{{ toTime 1679055557 }}")).toBe("2023-03-17 12:19:17 +0000 UTC");
    expect(await render("{{ (toTime 1679055557).Unix }} {{ (toTime 1679055557.5).UnixMilli }}")).toBe(
      "1679055557 1679055557500",
    );
    expect(await execError('{{ toTime "NaN" }}')).toMatch(/error calling toTime: cannot convert NaN to time.Time$/);
    expect(await render('{{ formatTime "2006-01-02T15:04:05Z07:00 Mon Jan _2 .000" 1679055557.25 }}')).toBe(
      "2023-03-17T12:19:17Z Fri Mar 17 .250",
    );
    expect(await render('{{ parseDurationTime "1h30m" }} {{ (parseDurationTime "90s").Seconds }}')).toBe("1h30m0s 90");
    const now = Number(await render("{{ now }}"));
    expect(Number.isInteger(now)).toBe(true);
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(60);
  });

  it("$alertID, $groupID, $activeAt, $for, $isPartial, $type and their .Fields", async () => {
    const data = {
      alertID: "123",
      groupID: "456",
      activeAt: new Date("2026-08-20T08:22:00.5Z"),
      for: 300_000,
      isPartial: true,
      type: "prometheus",
    };
    expect(
      await render(
        '{{ $alertID }} {{ .GroupID }} {{ $activeAt }} {{ $activeAt.Unix }} {{ ($activeAt.Add 1000000000).Format "15:04:05" }} {{ $for }} {{ $for.Minutes }} {{ $isPartial }} {{ $type }}',
        data,
      ),
    ).toBe("123 456 2026-08-20 08:22:00.5 +0000 UTC 1787214120 08:22:01 5m0s 5 true prometheus");
  });

  it("label templates see zero values for the extra variables", async () => {
    const t = compileTemplate("{{ $labels.job }} {{ $alertID }} {{ $for }} {{ $activeAt.IsZero }}", { limited: true });
    expect(await t.render({ ...DATA, alertID: "9", for: 60_000, activeAt: new Date() }, CTX)).toBe("node 0 0s true");
  });

  it("else with, range over an integer", async () => {
    expect(await render("{{ with $labels.x }}x{{ else with $labels.job }}{{ . }}{{ end }}")).toBe("node");
    expect(await render("{{ range 3 }}{{ . }}{{ end }}")).toBe("012");
  });

  it("humanize* accept numbers and numeric strings", async () => {
    expect(await render('{{ humanize "127087" }} {{ humanize1024 "127087" }} {{ humanizeDuration "42000" }}')).toBe(
      "127.1k 124.1ki 11h 40m 0s",
    );
    expect(await render("{{ $labels.job | len | humanize }}")).toBe("4");
  });

  it("texts without both delimiters are copied verbatim", async () => {
    expect(await render("{{ not closed")).toBe("{{ not closed");
    expect(await render("value }}")).toBe("value }}");
  });

  it("float printing follows Go %v", async () => {
    expect(await render("{{ $value }}", { value: 1234567 })).toBe("1.234567e+06");
    expect(await render("{{ $value }}", { value: 1e-5 })).toBe("1e-05");
    expect(await render("{{ $value }}", { value: 100000 })).toBe("100000");
    expect(await render("{{ $value }} {{ $value | humanize }}", { value: Number.NaN })).toBe("NaN NaN");
    expect(await render("{{ $value }}", { value: Number.POSITIVE_INFINITY })).toBe("+Inf");
  });
});

describe("-rule.templates", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tpl-load-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("makes defines of every matched file callable from rule templates", async () => {
    await writeFile(join(dir, "a.tpl"), '{{ define "a.host" }}{{ .instance | stripPort }}{{ end }}');
    await writeFile(join(dir, "b.tpl"), '{{ define "b.both" }}{{ template "a.host" . }}/{{ .job }}{{ end }}');
    const set = await loadTemplateFiles([join(dir, "*.tpl"), join(dir, "missing-*.tpl")]);
    expect(set.names).toEqual(["a.host", "a.tpl", "b.both", "b.tpl"]);
    const t = compileTemplate('{{ template "b.both" $labels }}', { set });
    expect(await t.render(DATA, CTX)).toBe("host1/node");
  });

  it("rules with the same text share one compiled template, per template set and kind", async () => {
    const text = "{{ $labels.instance }} is at {{ $value }}";
    const a = compileTemplate(text);
    expect(compileTemplate(text)).toBe(a);
    expect(compileTemplate(text, { limited: true })).not.toBe(a);
    await writeFile(join(dir, "c.tpl"), '{{ define "c.x" }}x{{ end }}');
    const set = await loadTemplateFiles([join(dir, "c.tpl")]);
    const inSet = compileTemplate(text, { set });
    expect(inSet).not.toBe(a);
    expect(compileTemplate(text, { set })).toBe(inSet);
    // Sharing changes nothing a render sees: two alerts, one compiled text.
    const other = { ...DATA, labels: { ...DATA.labels, instance: "host2:9100" }, value: 2 };
    expect(await a.render(DATA, CTX)).not.toBe(await a.render(other, CTX));
    expect(await a.render(other, CTX)).toBe(await compileTemplate(text).render(other, CTX));
  });

  it("names the file in parse and execution errors", async () => {
    const sub = await mkdtemp(join(dir, "bad-"));
    await writeFile(join(sub, "bad.tpl"), '{{ define "x" }}\n{{ nosuch }}{{ end }}');
    await expect(loadTemplateFiles([join(sub, "*.tpl")])).rejects.toThrow(
      `file ${join(sub, "bad.tpl")}: template: bad.tpl:2: function "nosuch" not defined`,
    );
    await writeFile(join(sub, "bad.tpl"), "{{ humanize . }}");
    await expect(loadTemplateFiles([join(sub, "*.tpl")])).rejects.toThrow(
      /failed to execute template file .*bad\.tpl: /,
    );
  });
});

describe("-rule.templates globbing", () => {
  it("supports * ? [..] and ** and skips patterns without matches", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tpl-glob-"));
    try {
      const { mkdir } = await import("node:fs/promises");
      await mkdir(join(dir, "x", "y"), { recursive: true });
      await writeFile(join(dir, "a1.tpl"), '{{ define "g.a1" }}a1{{ end }}');
      await writeFile(join(dir, "b.txt"), '{{ define "g.b" }}b{{ end }}');
      await writeFile(join(dir, "x", "y", "deep.tpl"), '{{ define "g.deep" }}deep{{ end }}');
      const names = async (p: string[]) => (await loadTemplateFiles(p)).names.filter((n) => n.startsWith("g."));
      expect(await names([join(dir, "a?.tpl")])).toEqual(["g.a1"]);
      expect(await names([join(dir, "[ab]*")])).toEqual(["g.a1", "g.b"]);
      expect(await names([join(dir, "**", "*.tpl")])).toEqual(["g.a1", "g.deep"]);
      expect(await names([join(dir, "none-*.tpl")])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("label names that are Object.prototype keys", () => {
  it("are plain missing labels", async () => {
    const ctx: RenderContext = {
      externalURL: "",
      query: async () => [{ labels: { a: "1" }, timestamp: 0, value: 1 }],
    };
    expect(
      await render(
        '[{{ $labels.constructor }}][{{ index $labels "toString" }}][{{ query "x" | first | label "constructor" }}][{{ (query "x" | first).Labels.__proto__ }}]',
        {},
        ctx,
      ),
    ).toBe("[][][][]");
  });
});
