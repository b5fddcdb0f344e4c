// Reads a unit-test file (vmalert-tool's format, or promtool's `test rules` format) into plain types,
// strictly: unknown fields and bad notation are errors naming file:line.

import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { type Document, isMap, isScalar, LineCounter, type Node } from "yaml";
import { parseRuleDuration } from "../config/duration.js";
import { reindentQuotedContinuations } from "../config/lenient.js";
import { parseYamlDocument } from "../config/yaml.js";
import { errorMessage } from "../errors.js";
import {
  expandValues,
  type InputPoint,
  MAX_TEST_POINTS,
  NotationError,
  type NotationOptions,
  parseSeries,
} from "./notation.js";

export type TestFormat = "vmalert-tool" | "promtool";

export interface ExpSample {
  labels: Record<string, string>;
  value: number;
}

export interface ExpAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertTest {
  /** ms after the test's time zero. */
  evalTime: number;
  groupname?: string;
  alertname: string;
  expAlerts: ExpAlert[];
  line: number;
}

export interface ExprTest {
  expr: string;
  evalTime: number;
  expSamples: ExpSample[];
  line: number;
}

export interface InputSeries {
  labels: Record<string, string>;
  points: InputPoint[];
  line: number;
}

/** Fixture mode: what `expr` returns from `evalTime` on (until a later entry for the same expr). */
export interface FixtureResult {
  evalTime: number;
  expr: string;
  result: ExpSample[];
  line: number;
}

export interface TestGroup {
  name: string;
  /** Input sample spacing, ms. */
  interval: number;
  externalLabels: Record<string, string>;
  externalURL?: string;
  /** Unix ms of the test's time zero: 0 (the epoch) unless start_timestamp sets it. */
  startTime: number;
  inputSeries: InputSeries[];
  alertTests: AlertTest[];
  exprTests: ExprTest[];
  /** Set in fixture mode (no database). */
  queryResults?: FixtureResult[];
  line: number;
}

export interface TestFile {
  path: string;
  format: TestFormat;
  /** Resolved against the test file's directory (URLs kept). */
  ruleFiles: string[];
  evaluationInterval: number;
  groupEvalOrder: string[];
  /** promtool `fuzzy_compare`: floats compared with a small relative tolerance. */
  fuzzyCompare: boolean;
  tests: TestGroup[];
}

const DEFAULT_EVAL_INTERVAL = 60_000;

export class TestFileError extends Error {}

const KEYS = {
  top: ["rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"],
  test: [
    "name",
    "interval",
    "input_series",
    "alert_rule_test",
    "metricsql_expr_test",
    "promql_expr_test",
    "external_labels",
    "external_url",
    "start_timestamp",
    "query_results",
  ],
  series: ["series", "values"],
  alert: ["eval_time", "groupname", "alertname", "exp_alerts"],
  expAlert: ["exp_labels", "exp_annotations"],
  expr: ["expr", "eval_time", "exp_samples"],
  sample: ["labels", "value", "histogram"],
  fixture: ["eval_time", "expr", "result"],
  fixtureSample: ["labels", "value"],
};

type Path = (string | number)[];

