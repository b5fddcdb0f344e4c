// Rule unit tests that real projects run: the promtool files of ../shared/corpus/unittest-realworld with
// `tsalert unittest` beside `promtool test rules` in the same run (the whole set in one process each,
// then file by file, the two tools taking turns), and the vmalert-tool corpus files with the command
// lines of vmalert-tool's own tests. Prints every command line it runs to stderr. Skips without a corpus
// or without promtool.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const tsalert = join(here, "../bin/tsalert.js");

function corpusDir() {
  for (const c of [process.env.TSALERT_CORPUS, join(here, "../../shared/corpus"), "/work/shared/corpus"]) {
    if (c && existsSync(join(c, "unittest-realworld", "manifest.json"))) return c;
  }
  return undefined;
}

function hasPromtool() {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Runs a command, returns its exit code and wall seconds; prints the command line first. */
function timed(cmd, args, cwd) {
  process.stderr.write(`  $ ${cwd ? `(cd ${cwd} && ` : ""}${[cmd, ...args].join(" ")}${cwd ? ")" : ""}\n`);
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: "ignore" });
    child.on("exit", (code) => resolve({ code: code ?? 1, secs: (performance.now() - t) / 1000 }));
  });
}

const fmt = (s) => s.toFixed(2);

export async function run() {
  const corpus = corpusDir();
  if (!corpus) return [{ name: "skipped: no corpus (../shared/corpus or $TSALERT_CORPUS)", value: "-", unit: "" }];
  if (!hasPromtool()) return [{ name: "skipped: promtool is not installed", value: "-", unit: "" }];
  const base = join(corpus, "unittest-realworld");
  const manifest = JSON.parse(readFileSync(join(base, "manifest.json"), "utf8"));
  const promtoolFiles = manifest.filter((e) => e.dialect === "promtool");
  const rows = [];

  // The whole set in one process each (what a CI job runs).
  const files = promtoolFiles.map((e) => e.test);
  const tsAll = await timed("node", [tsalert, "unittest", "-loggerLevel=FATAL", ...files], base);
  const ptAll = await timed("promtool", ["test", "rules", ...files], base);
  rows.push({
    name: `${files.length} real-world files, one process: tsalert`,
    value: fmt(tsAll.secs),
    unit: "s",
  });
  rows.push({
    name: `${files.length} real-world files, one process: promtool`,
    value: fmt(ptAll.secs),
    unit: "s",
  });
  rows.push({
    name: "real-world files, one process: tsalert / promtool",
    value: fmt(tsAll.secs / ptAll.secs),
    unit: "x",
  });

  // File by file, taking turns, each run from the file's folder as promtool is documented to run.
  let tsMax = { secs: 0, file: "" };
  let ptMax = { secs: 0, file: "" };
  let agree = 0;
  let tsSum = 0;
  let ptSum = 0;
  for (const e of promtoolFiles) {
    const cwd = dirname(join(base, e.test));
    const name = e.test.split("/").pop();
    const ts = await timed("node", [tsalert, "unittest", "-loggerLevel=FATAL", name], cwd);
    const pt = await timed("promtool", ["test", "rules", name], cwd);
    tsSum += ts.secs;
    ptSum += pt.secs;
    if (ts.secs > tsMax.secs) tsMax = { secs: ts.secs, file: e.test };
    if (pt.secs > ptMax.secs) ptMax = { secs: pt.secs, file: e.test };
    const want = e.tsalert_expect ?? e.upstream_expect;
    if ((ts.code === 0 ? "pass" : "fail") === want) agree++;
  }
  rows.push({ name: "real-world files, a process per file: tsalert total", value: fmt(tsSum), unit: "s" });
  rows.push({ name: "real-world files, a process per file: promtool total", value: fmt(ptSum), unit: "s" });
  rows.push({ name: `tsalert slowest: ${tsMax.file.split("/").pop()}`, value: fmt(tsMax.secs), unit: "s" });
  rows.push({ name: `promtool slowest: ${ptMax.file.split("/").pop()}`, value: fmt(ptMax.secs), unit: "s" });
  rows.push({
    name: "real-world files with the expected verdict",
    value: `${agree}/${promtoolFiles.length}`,
    unit: "",
  });

  // vmalert-tool files: the VictoriaMetrics docs example and vmalert-tool's own test data, as its tests run them.
  const vmFiles = [
    ...manifest
      .filter((e) => e.dialect === "vmalert-tool")
      .map((e) => [join(base, e.test), ["-external.label=cluster=prod"]]),
    ...["test1.yaml", "test2.yaml", "long-period.yaml"].map((f) => [
      join(corpus, "unittest/victoriametrics/app/vmalert-tool/unittest/testdata", f),
      ["-external.label=cluster=prod", "-external.url=http://grafana:3000"],
    ]),
    [
      join(corpus, "unittest/victoriametrics/app/vmalert-tool/unittest/testdata/disable-group-label.yaml"),
      ["-disableAlertgroupLabel"],
    ],
  ];
  let vmPass = 0;
  for (const [file, flags] of vmFiles) {
    const r = await timed("node", [tsalert, "unittest", "-loggerLevel=FATAL", ...flags, file]);
    if (r.code === 0) vmPass++;
    rows.push({ name: `vmalert-tool: ${file.split("/").slice(-2).join("/")}`, value: fmt(r.secs), unit: "s" });
  }
  rows.push({ name: "vmalert-tool files passing", value: `${vmPass}/${vmFiles.length}`, unit: "" });
  return rows;
}
