// Synchronous executor of parsed templates with Go text/template semantics. `query` results come
// from a cache; a miss throws NeedQuery and the async render loop fetches and runs again.
import type { Arg, CommandNode, ListNode, Node, NumberNode, PipeNode } from "./ast.js";
import { nodeString } from "./ast.js";
import { timeUp } from "./budget.js";
import { BUILTINS, isMetric } from "./builtins.js";
import { ExecError, FuncError, NeedQuery } from "./errors.js";
import { type FuncContext, type FuncDef, PARAM_TYPE, type Param } from "./functypes.js";
import { durationString, formatTime, sprintValue } from "./goformat.js";
import { MAX_DEPTH, MAX_OUTPUT, MAX_STEPS, OUTPUT_LIMIT_MESSAGE, TIME_CHECK_EVERY } from "./limits.js";
import type { RenderBudget } from "./types.js";
import { GoDuration, GoStruct, GoTime, type GoValue, isPlainMap, truth, typeName } from "./values.js";

export { MAX_DEPTH, MAX_OUTPUT, MAX_STEPS };

/** A parsed template as the executor sees it. */
export interface Tree {
  name: string;
  /** Name used in error locations (the parse name). */
  parseName: string;
  text: string;
  root: ListNode;
  /** Added to the column of line-1 errors (vmalert prepends variable definitions to the text). */
  colOffset: number;
}

export interface ExecEnv {
  funcs: Record<string, FuncDef>;
  lookup(name: string): Tree | undefined;
  ctx: FuncContext;
  /** performance.now() past which execution stops (the budget's time is up); unset = no time budget. */
  deadline?: number;
  budget?: RenderBudget;
}

/** Variables declared before the text besides `$`: names[i] holds values[i]. */
export type Vars = { readonly names: readonly string[]; readonly values: readonly GoValue[] };

const BREAK = 1;
const CONTINUE = 2;

/** What an error message quotes: a node (printed only if an error needs it), a text, or a function making it. */
type Quote = Arg | CommandNode | string | (() => string);

class State {
  /** The output so far, joined once at the end: a rendered text is kept with its alert, and `+=` would keep it as a rope of every piece written. */
  private parts: string[] = [];
  vars: string[] = [];
  vals: GoValue[] = [];
  depth = 0;
  steps = 0;
  readonly deadline: number;
  tree: Tree;
  /** Where execution is, for error messages: set at every step, so it holds references and allocates nothing. */
  private pos = 0;
  private quote: Quote = "";

  constructor(
    readonly env: ExecEnv,
    tree: Tree,
  ) {
    this.tree = tree;
    this.deadline = env.deadline ?? Number.POSITIVE_INFINITY;
  }

  at(pos: number, quote: Quote): void {
    this.pos = pos;
    this.quote = quote;
  }

