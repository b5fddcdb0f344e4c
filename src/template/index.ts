// Public API of the template engine: compile once per rule text, render per alert.

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Metric } from "../datasource/types.js";
import { errorMessage, TsalertError } from "../errors.js";
import { memo } from "../memo.js";
import { createRenderBudget, renewRenderBudget, timeUp } from "./budget.js";
import { BUILTINS } from "./builtins.js";
import { PREDECLARED, TPL_HEADER, templateData } from "./data.js";
import { ExecError, FuncError, NeedQuery } from "./errors.js";
import { type ExecEnv, execute, type Tree } from "./exec.js";
import type { FuncContext, FuncDef } from "./functypes.js";
import { glob } from "./glob.js";
import { MAX_QUERIES } from "./limits.js";
import { ParseError, parseTemplate } from "./parser.js";
import type { AlertSourceData, AlertTemplateData, CompiledTemplate, RenderContext, TemplateSet } from "./types.js";
import { VMFUNCS } from "./vmfuncs.js";

export type {
  AlertSourceData,
  AlertTemplateData,
  CompiledTemplate,
  RenderBudget,
  RenderContext,
  TemplateSet,
} from "./types.js";
export { createRenderBudget, renewRenderBudget };

const FUNCS: Record<string, FuncDef> = { ...BUILTINS, ...VMFUNCS };
const hasFunc = (name: string) => Object.hasOwn(FUNCS, name);

/** Functions a label template may not rely on beyond its limited data are still all defined (as vmalert). */
interface SetImpl extends TemplateSet {
  trees: Map<string, Tree>;
  usesQuery: boolean;
}

const EMPTY_SET: SetImpl = { names: [], trees: new Map(), usesQuery: false };

function impl(set: TemplateSet | undefined): SetImpl {
  return (set as SetImpl | undefined) ?? EMPTY_SET;
}

export interface CompileOptions {
  name?: string;
  set?: TemplateSet;
  /** Label templates: only $labels, $value, $expr, $externalLabels, $externalURL carry data. */
  limited?: boolean;
}

/**
 * True when vmalert renders the text as a template; other texts are copied verbatim. Validation is
 * stricter: it parses every text as Go does, so `{{ $labels.x } down` is an error at load.
 */
export function isTemplate(text: string): boolean {
  return text.includes("{{") && text.includes("}}");
}

function verbatim(text: string): CompiledTemplate {
  const p = Promise.resolve(text);
  return { render: () => p };
}

function parse(name: string, text: string, predeclared: readonly string[] = PREDECLARED) {
  return parseTemplate(name, text, hasFunc, predeclared);
}

/**
 * Compiles a rule template once. Never throws: a text that does not parse yields a template whose
 * render rejects with TsalertError("TSA_TEMPLATE") and Go's parse message (as vmalert with
 * -rule.validateTemplates=false reports it per evaluation).
 */
export function compileTemplate(text: string, opts: CompileOptions = {}): CompiledTemplate {
  if (!isTemplate(text)) return verbatim(text);
  const set = impl(opts.set);
  let shared = compiledBySet.get(set);
  if (!shared) {
    shared = new Map();
    compiledBySet.set(set, shared);
  }
  const key = `${opts.limited ? "L" : "A"}\u0000${opts.name ?? ""}\u0000${text}`;
  return memo(shared, key, MAX_SHARED_TEMPLATES, () => compileNew(text, opts, set));
}

/**
 * A compiled template is immutable, so rules whose texts are the same (a team's usual summary and
 * description) share one: thousands of rules otherwise hold thousands of identical parse trees. Per
 * template set (-rule.templates), which a reload replaces.
 */
const compiledBySet = new WeakMap<SetImpl, Map<string, CompiledTemplate>>();
const MAX_SHARED_TEMPLATES = 4096;

function compileNew(text: string, opts: CompileOptions, set: SetImpl): CompiledTemplate {
  const name = opts.name ?? "";
  let parsed: ReturnType<typeof parseTemplate>;
  try {
    parsed = parse(name, text);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const e = new TsalertError("TSA_TEMPLATE", err.message, { cause: err });
    return { render: () => Promise.reject(e) };
  }
  const main: Tree = { name, parseName: name, text, root: parsed.root, colOffset: TPL_HEADER.length };
  const trees = new Map(set.trees);
  for (const [n, root] of parsed.defines)
    trees.set(n, { name: n, parseName: name, text, root, colOffset: TPL_HEADER.length });
  const usesQuery = set.usesQuery || parsed.funcs.has("query");
  const limited = opts.limited ?? false;
  const lookup = (n: string) => trees.get(n);

  const run = (data: AlertTemplateData, ctx: RenderContext, cache: Map<string, Metric[] | Error> | null) => {
    const { dot, vars } = templateData(data, limited);
    const budget = ctx.budget;
    // The executor reads the clock itself (every 256 steps and after each function call); a render reads
    // it nowhere else, so budgeted renders of ordinary templates cost no more than others.
    const env: ExecEnv = {
      funcs: FUNCS,
      lookup,
      ctx: funcContext(ctx, cache),
      deadline: budget?.deadline,
      budget,
    };
    if (budget?.exhausted) throw new ExecError(timeUp(budget));
    return execute(env, main, dot, vars);
  };

  if (!usesQuery) {
    return {
      render(data, ctx) {
        try {
          return Promise.resolve(run(data, ctx, null));
        } catch (err) {
          return Promise.reject(wrapExec(err));
        }
      },
    };
  }
  return {
    async render(data, ctx) {
      const cache = new Map<string, Metric[] | Error>();
      // Distinct queries are counted over the alert's whole budget when there is one.
      let asked = new Set<string>();
      if (ctx.budget) {
        ctx.budget.queries ??= asked;
        asked = ctx.budget.queries;
      }
      for (;;) {
        try {
          return run(data, ctx, cache);
        } catch (err) {
          if (!(err instanceof NeedQuery)) throw wrapExec(err);
          if (!asked.has(err.expr) && asked.size >= MAX_QUERIES) {
            // Cached as a failure: the next run reports it at the `query` call, with Go's position.
            cache.set(err.expr, new QueryCapError());
            continue;
          }
          asked.add(err.expr);
          const waitStart = performance.now();
          try {
            cache.set(err.expr, await ctx.query!(err.expr));
          } catch (qerr) {
            cache.set(err.expr, qerr instanceof Error ? qerr : new Error(String(qerr)));
          }
          // Waiting for the datasource does not hold the event loop: it is not the template's time.
          if (ctx.budget) ctx.budget.deadline += performance.now() - waitStart;
        }
      }
    },
  };
}