class Reader {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    /** How numbers in values read (promtool's parser takes `010` as octal); set once the dialect is known. */
    public notation: NotationOptions = {},
  ) {}

  line(path: Path): number {
    const node = this.doc.getIn(path, true) as Node | undefined;
    const off = node?.range?.[0];
    if (off === undefined) return path.length > 0 ? this.line(path.slice(0, -1)) : 1;
    return this.lines.linePos(off).line;
  }

  fail(path: Path, msg: string): never {
    throw new TestFileError(`${this.file}:${this.line(path)}: ${msg}`);
  }

  /** No value: absent, or a key with nothing after it (`input_series:`), which Go reads as null. */
  empty(v: unknown, path: Path): boolean {
    if (v === null || v === undefined) return true;
    if (v !== "") return false;
    const node = this.doc.getIn(path, true);
    return isScalar(node) && node.type === "PLAIN" && node.source === "";
  }

  obj(v: unknown, path: Path, keys: string[], what: string): Record<string, unknown> {
    if (this.empty(v, path)) return {};
    if (typeof v !== "object" || Array.isArray(v)) this.fail(path, `${what}: want a mapping`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.fail([...path, k], `${what}: field ${k} not found (known: ${keys.join(", ")})`);
    }
    return o;
  }

  list(v: unknown, path: Path, what: string): unknown[] {
    if (this.empty(v, path)) return [];
    if (!Array.isArray(v)) this.fail(path, `${what}: want a list`);
    return v;
  }

  str(v: unknown, path: Path, what: string, required = false): string {
    if (v === null || v === undefined) {
      if (required) this.fail(path, `${what} is required`);
      return "";
    }
    if (typeof v === "object") this.fail(path, `${what}: want a string`);
    return String(v);
  }

  dur(v: unknown, path: Path, what: string, dflt: number): number {
    if (v === null || v === undefined) return dflt;
    const ms = parseRuleDuration(v);
    if (ms === null || ms < 0) this.fail(path, `${what}: bad duration ${JSON.stringify(v)}`);
    return ms as number;
  }

  strMap(v: unknown, path: Path, what: string): Record<string, string> {
    const o = this.obj(v, path, Object.keys((v as object) ?? {}), what);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(o)) out[k] = x === null ? "" : String(x);
    return out;
  }

  labels(v: unknown, path: Path, what: string): Record<string, string> {
    try {
      return parseSeries(this.str(v, path, what));
    } catch (err) {
      this.fail(path, `${what}: ${errorMessage(err)}`);
    }
  }

  num(v: unknown, path: Path, what: string): number {
    if (typeof v === "number") return v;
    if (typeof v === "string") {
      const pts = this.points(v, path, what);
      if (pts.length === 1 && typeof pts[0] === "number") return pts[0];
    }
    this.fail(path, `${what}: want a number`);
  }

  points(v: unknown, path: Path, what: string): InputPoint[] {
    try {
      return expandValues(this.str(v, path, what), this.notation);
    } catch (err) {
      if (err instanceof NotationError) this.fail(path, `${what}: ${err.message}`);
      throw err;
    }
  }
}

function detectFormat(top: Record<string, unknown>): TestFormat {
  if ("fuzzy_compare" in top) return "promtool";
  let metricsql = false;
  let groupname = false;
  for (const t of Array.isArray(top.tests) ? top.tests : []) {
    if (!t || typeof t !== "object") continue;
    const o = t as Record<string, unknown>;
    if ("promql_expr_test" in o || "start_timestamp" in o) return "promtool";
    if ("metricsql_expr_test" in o) metricsql = true;
    for (const a of Array.isArray(o.alert_rule_test) ? o.alert_rule_test : []) {
      if (a && typeof a === "object" && "groupname" in a) groupname = true;
    }
  }
  return metricsql || groupname ? "vmalert-tool" : "promtool";
}

function parseStart(r: Reader, v: unknown, path: Path): number {
  // Both tools count a test's time from the Unix epoch unless start_timestamp says otherwise.
  if (v === undefined || v === null) return 0;
  const s = String(v);
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) r.fail(path, `start_timestamp: want RFC3339 or Unix seconds, got ${JSON.stringify(s)}`);
  return t;
}