  errorf(msg: string): never {
    const { text, parseName, colOffset } = this.tree;
    const pos = this.pos;
    const before = text.slice(0, pos);
    const nl = before.lastIndexOf("\n");
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    let col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1), "utf8");
    if (line === 1) col += colOffset;
    const q = this.quote;
    let ctx = typeof q === "string" ? q : typeof q === "function" ? q() : nodeString(q);
    if (ctx.length > 20) ctx = `${ctx.slice(0, 20)}...`;
    throw new ExecError(`template: ${parseName}:${line}:${col}: executing "${this.tree.name}" at <${ctx}>: ${msg}`);
  }

  push(name: string, v: GoValue): void {
    this.vars.push(name);
    this.vals.push(v);
  }

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
    this.vals.length = mark;
  }

  setVar(name: string, v: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i] === name) {
        this.vals[i] = v;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i] === name) return this.vals[i];
    this.errorf(`undefined variable: ${name}`);
  }

  /** UTF-16 units written; exact UTF-8 bytes are counted only once output could be near the cap. */
  private units = 0;
  private bytes = -1;

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join("")];
    return this.parts[0] ?? "";
  }

  write(s: string): void {
    this.parts.push(s);
    if (this.bytes >= 0) this.bytes += Buffer.byteLength(s, "utf8");
    else {
      this.units += s.length;
      if (this.units * 3 > MAX_OUTPUT) this.bytes = Buffer.byteLength(this.text(), "utf8");
    }
    if (this.bytes > MAX_OUTPUT) this.errorf(OUTPUT_LIMIT_MESSAGE);
  }

  /** One nesting level deeper; the caller decrements `depth` when it leaves. */
  enter(): void {
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    this.depth++;
  }

  step(): void {
    const n = ++this.steps;
    // Reading the clock costs more than a cheap step, so only every TIME_CHECK_EVERY steps (and after each
    // function call, whose cost has no bound in steps).
    if ((n & (TIME_CHECK_EVERY - 1)) === 0) this.checkTime();
    if (n > MAX_STEPS) this.errorf(`template execution exceeded ${MAX_STEPS} steps (runaway recursion?)`);
  }

  /**
   * Stops at the time budget. The error carries no position: where the clock happens to run out differs
   * between evaluations, and an annotation must not change with it.
   */
  checkTime(): void {
    if (this.deadline !== Number.POSITIVE_INFINITY && performance.now() > this.deadline) {
      throw new ExecError(timeUp(this.env.budget));
    }
  }
}

/** Runs a tree with dot and initial variables; returns the output. */
export function execute(env: ExecEnv, tree: Tree, dot: GoValue, vars?: Vars): string {
  const s = new State(env, tree);
  s.push("$", dot);
  if (vars) for (let i = 0; i < vars.names.length; i++) s.push(vars.names[i], vars.values[i]);
  walkList(s, dot, tree.root);
  return s.text();
}

// Depth is not restored when something throws: an error ends the whole execution (nothing in here
// catches and goes on), and a try/finally on these hot paths costs measurable time.
function walkList(s: State, dot: GoValue, list: ListNode): number {
  s.enter();
  for (const n of list.nodes) {
    const r = walk(s, dot, n);
    if (r) {
      s.depth--;
      return r;
    }
  }
  s.depth--;
  return 0;
}

function walk(s: State, dot: GoValue, node: Node): number {
  s.step();
  switch (node.k) {
    case "text":
      s.write(node.text);
      return 0;
    case "action": {
      const val = evalPipeline(s, dot, node.pipe);
      if (node.pipe.decl.length === 0) printValue(s, node.pipe, val);
      return 0;
    }
    case "if":
    case "with": {
      const mark = s.mark();
      const val = evalPipeline(s, dot, node.pipe);
      let r = 0;
      if (truth(val)) r = walkList(s, node.k === "with" ? val : dot, node.list);
      else if (node.elseList) r = walkList(s, dot, node.elseList);
      s.pop(mark);
      return r;
    }
    case "range":
      return walkRange(s, dot, node);
    case "template":
      return walkTemplate(s, dot, node);
    case "break":
      return BREAK;
    case "continue":
      return CONTINUE;
    default:
      return walkList(s, dot, node);
  }
}