/** A render asked for one distinct query more than MAX_QUERIES allows. */
class QueryCapError extends Error {
  constructor() {
    super(`too many distinct queries in one rendering: at most ${MAX_QUERIES} are allowed`);
  }
}

function funcContext(ctx: RenderContext, cache: Map<string, Metric[] | Error> | null): FuncContext {
  return {
    externalURL: ctx.externalURL,
    query(expr) {
      if (!ctx.query || !cache) {
        throw new FuncError(`cannot execute query ${JSON.stringify(expr)}: query is not available in this context`);
      }
      const hit = cache.get(expr);
      if (hit === undefined) throw new NeedQuery(expr);
      if (hit instanceof Error) throw new FuncError(hit.message);
      return hit;
    },
  };
}

function wrapExec(err: unknown): unknown {
  if (err instanceof ExecError) return new TsalertError("TSA_TEMPLATE_EXEC", err.message, { cause: err });
  if (err instanceof RangeError) {
    return new TsalertError("TSA_TEMPLATE_EXEC", `template: execution failed: ${err.message}`, { cause: err });
  }
  return err;
}

/**
 * Parses only, as vmalert's -rule.validateTemplates: unknown functions, undefined variables, syntax.
 * Positions are 1-based and relative to the text. Calls of -rule.templates defines are not checked here:
 * as in Go, a missing template is an execution error.
 */
export function validateTemplate(text: string): { message: string; line?: number; col?: number } | null {
  try {
    parse("", text);
    return null;
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const before = text.slice(0, err.pos);
    const nl = before.lastIndexOf("\n");
    return { message: err.message, line: err.line, col: before.length - nl };
  }
}

/**
 * Loads `-rule.templates` globs: every file's `define`s become callable from rule templates, each file is
 * also a template named by its base name, and each file body is executed once with nil data.
 */
export async function loadTemplateFiles(patterns: string[]): Promise<TemplateSet> {
  const trees = new Map<string, Tree>();
  let usesQuery = false;
  const files: { path: string; tree: Tree }[] = [];
  for (const pattern of patterns) {
    let paths: string[];
    try {
      paths = await glob(pattern);
    } catch (err) {
      throw new TsalertError("TSA_TEMPLATE", `failed to retrieve a template glob "${pattern}": ${errorMessage(err)}`);
    }
    for (const path of paths) {
      const text = await readFile(path, "utf8");
      const base = basename(path);
      let parsed: ReturnType<typeof parseTemplate>;
      try {
        parsed = parse(base, text, []);
      } catch (err) {
        if (err instanceof ParseError) {
          throw new TsalertError(
            "TSA_TEMPLATE",
            `failed to parse template glob "${pattern}": file ${path}: ${err.message}`,
          );
        }
        throw err;
      }
      usesQuery ||= parsed.funcs.has("query");
      const tree: Tree = { name: base, parseName: base, text, root: parsed.root, colOffset: 0 };
      trees.set(base, tree);
      files.push({ path, tree });
      for (const [n, root] of parsed.defines) trees.set(n, { name: n, parseName: base, text, root, colOffset: 0 });
    }
  }
  const set: SetImpl = { names: [...trees.keys()].sort(), trees, usesQuery };
  // Execute each file once with nil data; `query` answers one empty sample, as in vmalert's validation.
  const env: ExecEnv = {
    funcs: FUNCS,
    lookup: (n) => trees.get(n),
    ctx: { externalURL: "", query: () => [{ labels: {}, timestamp: 0, value: 0 }] },
  };
  for (const { path, tree } of files) {
    try {
      execute(env, tree, undefined);
    } catch (err) {
      if (err instanceof ExecError || err instanceof RangeError) {
        throw new TsalertError("TSA_TEMPLATE", `failed to execute template file ${path}: ${err.message}`);
      }
      throw err;
    }
  }
  return set;
}

/** Compiles the `-external.alert.source` template (README "Templates", "Variables"); render it per alert with renderAlertSource. */
export function compileAlertSource(text: string, set?: TemplateSet): CompiledTemplate {
  return compileTemplate(text, { name: "", set });
}

/**
 * Renders the `-external.alert.source` path for one alert: `.Labels`, `.Expr`, `.Value`, `.ActiveAt`,
 * `.GroupID`, `.AlertID`, `.Type`; `query` is not available. Pass a compiled template to skip parsing.
 */
export function renderAlertSource(
  template: string | CompiledTemplate,
  data: AlertSourceData,
  externalURL: string,
): Promise<string> {
  const t = typeof template === "string" ? compileAlertSource(template) : template;
  return t.render({ ...data, externalLabels: {}, externalURL }, { externalURL });
}