/** Parses the text of a test file; `format` forces one format instead of detecting it. */
export function parseTestFile(path: string, text: string, format?: TestFormat): TestFile {
  let lines = new LineCounter();
  // Every scalar stays a string, as Go's YAML reads them into string fields: `values: 0x10` is the
  // expanding notation, not the hex number 16.
  let doc = parseYamlDocument(text, { lineCounter: lines, uniqueKeys: true, schema: "failsafe" });
  if (doc.errors.length > 0) {
    // Go's YAML decoder accepts quoted values continued on lines indented no deeper than their key
    // (a series written over several lines); read them as it does. Line numbers stay.
    const fixed = reindentQuotedContinuations(text);
    if (fixed) {
      const fixedLines = new LineCounter();
      const again = parseYamlDocument(fixed.text, { lineCounter: fixedLines, uniqueKeys: true, schema: "failsafe" });
      if (again.errors.length === 0) {
        doc = again;
        lines = fixedLines;
      }
    }
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new TestFileError(`${path}:${e.linePos?.[0]?.line ?? 1}: ${e.message.split("\n")[0]}`);
  }
  const r = new Reader(path, doc, lines);
  const root = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (!isMap(doc.contents) && root !== null && root !== undefined) r.fail([], "want a mapping at the top");
  const top = r.obj(root, [], KEYS.top, "test file");
  const fmt = format ?? detectFormat(top);
  r.notation = { goIntegers: fmt === "promtool" };
  const remote = /^https?:\/\//.test(path);
  const dir = remote ? "" : dirname(path);
  const ruleFiles = r
    .list(top.rule_files, ["rule_files"], "rule_files")
    .map((f, i) => r.str(f, ["rule_files", i], "rule_files entry", true))
    .map((f) => {
      if (/^https?:\/\//.test(f)) return f;
      // Relative to the test file, also when that is a URL.
      if (remote) return new URL(f, path).toString();
      return isAbsolute(f) ? f : resolve(dir, f);
    });
  const evaluationInterval = r.dur(
    top.evaluation_interval,
    ["evaluation_interval"],
    "evaluation_interval",
    DEFAULT_EVAL_INTERVAL,
  );
  if (evaluationInterval <= 0) r.fail(["evaluation_interval"], "evaluation_interval must be positive");
  const groupEvalOrder = r
    .list(top.group_eval_order, ["group_eval_order"], "group_eval_order")
    .map((g, i) => r.str(g, ["group_eval_order", i], "group_eval_order entry", true));
  const seen = new Set<string>();
  groupEvalOrder.forEach((g, i) => {
    if (seen.has(g)) r.fail(["group_eval_order", i], `group_eval_order: group ${JSON.stringify(g)} listed twice`);
    seen.add(g);
  });
  if (top.fuzzy_compare !== undefined && top.fuzzy_compare !== "true" && top.fuzzy_compare !== "false") {
    r.fail(["fuzzy_compare"], "fuzzy_compare: want true or false");
  }
  const exprKey = fmt === "promtool" ? "promql_expr_test" : "metricsql_expr_test";
  const tests = r.list(top.tests, ["tests"], "tests").map((t, i): TestGroup => {
    const p: Path = ["tests", i];
    const keys = KEYS.test.filter((k) => k !== (fmt === "promtool" ? "metricsql_expr_test" : "promql_expr_test"));
    const o = r.obj(t, p, keys, `test ${i + 1}`);
    const name = r.str(o.name, [...p, "name"], "name");
    const interval = r.dur(o.interval, [...p, "interval"], "interval", evaluationInterval);
    if (interval <= 0) r.fail([...p, "interval"], "interval must be positive");
    let points = 0;
    const inputSeries = r.list(o.input_series, [...p, "input_series"], "input_series").map((s, j) => {
      const sp: Path = [...p, "input_series", j];
      const so = r.obj(s, sp, KEYS.series, "input_series entry");
      const series = {
        labels: r.labels(so.series, [...sp, "series"], "series"),
        points: r.points(so.values, [...sp, "values"], "values"),
        line: r.line([...sp, "series"]),
      };
      points += series.points.length;
      if (points > MAX_TEST_POINTS) {
        r.fail([...sp, "values"], `input_series: the test's series expand beyond ${MAX_TEST_POINTS} points in all`);
      }
      return series;
    });
    const alertTests = r.list(o.alert_rule_test, [...p, "alert_rule_test"], "alert_rule_test").map((a, j) => {
      const ap: Path = [...p, "alert_rule_test", j];
      const ao = r.obj(
        a,
        ap,
        fmt === "promtool" ? KEYS.alert.filter((k) => k !== "groupname") : KEYS.alert,
        "alert_rule_test",
      );
      const expAlerts = r.list(ao.exp_alerts, [...ap, "exp_alerts"], "exp_alerts").map((e, k) => {
        const ep: Path = [...ap, "exp_alerts", k];
        const eo = r.obj(e, ep, KEYS.expAlert, "exp_alerts entry");
        return {
          labels: r.strMap(eo.exp_labels, [...ep, "exp_labels"], "exp_labels"),
          annotations: r.strMap(eo.exp_annotations, [...ep, "exp_annotations"], "exp_annotations"),
        };
      });
      const test: AlertTest = {
        evalTime: r.dur(ao.eval_time, [...ap, "eval_time"], "eval_time", 0),
        alertname: r.str(ao.alertname, [...ap, "alertname"], "alertname", true),
        expAlerts,
        line: r.line(ap),
      };
      if (ao.groupname !== undefined) test.groupname = r.str(ao.groupname, [...ap, "groupname"], "groupname");
      return test;
    });
    const exprTests = r.list(o[exprKey], [...p, exprKey], exprKey).map((e, j) => {
      const ep: Path = [...p, exprKey, j];
      const eo = r.obj(e, ep, KEYS.expr, exprKey);
      const expSamples = r.list(eo.exp_samples, [...ep, "exp_samples"], "exp_samples").map((s, k) => {
        const sp: Path = [...ep, "exp_samples", k];
        const so = r.obj(s, sp, KEYS.sample, "exp_samples entry");
        if (so.histogram !== undefined) {
          r.fail(
            [...sp, "histogram"],
            "native histogram samples are not supported (tsalert evaluates float samples only)",
          );
        }
        return {
          labels: r.labels(so.labels, [...sp, "labels"], "labels"),
          value: r.num(so.value ?? 0, [...sp, "value"], "value"),
        };
      });
      return {
        expr: r.str(eo.expr, [...ep, "expr"], "expr", true),
        evalTime: r.dur(eo.eval_time, [...ep, "eval_time"], "eval_time", 0),
        expSamples,
        line: r.line(ep),
      };
    });
    const group: TestGroup = {
      name,
      interval,
      externalLabels: r.strMap(o.external_labels, [...p, "external_labels"], "external_labels"),
      startTime: parseStart(r, o.start_timestamp, [...p, "start_timestamp"]),
      inputSeries,
      alertTests,
      exprTests,
      line: r.line(p),
    };
    if (o.external_url !== undefined) group.externalURL = r.str(o.external_url, [...p, "external_url"], "external_url");
    if (o.query_results !== undefined) {
      if (inputSeries.length > 0)
        r.fail([...p, "query_results"], "query_results (fixture mode) and input_series exclude each other");
      group.queryResults = r.list(o.query_results, [...p, "query_results"], "query_results").map((q, j) => {
        const qp: Path = [...p, "query_results", j];
        const qo = r.obj(q, qp, KEYS.fixture, "query_results entry");
        return {
          evalTime: r.dur(qo.eval_time, [...qp, "eval_time"], "eval_time", 0),
          expr: r.str(qo.expr, [...qp, "expr"], "expr", true),
          result: r.list(qo.result, [...qp, "result"], "result").map((s, k) => {
            const sp: Path = [...qp, "result", k];
            const so = r.obj(s, sp, KEYS.fixtureSample, "result entry");
            return {
              labels: r.labels(so.labels, [...sp, "labels"], "labels"),
              value: r.num(so.value ?? 0, [...sp, "value"], "value"),
            };
          }),
          line: r.line(qp),
        };
      });
    }
    return group;
  });
  return {
    path,
    format: fmt,
    ruleFiles,
    evaluationInterval,
    groupEvalOrder,
    fuzzyCompare: top.fuzzy_compare === "true",
    tests,
  };
}

/** Reads a test file from disk or an http(s) URL (as vmalert-tool's --files accepts). */
export async function readTestFile(path: string, format?: TestFormat): Promise<TestFile> {
  let text: string;
  try {
    if (/^https?:\/\//.test(path)) {
      const res = await fetch(path, { signal: AbortSignal.timeout(30_000) });
      text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } else {
      text = await readFile(path, "utf8");
    }
  } catch (err) {
    throw new TestFileError(`${path}: cannot read: ${errorMessage(err)}`);
  }
  return parseTestFile(path, text, format);
}