function walkRange(s: State, dot: GoValue, r: Extract<Node, { k: "range" }>): number {
  s.at(r.pos, () => `{{range ${nodeString(r.pipe)}}}`);
  const outer = s.mark();
  const val = evalPipeline(s, dot, r.pipe);
  const mark = s.mark();
  const decl = r.pipe.decl;
  const one = (index: GoValue, elem: GoValue): number => {
    // An iteration is work even when its body is empty (`range 10000000`).
    s.step();
    if (decl.length > 0) {
      if (r.pipe.isAssign) s.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
      else s.vals[mark - 1] = elem;
    }
    if (decl.length > 1) {
      if (r.pipe.isAssign) s.setVar(decl[1].ident[0], elem);
      else s.vals[mark - 2] = index;
    }
    const res = walkList(s, elem, r.list);
    s.pop(mark);
    return res;
  };
  let iterated = false;
  if (Array.isArray(val)) {
    for (let i = 0; i < val.length; i++) {
      iterated = true;
      if (one(BigInt(i), val[i]) === BREAK) break;
    }
  } else if (val instanceof Map) {
    for (const k of [...val.keys()].sort()) {
      iterated = true;
      if (one(k, val.get(k)) === BREAK) break;
    }
  } else if (isPlainMap(val)) {
    for (const k of Object.keys(val).sort()) {
      iterated = true;
      if (one(k, val[k]) === BREAK) break;
    }
  } else if (typeof val === "bigint") {
    if (decl.length > 1)
      s.errorf("can't use %v to iterate over more than one variable".replace("%v", sprintValue(val)));
    for (let i = 0n; i < val; i++) {
      iterated = true;
      if (one(i, i) === BREAK) break;
    }
  } else if (val !== undefined && val !== null) {
    s.at(r.pos, () => `{{range ${nodeString(r.pipe)}}}`);
    s.errorf(`range can't iterate over ${sprintValue(val)}`);
  }
  let res = 0;
  if (!iterated && r.elseList) res = walkList(s, dot, r.elseList);
  s.pop(outer);
  return res;
}

function walkTemplate(s: State, dot: GoValue, t: Extract<Node, { k: "template" }>): number {
  s.at(t.pos, () => `{{template ${JSON.stringify(t.name)}${t.pipe ? ` ${nodeString(t.pipe)}` : ""}}}`);
  const tree = s.env.lookup(t.name);
  if (!tree) s.errorf(`template ${JSON.stringify(t.name)} not defined`);
  const newDot = t.pipe ? evalPipeline(s, dot, t.pipe) : undefined;
  const savedVars = s.vars;
  const savedVals = s.vals;
  const savedTree = s.tree;
  s.vars = ["$"];
  s.vals = [newDot];
  s.tree = tree;
  try {
    walkList(s, newDot, tree.root);
  } finally {
    s.vars = savedVars;
    s.vals = savedVals;
    s.tree = savedTree;
  }
  return 0;
}

function printValue(s: State, pipe: PipeNode, v: GoValue): void {
  if (typeof v === "string") {
    s.write(v);
    return;
  }
  if (v === undefined) {
    s.write("<no value>");
    return;
  }
  s.at(pipe.pos, pipe);
  s.write(sprintValue(v));
}

function evalPipeline(s: State, dot: GoValue, pipe: PipeNode): GoValue {
  s.at(pipe.pos, pipe);
  let value: GoValue | typeof MISSING = MISSING;
  for (const cmd of pipe.cmds) value = evalCommand(s, dot, cmd, value);
  const v = value === MISSING ? undefined : value;
  for (const d of pipe.decl) {
    if (pipe.isAssign) s.setVar(d.ident[0], v);
    else s.push(d.ident[0], v);
  }
  return v;
}

/** A parenthesized pipeline, one nesting level deeper. */
function evalNestedPipeline(s: State, dot: GoValue, pipe: PipeNode): GoValue {
  s.enter();
  const v = evalPipeline(s, dot, pipe);
  s.depth--;
  return v;
}

const MISSING = Symbol("missing");
type Final = GoValue | typeof MISSING;

function notAFunction(s: State, args: Arg[], final: Final): void {
  if (args.length > 1 || final !== MISSING) s.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
}

function evalCommand(s: State, dot: GoValue, cmd: CommandNode, final: Final): GoValue {
  const first = cmd.args[0];
  s.step();
  switch (first.k) {
    case "field":
      return evalFieldChain(s, dot, dot, first, first.ident, cmd.args, final);
    case "chain":
      return evalChain(s, dot, first, cmd.args, final);
    case "identifier":
      return evalFunction(s, dot, first.name, first.pos, cmd, cmd.args, final);
    case "pipe":
      notAFunction(s, cmd.args, final);
      return evalNestedPipeline(s, dot, first);
    case "variable":
      return evalVariable(s, dot, first, cmd.args, final);
  }
  s.at(first.pos, first);
  notAFunction(s, cmd.args, final);
  switch (first.k) {
    case "bool":
      return first.val;
    case "dot":
      return dot;
    case "nil":
      s.errorf("nil is not a command");
      break;
    case "number":
      return idealConstant(s, first);
    case "string":
      return first.text;
  }
  s.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
}

