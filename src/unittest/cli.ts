// `tsalert unittest`: vmalert-tool's command line (`--files`, `-external.label`, `-external.url`,
// `-disableAlertgroupLabel`, `-loggerLevel`) plus tsalert's `-vm.binary`, `-datasource.url`,
// `-remoteWrite.url`, `--format` and promtool's `--run` and `--junit`.

import { writeFile } from "node:fs/promises";
import { expandPatterns } from "../config/load.js";
import { errorMessage } from "../errors.js";
import { compileGoRegexp, type GoRegexp } from "../goregexp.js";
import { createLogger } from "../log.js";
import { type Backend, startBackend } from "./backend.js";
import { type JunitSuite, junitTimestamp, junitXml, suiteOf } from "./junit.js";
import { type FileResult, runTestFile } from "./runfile.js";
import { readTestFile, type TestFormat } from "./testfile.js";

export interface UnittestIO {
  out(text: string): void;
  err(text: string): void;
}

export interface UnittestArgs {
  files: string[];
  externalLabels: Record<string, string>;
  externalURL?: string;
  disableAlertgroupLabel: boolean;
  vmBinary?: string;
  datasourceURL?: string;
  remoteWriteURL?: string;
  format?: TestFormat;
  run?: GoRegexp;
  /** Write the results as JUnit XML to this file. */
  junit?: string;
  loggerLevel: string;
}

export const UNITTEST_USAGE = `Usage: tsalert unittest [flags] [FILE ...]
Runs rule unit tests: promtool test files with PromQL evaluated in process, vmalert-tool test files
on a temporary VictoriaMetrics.
  --files=PATH|GLOB|URL      test file(s); repeatable; positional arguments work too
  -external.label=k=v        external label (repeatable; wins over a test's external_labels)
  -external.url=URL          $externalURL in templates
  -disableAlertgroupLabel    no alertgroup label on alerts (then groupname must not be set)
  -vm.binary=PATH            victoria-metrics binary to start (default: victoria-metrics in PATH)
  -datasource.url=URL        use this running VictoriaMetrics instead (ALL its series are deleted
                             before each test: point it at a scratch instance only)
  -remoteWrite.url=URL       where input series and rule results go with -datasource.url
  --format=auto|vmalert-tool|promtool   test file format (default: detected per file)
  --run=REGEXP               only tests whose name matches
  --junit=FILE               also write the results as JUnit XML to FILE
  -loggerLevel=LEVEL         engine log level (default ERROR)
`;

export class UsageError extends Error {}

/** Parses Go-style flags (`-a=b`, `--a=b`, `-a b`, bare booleans) and positional files. */
export function parseUnittestArgs(argv: string[]): UnittestArgs {
  const out: UnittestArgs = { files: [], externalLabels: {}, disableAlertgroupLabel: false, loggerLevel: "ERROR" };
  const valued = new Set([
    "files",
    "external.label",
    "external.url",
    "vm.binary",
    "datasource.url",
    "remoteWrite.url",
    "format",
    "run",
    "junit",
    "loggerLevel",
    // vmalert-tool's port of its embedded servers; tsalert picks a free loopback port itself.
    "httpListenPort",
  ]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("-") || a === "-") {
      out.files.push(a);
      continue;
    }
    const body = a.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    if (name === "disableAlertgroupLabel") {
      out.disableAlertgroupLabel = value === undefined || value === "true";
      continue;
    }
    if (name === "h" || name === "help") throw new UsageError("");
    if (!valued.has(name)) throw new UsageError(`unknown flag -${name}`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`flag -${name} needs a value`);
    }
    switch (name) {
      case "files":
        out.files.push(...value.split(",").filter((f) => f !== ""));
        break;
      case "external.label": {
        const j = value.indexOf("=");
        if (j <= 0) throw new UsageError(`invalid value "${value}" for flag -external.label: want name=value`);
        out.externalLabels[value.slice(0, j)] = value.slice(j + 1);
        break;
      }
      case "external.url":
        out.externalURL = value;
        break;
      case "vm.binary":
        out.vmBinary = value;
        break;
      case "datasource.url":
        out.datasourceURL = value;
        break;
      case "remoteWrite.url":
        out.remoteWriteURL = value;
        break;
      case "format":
        if (value !== "auto" && value !== "vmalert-tool" && value !== "promtool") {
          throw new UsageError(`invalid value "${value}" for flag --format: want auto, vmalert-tool or promtool`);
        }
        if (value !== "auto") out.format = value;
        break;
      case "run":
        try {
          out.run = compileGoRegexp(value);
        } catch (err) {
          throw new UsageError(`invalid value for flag --run: ${errorMessage(err)}`);
        }
        break;
      case "junit":
        out.junit = value;
        break;
      case "loggerLevel":
        out.loggerLevel = value;
        break;
      case "httpListenPort":
        break;
    }
  }
  if (out.files.length === 0) throw new UsageError("no test files given");
  return out;
}

