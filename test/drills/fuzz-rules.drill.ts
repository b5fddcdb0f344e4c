// Drill 10: fuzzed rule files. 10,000 seeded mutations of the corpus files (/work/shared/corpus) go
// through the -dryRun code path of the built tsalert in-process (dist/cli/check.js), and a few hundred
// through the real `node bin/tsalert.js -dryRun`.
// Expected: never a crash, hang or uncaught exception; exit 0 or 1; every problem is one clear line naming
// the file (`file:line:col: message`, or `file: message` for whole-file problems), never a stack trace.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS_DIR, corpusAvailable } from "../helpers/corpus.js";
import { TSALERT_BIN } from "../helpers/tsalert.js";
import { mutate } from "./lib/mutate.js";
import { REPORT_DIR, recordFigures } from "./lib/report.js";

type CheckModule = typeof import("../../src/cli/check.js");
type ValidatorsModule = typeof import("../../src/cli/validators.js");

const CORPUS = CORPUS_DIR;
const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));
const MUTATIONS = Number(process.env.DRILLS_FUZZ_RULES ?? 10_000);
const CLI_RUNS = 120;
const SEED = Number(process.env.DRILLS_SEED ?? 9010);
/** Biggest corpus file mutated: the 1 MB stress file alone would take most of the drill's time. */
const MAX_FILE_BYTES = 200_000;
/** A single load taking longer than this counts as a hang. */
const HANG_MS = 10_000;

const BAD_TEXT =
  /\n\s+at \S|\[object Object\]|\b(?:Type|Range|Reference|Syntax)Error\b|Cannot read prop|is not a function|Maximum call stack|undefined is not/;

interface Verdict {
  ok: boolean;
  why?: string;
  lineless: string[];
}

/** Checks the stderr chunks of one -dryRun run for file `file` that exited with `code`. */
function judge(file: string, code: number, chunks: string[]): Verdict {
  const lineless: string[] = [];
  if (code !== 0 && code !== 1) return { ok: false, why: `exit ${code}`, lineless };
  let errors = 0;
  for (const c of chunks) {
    const msg = c.replace(/\n$/, "");
    if (BAD_TEXT.test(msg)) return { ok: false, why: `unclear: ${msg.slice(0, 300)}`, lineless };
    if (/^tsalert: (\d+ errors? in \d+ files?|no groups found in .*)$/.test(msg)) continue;
    if (!msg.startsWith(`${file}:`))
      return { ok: false, why: `does not name the file: ${msg.slice(0, 300)}`, lineless };
    const rest = msg.slice(file.length + 1);
    const positioned = /^\d+:\d+: /.test(rest);
    if (!/^(\d+:\d+:)? (warning: )?\S/.test(rest))
      return { ok: false, why: `malformed: ${msg.slice(0, 300)}`, lineless };
    if (rest.includes("warning: ")) continue;
    errors++;
    if (!positioned) lineless.push(rest.trim().slice(0, 120));
  }
  const noGroups = chunks.some((c) => c.startsWith("tsalert: no groups found"));
  if (code === 1 && errors === 0 && !noGroups) return { ok: false, why: "exit 1 without an error", lineless };
  if (code === 0 && errors > 0) return { ok: false, why: "exit 0 with errors", lineless };
  return { ok: true, lineless };
}

/**
 * The shared corpus when this checkout sits beside it (as in the workspace), else the repository's own
 * rule files (example rules and test fixtures), so the drill also runs on a lone clone.
 */
async function seedFiles(): Promise<string[]> {
  const manifest = join(CORPUS, "manifest.json");
  if (corpusAvailable) {
    const entries = JSON.parse(await readFile(manifest, "utf8")) as { file: string }[];
    return entries.map((r) => join(CORPUS, r.file));
  }
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  const out: string[] = [];
  for (const dir of ["rules", "test/fixtures"]) {
    for (const f of readdirSync(join(repo, dir), { recursive: true }) as string[]) {
      if (/\.(rules|ya?ml)$/.test(f)) out.push(join(repo, dir, f));
    }
  }
  return out;
}

interface Source {
  name: string;
  text: string;
}