function idealConstant(s: State, n: NumberNode): GoValue {
  s.at(n.pos, n.text);
  if (n.isFloat && !/^[+-]?0[xX]/.test(n.text) && !n.isRune && /[.eEpP]/.test(n.text)) return n.float;
  if (n.isInt) return n.int;
  if (n.isFloat) return n.float;
  s.errorf(`${n.text} overflows int`);
}

function evalVariable(
  s: State,
  dot: GoValue,
  v: Extract<Arg, { k: "variable" }>,
  args: Arg[] | null,
  final: Final,
): GoValue {
  s.at(v.pos, v);
  const value = s.varValue(v.ident[0]);
  if (v.ident.length === 1) {
    if (args) notAFunction(s, args, final);
    return value;
  }
  return evalFieldChain(s, dot, value, v, v.ident.slice(1), args, final);
}

function evalChain(s: State, dot: GoValue, c: Extract<Arg, { k: "chain" }>, args: Arg[] | null, final: Final): GoValue {
  s.at(c.pos, c);
  if (c.node.k === "nil") s.errorf(`indirection through explicit nil in ${nodeString(c)}`);
  const pipe = evalArgAny(s, dot, c.node);
  return evalFieldChain(s, dot, pipe, c, c.field, args, final);
}

function evalFieldChain(
  s: State,
  dot: GoValue,
  receiver: GoValue,
  node: Arg,
  ident: string[],
  args: Arg[] | null,
  final: Final,
): GoValue {
  const n = ident.length;
  for (let i = 0; i < n - 1; i++) receiver = evalField(s, dot, ident[i], node, null, MISSING, receiver);
  return evalField(s, dot, ident[n - 1], node, args, final, receiver);
}