/** Runs the command; returns the exit code (0 all passed, 1 a test failed, 2 usage error). */
export async function unittest(argv: string[], io: UnittestIO): Promise<number> {
  let args: UnittestArgs;
  try {
    args = parseUnittestArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) io.err(`tsalert unittest: ${err.message}\n`);
    io.err(UNITTEST_USAGE);
    return err.message ? 2 : 0;
  }
  const logger = createLogger({ level: args.loggerLevel.toUpperCase(), output: "stderr" });
  const problems: { file: string; message: string; line: number; col: number; severity: "error" | "warning" }[] = [];
  const files = expandPatterns(args.files, problems);
  let failed = false;
  const suites: JunitSuite[] = [];
  for (const p of problems.filter((x) => x.severity === "error")) {
    const message = p.message.replace("-rule pattern", "--files pattern");
    io.err(`Unit Testing: ${p.file}\n  FAILED:\n    ${message}\n`);
    suites.push({ name: p.file, timestamp: junitTimestamp(new Date()), cases: [], error: message });
    failed = true;
  }
  let backend: Promise<Backend> | undefined;
  const opts = {
    logger,
    externalLabels: args.externalLabels,
    externalURL: args.externalURL,
    disableAlertgroupLabel: args.disableAlertgroupLabel,
    run: args.run,
    backend: () => {
      backend ??= startBackend({
        binary: args.vmBinary,
        datasourceURL: args.datasourceURL,
        remoteWriteURL: args.remoteWriteURL,
        logger,
      });
      return backend;
    },
  };
  let stopping = false;
  const onSignal = () => {
    stopping = true;
  };
  process.once("SIGINT", onSignal);
  try {
    for (const f of files) {
      if (stopping) break;
      const started = junitTimestamp(new Date());
      let res: FileResult;
      try {
        const file = await readTestFile(f, args.format);
        res = await runTestFile(file, opts);
      } catch (err) {
        const message = errorMessage(err);
        res = {
          path: f,
          format: args.format ?? "promtool",
          ok: false,
          output: `Unit Testing: ${f}\n  FAILED:\n    ${message}\n`,
          tests: [],
          error: message,
        };
      }
      io.out(res.output);
      suites.push(suiteOf(res, started));
      if (!res.ok) failed = true;
    }
  } finally {
    process.removeListener("SIGINT", onSignal);
    if (backend) await (await backend.catch(() => undefined))?.close();
  }
  if (args.junit) {
    try {
      await writeFile(args.junit, junitXml(suites));
    } catch (err) {
      io.err(`tsalert unittest: cannot write --junit file ${args.junit}: ${errorMessage(err)}\n`);
      failed = true;
    }
  }
  io.out(failed ? "\n======== FAILED ========\n" : "\n======== SUCCESS ========\n");
  return failed || stopping ? 1 : 0;
}