describe("drill 10: fuzzed rule files", () => {
  let dir: string;
  let sources: Source[] = [];
  const failures: { seed: number; file: string; ops: string[]; why: string }[] = [];
  const linelessKinds = new Map<string, number>();
  let uncaught = 0;
  const onUncaught = () => {
    uncaught++;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsalert-fuzz-rules-"));
    for (const file of await seedFiles()) {
      const text = await readFile(file, "utf8");
      if (text.length <= MAX_FILE_BYTES) sources.push({ name: file, text });
    }
    expect(sources.length).toBeGreaterThan(0);
    sources = sources.sort((a, b) => (a.name < b.name ? -1 : 1));
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
  });
  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
    await rm(dir, { recursive: true, force: true });
  });

  const keepFailure = async (seed: number, text: string) => {
    await writeFile(join(REPORT_DIR, `fuzz-rules-${seed}.yml`), text).catch(() => {});
  };

  it(`${MUTATIONS} mutations through the -dryRun code path in-process`, async () => {
    expect(existsSync(join(DIST, "cli/check.js")), "run `npx tsc -p tsconfig.build.json` first").toBe(true);
    // The corpus has 255 files; a lone clone has its own rule files and fixtures only.
    expect(sources.length).toBeGreaterThan(corpusAvailable ? 200 : 10);
    const check = (await import(pathToFileURL(join(DIST, "cli/check.js")).href)) as CheckModule;
    const { buildValidators } = (await import(pathToFileURL(join(DIST, "cli/validators.js")).href)) as ValidatorsModule;
    const opts = { validators: buildValidators(), env: {} };
    const file = join(dir, "rules.yml");
    let maxMs = 0;
    let exit0 = 0;
    let exit1 = 0;
    const started = performance.now();
    for (let i = 0; i < MUTATIONS; i++) {
      const seed = SEED * 100_000 + i;
      const src = sources[i % sources.length] as Source;
      const m = mutate(src.text, seed);
      await writeFile(file, m.text);
      const chunks: string[] = [];
      const io = { out() {}, err: (t: string) => chunks.push(t) };
      const t0 = performance.now();
      let verdict: Verdict;
      try {
        const code = await check.dryRun([file], opts, io);
        verdict = judge(file, code, chunks);
        if (code === 0) exit0++;
        else exit1++;
      } catch (err) {
        verdict = { ok: false, why: `threw: ${String(err).slice(0, 300)}`, lineless: [] };
      }
      const ms = performance.now() - t0;
      maxMs = Math.max(maxMs, ms);
      if (ms > HANG_MS) verdict = { ok: false, why: `took ${Math.round(ms)} ms`, lineless: [] };
      for (const l of verdict.lineless) {
        const kind = l.replace(/\d+/g, "N").replace(/".*?"/g, '"…"');
        linelessKinds.set(kind, (linelessKinds.get(kind) ?? 0) + 1);
      }
      if (!verdict.ok) {
        failures.push({ seed, file: src.name, ops: m.ops, why: verdict.why ?? "" });
        await keepFailure(seed, m.text);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (failures.length > 0 || process.env.DRILLS_DEBUG) {
      console.log(JSON.stringify(failures.slice(0, 20), null, 1));
      console.log([...linelessKinds].sort((a, b) => b[1] - a[1]).slice(0, 30));
    }
    await recordFigures("fuzz-rules", {
      title: "fuzzed rule files (in-process -dryRun)",
      extra: {
        mutations: MUTATIONS,
        failures: failures.length,
        exit0,
        exit1,
        linelessErrors: [...linelessKinds.values()].reduce((a, b) => a + b, 0),
        maxLoadMs: Math.round(maxMs),
        seconds: Math.round(seconds),
      },
    });
    expect(uncaught, "uncaught exceptions or rejections").toBe(0);
    expect(failures, "mutations that crashed, hung or printed an unclear error").toEqual([]);
    // Most broken files point at a line; only whole-file problems may lack one.
    expect(exit1).toBeGreaterThan(MUTATIONS / 4);
  });

  it(`${CLI_RUNS} mutations through node bin/tsalert.js -dryRun`, async () => {
    const cliFailures: typeof failures = [];
    let next = 0;
    const runOne = async (i: number) => {
      const seed = SEED * 100_000 + 50_000 + i;
      const src = sources[(i * 7) % sources.length] as Source;
      const m = mutate(src.text, seed);
      const file = join(dir, `cli-${i}.yml`);
      await writeFile(file, m.text);
      const runCli = () =>
        new Promise<{ code: number | string; stderr: string; stdout: string }>((resolve) => {
          let stderr = "";
          let stdout = "";
          const p = spawn(process.execPath, [TSALERT_BIN, "-dryRun", `-rule=${file}`], {
            stdio: ["ignore", "pipe", "pipe"],
          });
          const t = setTimeout(() => p.kill("SIGKILL"), 20_000);
          p.stdout.on("data", (d) => {
            stdout += d;
          });
          p.stderr.on("data", (d) => {
            stderr += d;
          });
          p.on("exit", (c, sig) => {
            clearTimeout(t);
            resolve({ code: c ?? sig ?? -1, stderr, stdout });
          });
        });
      let { code, stderr, stdout } = await runCli();
      // On a shared machine dist/ may be rebuilt under us (a module half-written): run once more.
      if (/dist\/.*\n[\s\S]*SyntaxError: The requested module|Cannot find module '.*dist/.test(stderr)) {
        await new Promise((r) => setTimeout(r, 3000));
        ({ code, stderr, stdout } = await runCli());
      }
      // The CLI prints one problem per line (a message never spans lines).
      const chunks = stderr.split("\n").filter((l) => l !== "");
      const v =
        typeof code === "number" ? judge(file, code, chunks) : { ok: false, why: `killed by ${code}`, lineless: [] };
      if (v.ok && BAD_TEXT.test(stdout)) v.ok = false;
      if (!v.ok) {
        const why = `${v.why ?? "stdout"}\n${stderr.slice(0, 600)}\n${stdout.slice(0, 200)}`;
        cliFailures.push({ seed, file: src.name, ops: m.ops, why });
        await keepFailure(seed, m.text);
      }
      await rm(file, { force: true });
    };
    const worker = async () => {
      while (next < CLI_RUNS) await runOne(next++);
    };
    await Promise.all([worker(), worker(), worker()]);
    if (cliFailures.length > 0) console.log(JSON.stringify(cliFailures.slice(0, 10), null, 1));
    expect(cliFailures).toEqual([]);
    const prev = JSON.parse(await readFile(join(REPORT_DIR, "fuzz-rules.json"), "utf8").catch(() => "{}"));
    await recordFigures("fuzz-rules", {
      title: "fuzzed rule files (-dryRun in-process and CLI)",
      extra: { ...(prev.extra ?? {}), cliRuns: CLI_RUNS, cliFailures: cliFailures.length },
    });
  });
});