function evalField(
  s: State,
  dot: GoValue,
  name: string,
  node: Arg,
  args: Arg[] | null,
  final: Final,
  receiver: GoValue,
): GoValue {
  if (receiver === undefined || receiver === null) return undefined;
  s.at(node.pos, node);
  const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
  if (typeof receiver === "object") {
    const method = methodOf(receiver, name);
    if (method) return evalCall(s, dot, method, name, node.pos, node, args, final, receiver);
    if (receiver instanceof GoStruct) {
      if (Object.hasOwn(receiver.fields, name)) {
        if (hasArgs) s.errorf(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields[name];
      }
    } else if (receiver instanceof Map) {
      if (hasArgs) s.errorf(`${name} is not a method but has arguments`);
      return receiver.get(name);
    } else if (isPlainMap(receiver)) {
      if (hasArgs) s.errorf(`${name} is not a method but has arguments`);
      const v = receiver[name];
      return v === undefined || !Object.hasOwn(receiver, name) ? "" : v;
    }
  }
  s.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
}

function evalFunction(
  s: State,
  dot: GoValue,
  name: string,
  pos: number,
  cmd: CommandNode,
  args: Arg[],
  final: Final,
): GoValue {
  s.at(pos, name);
  const def = s.env.funcs[name];
  if (!def) s.errorf(`"${name}" is not a defined function`);
  if (name === "and" || name === "or") return evalAndOr(s, dot, name, args, final);
  return evalCall(s, dot, def, name, cmd.pos, cmd, args, final, undefined);
}

function evalAndOr(s: State, dot: GoValue, name: string, args: Arg[], final: Final): GoValue {
  const n = args.length - 1 + (final === MISSING ? 0 : 1);
  if (n < 1) s.errorf(`wrong number of args for ${name}: want at least 1 got ${args.length - 1}`);
  let v: GoValue;
  for (let i = 1; i < args.length; i++) {
    v = evalArgAny(s, dot, args[i]);
    if (truth(v) === (name === "or")) return v;
  }
  if (final !== MISSING) v = final;
  return v;
}

/** Calls a function or method, converting arguments to its parameter types as Go's evalCall. */
function evalCall(
  s: State,
  dot: GoValue,
  def: FuncDef,
  name: string,
  pos: number,
  str: Quote,
  args: Arg[] | null,
  final: Final,
  receiver: GoValue,
): GoValue {
  const given = args ? args.length - 1 : 0;
  const numIn = given + (final === MISSING ? 0 : 1);
  const fixed = def.params.length;
  if (def.variadic) {
    if (numIn < fixed) s.errorf(`wrong number of args for ${name}: want at least ${fixed} got ${given}`);
  } else if (numIn !== fixed) {
    s.errorf(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
  }
  const argv: GoValue[] = [];
  if (args) {
    for (let i = 1; i < args.length; i++) {
      const p = i - 1 < fixed ? def.params[i - 1] : def.variadic!;
      argv.push(evalArg(s, dot, p, args[i]));
    }
  }
  if (final !== MISSING) {
    const p = argv.length < fixed ? def.params[argv.length] : def.variadic!;
    argv.push(validateType(s, final, p));
  }
  if (receiver !== undefined) argv.unshift(receiver);
  let result: GoValue;
  try {
    result = def.fn(argv, s.env.ctx);
  } catch (err) {
    if (err instanceof NeedQuery || err instanceof ExecError) throw err;
    s.at(pos, str);
    if (err instanceof FuncError) s.errorf(`error calling ${name}: ${err.message}`);
    if (err instanceof RangeError) s.errorf(`error calling ${name}: ${err.message}`);
    throw err;
  }
  s.checkTime();
  // No value a function makes may outgrow what a whole rendering may print: `printf "%s%s" $s $s` in a
  // loop would otherwise double a string until memory runs out. UTF-16 units never exceed UTF-8 bytes.
  if (typeof result === "string" && result.length > MAX_OUTPUT) {
    s.at(pos, str);
    s.errorf(`error calling ${name}: ${OUTPUT_LIMIT_MESSAGE}`);
  }
  return result;
}

function evalArgAny(s: State, dot: GoValue, n: Arg): GoValue {
  return evalArg(s, dot, "any", n);
}

function evalArg(s: State, dot: GoValue, p: Param, n: Arg): GoValue {
  s.at(n.pos, n);
  switch (n.k) {
    case "dot":
      return validateType(s, dot, p);
    case "nil":
      if (p === "any" || p === "metrics") return null;
      s.errorf(`cannot assign nil to ${PARAM_TYPE[p]}`);
      break;
    case "field":
      return validateType(s, evalFieldChain(s, dot, dot, n, n.ident, [n], MISSING), p);
    case "variable":
      return validateType(s, evalVariable(s, dot, n, null, MISSING), p);
    case "pipe":
      return validateType(s, evalNestedPipeline(s, dot, n), p);
    case "identifier":
      return validateType(
        s,
        evalFunction(s, dot, n.name, n.pos, { k: "command", pos: n.pos, args: [n] }, [n], MISSING),
        p,
      );
    case "chain":
      return validateType(s, evalChain(s, dot, n, null, MISSING), p);
  }
  switch (p) {
    case "any":
      if (n.k === "bool") return n.val;
      if (n.k === "number") return idealConstant(s, n);
      if (n.k === "string") return n.text;
      break;
    case "bool":
      if (n.k === "bool") return n.val;
      s.errorf(`expected bool; found ${nodeString(n)}`);
      break;
    case "string":
      if (n.k === "string") return n.text;
      s.errorf(`expected string; found ${nodeString(n)}`);
      break;
    case "int":
      if (n.k === "number" && n.isInt) return n.int;
      s.errorf(`expected integer; found ${nodeString(n)}`);
      break;
    case "float64":
      if (n.k === "number" && n.isFloat) return n.float;
      s.errorf(`expected float; found ${nodeString(n)}`);
      break;
  }
  s.errorf(`can't handle ${nodeString(n)} for arg of type ${PARAM_TYPE[p]}`);
}

function validateType(s: State, v: GoValue, p: Param): GoValue {
  if (p === "any") return v;
  if (v === undefined || v === null) {
    if (p === "metrics") return [];
    s.errorf(`invalid value; expected ${PARAM_TYPE[p]}`);
  }
  let ok: boolean;
  switch (p) {
    case "string":
      ok = typeof v === "string";
      break;
    case "float64":
      ok = typeof v === "number";
      break;
    case "int":
      ok = typeof v === "bigint";
      break;
    case "bool":
      ok = typeof v === "boolean";
      break;
    case "metric":
      ok = isMetric(v);
      break;
    case "metrics":
      ok = Array.isArray(v) && v.every(isMetric);
      break;
  }
  if (!ok) s.errorf(`wrong type for value; expected ${PARAM_TYPE[p]}; got ${typeName(v)}`);
  return v;
}

// ---- methods of time.Time and time.Duration ----

const NS = 1_000_000_000n;

const TIME_METHODS: Record<string, FuncDef> = {
  Unix: { params: [], fn: ([t]) => floorDiv((t as GoTime).ns, NS) },
  UnixMilli: { params: [], fn: ([t]) => floorDiv((t as GoTime).ns, 1_000_000n) },
  UnixMicro: { params: [], fn: ([t]) => floorDiv((t as GoTime).ns, 1000n) },
  UnixNano: { params: [], fn: ([t]) => (t as GoTime).ns },
  Add: { params: ["any"], fn: ([t, d]) => new GoTime((t as GoTime).ns + durationArg(d)) },
  Sub: {
    params: ["any"],
    fn: ([t, u]) => {
      if (!(u instanceof GoTime)) throw new FuncError(`wrong type for value; expected time.Time; got ${typeName(u)}`);
      return new GoDuration((t as GoTime).ns - u.ns);
    },
  },
  Format: { params: ["string"], fn: ([t, l]) => formatTime(t as GoTime, l as string) },
  String: { params: [], fn: ([t]) => sprintValue(t) },
  UTC: { params: [], fn: ([t]) => t },
  Local: { params: [], fn: ([t]) => t },
  IsZero: { params: [], fn: ([t]) => (t as GoTime).ns === -62135596800n * NS },
};

const DURATION_METHODS: Record<string, FuncDef> = {
  Seconds: { params: [], fn: ([d]) => Number((d as GoDuration).ns) / 1e9 },
  Minutes: { params: [], fn: ([d]) => Number((d as GoDuration).ns) / 6e10 },
  Hours: { params: [], fn: ([d]) => Number((d as GoDuration).ns) / 3.6e12 },
  Milliseconds: { params: [], fn: ([d]) => (d as GoDuration).ns / 1_000_000n },
  Microseconds: { params: [], fn: ([d]) => (d as GoDuration).ns / 1000n },
  Nanoseconds: { params: [], fn: ([d]) => (d as GoDuration).ns },
  String: { params: [], fn: ([d]) => durationString((d as GoDuration).ns) },
};

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

function durationArg(d: GoValue): bigint {
  if (d instanceof GoDuration) return d.ns;
  if (typeof d === "bigint") return d;
  throw new FuncError(`wrong type for value; expected time.Duration; got ${typeName(d)}`);
}

function methodOf(v: object, name: string): FuncDef | undefined {
  if (v instanceof GoTime) return TIME_METHODS[name];
  if (v instanceof GoDuration) return DURATION_METHODS[name];
  return undefined;
}

export { BUILTINS, NeedQuery };
