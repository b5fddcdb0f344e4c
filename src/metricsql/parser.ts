// Recursive descent over the token stream of lexer.ts. WITH templates are expanded while parsing: a
// template's body is re-read from its source span with its parameters bound, so the tree returned holds
// no template names. Work is bounded: nesting depth, tokens read (WITH expansion included) and tree size.
import { errorMessage } from "../errors.js";
import { compileGoRegexp } from "../goregexp.js";
import type {
  AggregateExpr,
  BinaryExpr,
  BinaryOp,
  DurationLiteral,
  Expr,
  FunctionCall,
  Grouping,
  LabelMatcher,
  MatchOp,
  RollupExpr,
  VectorSelector,
} from "./ast.js";
import { MetricsqlSyntaxError } from "./error.js";
import { describeArity, lookupFunction } from "./functions.js";
import { describeToken, Lexer, Tok } from "./lexer.js";

export const MAX_DEPTH = 1000;
/** Tokens read per input character at most (WITH expansion re-reads template bodies). */
const MAX_STEPS_PER_CHAR = 64;
const MIN_STEP_BUDGET = 200_000;

const PRIORITY: Record<string, number> = {
  default: -1,
  if: 0,
  ifnot: 0,
  or: 1,
  and: 2,
  unless: 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  ">": 3,
  "<=": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  atan2: 5,
  "^": 6,
};
const COMPARISON = new Set(["==", "!=", "<", ">", "<=", ">="]);
const SET_OPS = new Set(["and", "or", "unless", "if", "ifnot", "default"]);

interface Template {
  params: string[] | null;
  /** Set for parameterless templates and bound parameters: the expanded value. */
  value?: Expr;
  /** Source span of a function template's body, re-read at each call. */
  bodyStart: number;
  bodyEnd: number;
  /** The text the span is in, when not the expression itself (MetricsQL's built-in templates). */
  bodySrc?: string;
  scope: Scope | null;
  /** A parameter while its template's body is checked at definition: stands for any argument. */
  placeholder?: boolean;
}

interface Scope {
  names: Map<string, Template>;
  parent: Scope | null;
}

export interface ParseStats {
  /** Tokens read, WITH expansion included. */
  steps: number;
  /** The expression used WITH templates (its own or MetricsQL's built-in ones): MetricsQL only. */
  usedTemplates?: boolean;
}

export interface ParseResult {
  expr: Expr;
  /** True when the tree may be deeper or larger than the tokens read (WITH templates share subtrees). */
  mayExceed: boolean;
}

export function parseExpr(src: string, stats?: ParseStats): ParseResult {
  const p = new Parser(src);
  try {
    const expr = p.parseTop();
    // Without templates every node holds at least one token, so the tree is no deeper than that.
    return { expr, mayExceed: p.usedTemplates || p.steps() > MAX_DEPTH };
  } finally {
    if (stats) {
      stats.steps = p.steps();
      stats.usedTemplates = p.usedTemplates;
    }
  }
}

/**
 * MetricsQL's built-in WITH templates, usable as functions in every expression (see "WITH templates" in
 * the MetricsQL docs). An expression's own WITH templates of the same name take precedence.
 */
const BUILTIN_TEMPLATES: Scope = {
  parent: null,
  names: new Map(
    (
      [
        ["ru", ["freev", "maxv"], "clamp_min(maxv - clamp_min(freev, 0), 0) / clamp_min(maxv, 0) * 100"],
        [
          "ttf",
          ["freev"],
          "smooth_exponential(clamp_max(clamp_max(-freev, 0) / clamp_max(deriv_fast(freev), 0), 365*24*3600), clamp_max(step()/300, 1))",
        ],
        ["range_median", ["q"], "range_quantile(0.5, q)"],
        ["alias", ["q", "name"], 'label_set(q, "__name__", name)'],
      ] as const
    ).map(([name, params, body]): [string, Template] => [
      name,
      { params: [...params], bodyStart: 0, bodyEnd: body.length, bodySrc: body, scope: null },
    ]),
  ),
};

class Parser {
  private lx: Lexer;
  private depth = 0;
  private stepBudget: number;
  private scope: Scope | null = BUILTIN_TEMPLATES;
  private doneSteps = 0;
  usedTemplates = false;
  /** End of the token before the current one. */
  private lastEnd = 0;

  constructor(private readonly src: string) {
    this.lx = new Lexer(src);
    this.stepBudget = Math.max(MIN_STEP_BUDGET, src.length * MAX_STEPS_PER_CHAR);
  }

  steps(): number {
    return this.doneSteps + this.lx.steps;
  }

  parseTop(): Expr {
    this.advance();
    const e = this.parseExpr();
    if (this.tok() !== Tok.EOF) this.unexpected("end of input");
    return e;
  }

  // --- token helpers -------------------------------------------------------------------------

  private tok(): Tok {
    return this.lx.kind;
  }

  private advance(): void {
    this.lastEnd = this.lx.end;
    this.lx.next();
    if (this.doneSteps + this.lx.steps > this.stepBudget) {
      this.lx.fail("expression too large to expand (WITH templates expand to too much)", this.lx.start);
    }
  }

  private fail(reason: string, at: number = this.lx.start): never {
    return this.lx.fail(reason, at);
  }

  private unexpected(expected: string): never {
    return this.fail(`expected ${expected} but found ${describeToken(this.lx)}`);
  }

  private isPunct(t: string): boolean {
    return this.tok() === Tok.Punct && this.lx.text === t;
  }

  /** k is lower case. */
  private isKeyword(k: string): boolean {
    const t = this.lx.text;
    return (
      this.tok() === Tok.Ident &&
      t.length === k.length &&
      !this.lx.escaped &&
      (t.charCodeAt(0) | 32) === k.charCodeAt(0) &&
      (t === k || t.toLowerCase() === k)
    );
  }

  private expectPunct(t: string): void {
    if (!this.isPunct(t)) this.unexpected(JSON.stringify(t));
    this.advance();
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nested too deeply (more than ${MAX_DEPTH} levels)`);
  }

  // --- expressions ---------------------------------------------------------------------------

  private parseExpr(): Expr {
    return this.parseBinary(-1);
  }

  private binaryOp(): BinaryOp | null {
    const lx = this.lx;
    if (lx.kind === Tok.Punct) {
      const t = lx.text;
      return t in PRIORITY ? (t as BinaryOp) : null;
    }
    if (lx.kind === Tok.Ident && !lx.escaped) {
      const t = lx.text.toLowerCase();
      return SET_OPS.has(t) || t === "atan2" ? (t as BinaryOp) : null;
    }
    return null;
  }

  private parseBinary(minPrec: number): Expr {
    this.enter();
    let lhs = this.parseUnary();
    for (;;) {
      const op = this.binaryOp();
      if (op === null) break;
      const prec = PRIORITY[op] as number;
      if (prec < minPrec) break;
      this.advance();
      let bool = false;
      if (this.isKeyword("bool")) {
        if (!COMPARISON.has(op)) this.fail(`bool modifier cannot be applied to "${op}"`);
        bool = true;
        this.advance();
      }
      let matching: BinaryExpr["matching"];
      let group: BinaryExpr["group"];
      if (this.isKeyword("on") || this.isKeyword("ignoring")) {
        const on = this.isKeyword("on");
        this.advance();
        matching = { on, labels: this.parseLabelList() };
        if (this.isKeyword("group_left") || this.isKeyword("group_right")) {
          if (SET_OPS.has(op)) this.fail(`group modifiers cannot be applied to "${op}"`);
          const side = this.isKeyword("group_left") ? "left" : "right";
          this.advance();
          group = { side, labels: this.isPunct("(") ? this.parseLabelList() : [] };
        }
      } else if (this.isKeyword("group_left") || this.isKeyword("group_right")) {
        this.fail(`${this.lx.text} needs on(...) or ignoring(...) before it`);
      }
      const rhs = this.parseBinary(op === "^" ? prec : prec + 1);
      const node: BinaryExpr = { type: "binary", op, lhs, rhs, bool, pos: { start: lhs.pos.start, end: rhs.pos.end } };
      if (matching) node.matching = matching;
      if (group) node.group = group;
      lhs = node;
    }
    this.depth--;
    return lhs;
  }

  private parseUnary(): Expr {
    if (this.isPunct("-") || this.isPunct("+")) {
      const start = this.lx.start;
      const op = this.lx.text as "-" | "+";
      this.advance();
      // Unary minus binds looser than ^ (as in PromQL): -a^2 is -(a^2).
      const expr = this.parseBinary(PRIORITY["^"] as number);
      return { type: "unary", op, expr, pos: { start, end: expr.pos.end } };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    const e = this.parsePrimary();
    if (!this.isPunct("[") && !this.isKeyword("offset") && !this.isPunct("@")) return e;
    const node: RollupExpr = { type: "rollup", expr: e, subquery: false, pos: { start: e.pos.start, end: e.pos.end } };
    if (this.isPunct("[")) this.parseWindow(node);
    for (;;) {
      if (this.isKeyword("offset")) {
        if (node.offset) this.fail("offset given twice");
        this.advance();
        node.offset = this.parseDurationValue(true, "offset");
        node.pos.end = node.offset.pos.end;
      } else if (this.isPunct("@")) {
        if (node.at) this.fail("@ modifier given twice");
        this.advance();
        node.at = this.parseAtValue();
        node.pos.end = node.at.pos.end;
      } else break;
    }
    return node;
  }

  private parseAtValue(): Expr {
    this.enter();
    let e: Expr;
    if (this.isPunct("-") || this.isPunct("+")) {
      const start = this.lx.start;
      const op = this.lx.text as "-" | "+";
      this.advance();
      const inner = this.parsePrimary();
      e = { type: "unary", op, expr: inner, pos: { start, end: inner.pos.end } };
    } else e = this.parsePrimary();
    this.depth--;
    return e;
  }

  private parseWindow(node: RollupExpr): void {
    this.lx.windowMode = true;
    this.advance();
    if (!this.isPunct(":") && !this.isPunct("]")) node.window = this.parseDurationValue(false, "window");
    else if (this.isPunct("]")) this.unexpected("a duration");
    if (this.isPunct(":")) {
      node.subquery = true;
      this.advance();
      if (!this.isPunct("]")) node.step = this.parseDurationValue(false, "step");
    }
    if (!this.isPunct("]")) this.unexpected(node.subquery ? '"]"' : '":" or "]"');
    this.lx.windowMode = false;
    node.pos.end = this.lx.end;
    this.advance();
  }

  /** A duration in a window, step or offset: literal, plain number (seconds), `$__interval` or a WITH name. */
  private parseDurationValue(allowSign: boolean, what: string): DurationLiteral {
    const start = this.lx.start;
    let neg = false;
    if (allowSign && (this.isPunct("-") || this.isPunct("+"))) {
      neg = this.lx.text === "-";
      this.advance();
    }
    const lx = this.lx;
    let text: string;
    let ms: number | null;
    if (lx.kind === Tok.Duration) {
      text = lx.text;
      ms = lx.ms;
    } else if (lx.kind === Tok.Number) {
      text = lx.text;
      ms = Math.round(lx.num * 1000);
    } else if (lx.kind === Tok.Ident && lx.text.startsWith("$")) {
      text = lx.text;
      ms = null;
    } else if (lx.kind === Tok.Ident) {
      const t = this.lookup(lx.text);
      const v = t?.value;
      if (!t || t.params !== null || !v)
        this.fail(`expected a duration for the ${what} but found ${describeToken(lx)}`);
      if (t.placeholder) {
        text = lx.text;
        ms = null;
      } else if (v.type === "duration") {
        text = v.text;
        ms = v.ms;
      } else if (v.type === "number") {
        text = String(v.value);
        ms = Math.round(v.value * 1000);
      } else this.fail(`WITH template "${lx.text}" is not a duration and cannot be the ${what}`);
    } else this.unexpected(`a duration for the ${what}`);
    if (neg) {
      if (text.startsWith("-")) this.fail("offset has two signs", start);
      text = `-${text}`;
      ms = ms === null ? null : -ms;
    }
    const end = lx.end;
    this.advance();
    return { type: "duration", text, ms: ms === 0 ? 0 : ms, pos: { start, end } };
  }

  private parsePrimary(): Expr {
    const lx = this.lx;
    const start = lx.start;
    switch (lx.kind) {
      case Tok.Number: {
        const value = lx.num;
        const end = lx.end;
        this.advance();
        return { type: "number", value, pos: { start, end } };
      }
      case Tok.Duration: {
        const node: DurationLiteral = { type: "duration", text: lx.text, ms: lx.ms, pos: { start, end: lx.end } };
        this.advance();
        return node;
      }
      case Tok.String: {
        const value = lx.str;
        const end = lx.end;
        this.advance();
        return { type: "string", value, pos: { start, end } };
      }
      case Tok.Ident:
        if (lx.text.startsWith("$")) this.fail(`${lx.text} can only be used as a window or step, like [${lx.text}]`);
        return this.parseIdentExpr();
      case Tok.Punct:
        if (lx.text === "(") return this.parseParens();
        if (lx.text === "{") return this.parseSelector(undefined, start);
        break;
    }
    return this.unexpected("an expression");
  }

  private parseParens(): Expr {
    const start = this.lx.start;
    this.advance();
    const args: Expr[] = [];
    let trailingComma = false;
    while (!this.isPunct(")")) {
      args.push(this.parseExpr());
      trailingComma = false;
      if (this.isPunct(",")) {
        trailingComma = true;
        this.advance();
      } else if (!this.isPunct(")")) this.unexpected(args.length === 1 ? '")"' : '"," or ")"');
    }
    const end = this.lx.end;
    this.advance();
    const first = args[0];
    if (args.length === 1 && first && !trailingComma) return { type: "paren", expr: first, pos: { start, end } };
    return { type: "call", name: "", args, keepMetricNames: false, pos: { start, end } };
  }

  private parseIdentExpr(): Expr {
    const lx = this.lx;
    const start = lx.start;
    const name = lx.text;
    const escaped = lx.escaped;
    const lower = escaped ? "" : name.toLowerCase();
    const nameEnd = lx.end;
    this.advance();
    if (lower === "with" && this.isPunct("(")) return this.parseWith();
    if (this.isPunct("(")) {
      const t = this.lookup(name);
      if (t && t.params !== null) return this.expandCall(name, t, start);
      if (t) this.fail(`WITH template "${name}" takes no arguments`, start);
      const spec = lookupFunction(name.toLowerCase());
      if (spec?.kind === "aggregate") return this.parseAggregate(name.toLowerCase(), start);
      return this.parseCall(name, start);
    }
    if ((this.isKeyword("by") || this.isKeyword("without")) && lookupFunction(lower)?.kind === "aggregate") {
      return this.parseAggregate(lower, start);
    }
    if (this.isPunct("{")) {
      const t = this.lookupValue(name);
      if (t && !t.placeholder) {
        const v = t.value;
        if (t.params !== null || !v || v.type !== "selector") {
          this.fail(`WITH template "${name}" is not a series selector and cannot take label filters`, start);
        }
        return this.parseSelector(v, start);
      }
      return this.parseSelector(name, start);
    }
    const t = this.lookupValue(name);
    if (t) {
      if (t.params !== null) this.fail(`WITH template "${name}" needs ${t.params.length} argument(s)`, start);
      return wrapValue(t.value as Expr, start, nameEnd);
    }
    if (lower === "inf" || lower === "nan") {
      return {
        type: "number",
        value: lower === "nan" ? Number.NaN : Number.POSITIVE_INFINITY,
        pos: { start, end: nameEnd },
      };
    }
    return { type: "selector", name, matchers: [], pos: { start, end: nameEnd } };
  }

  private parseArgs(): Expr[] {
    this.expectPunct("(");
    const args: Expr[] = [];
    while (!this.isPunct(")")) {
      args.push(this.parseExpr());
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct(")")) this.unexpected('"," or ")"');
    }
    this.advance();
    return args;
  }

  private checkArity(name: string, n: number, at: number): void {
    const spec = lookupFunction(name);
    if (!spec) this.fail(`unknown function "${name}"`, at);
    if (n < spec.minArgs || n > spec.maxArgs) {
      this.fail(`function "${name}" takes ${describeArity(spec)}, got ${n}`, at);
    }
  }

  private parseCall(name: string, start: number): FunctionCall {
    const lower = name.toLowerCase();
    if (!lookupFunction(lower)) this.fail(`unknown function "${name}"`, start);
    this.enter();
    const args = this.parseArgs();
    this.depth--;
    this.checkArity(lower, args.length, start);
    const node: FunctionCall = { type: "call", name: lower, args, keepMetricNames: false, pos: { start, end: 0 } };
    node.pos.end = this.lastEnd;
    if (this.isKeyword("keep_metric_names")) {
      node.keepMetricNames = true;
      node.pos.end = this.lx.end;
      this.advance();
    }
    return node;
  }

  private parseAggregate(name: string, start: number): AggregateExpr {
    let grouping: Grouping | undefined;
    if (this.isKeyword("by") || this.isKeyword("without")) grouping = this.parseGrouping();
    this.enter();
    if (!this.isPunct("(")) this.unexpected('"("');
    const args = this.parseArgs();
    this.depth--;
    const node: AggregateExpr = { type: "aggregate", name, args, pos: { start, end: this.lastEnd } };
    this.checkArity(name, args.length, start);
    if (this.isKeyword("by") || this.isKeyword("without")) {
      if (grouping) this.fail(`${this.lx.text} given twice in ${name}(...)`);
      grouping = this.parseGrouping();
      node.pos.end = this.lastEnd;
    }
    if (grouping) node.grouping = grouping;
    if (this.isKeyword("limit")) {
      this.advance();
      if (this.tok() !== Tok.Number || !Number.isInteger(this.lx.num) || this.lx.num < 0) {
        this.unexpected("a non-negative integer after limit");
      }
      node.limit = this.lx.num;
      node.pos.end = this.lx.end;
      this.advance();
    }
    return node;
  }

  private parseGrouping(): Grouping {
    const mode = this.lx.text.toLowerCase() as "by" | "without";
    this.advance();
    return { mode, labels: this.parseLabelList() };
  }

  private parseLabelList(): string[] {
    this.expectPunct("(");
    const labels: string[] = [];
    while (!this.isPunct(")")) {
      if (this.tok() !== Tok.Ident || this.lx.text.startsWith("$")) this.unexpected('a label name or ")"');
      labels.push(this.lx.text);
      this.advance();
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct(")")) this.unexpected('"," or ")"');
    }
    this.advance();
    return labels;
  }

  private parseSelector(base: string | VectorSelector | undefined, start: number): VectorSelector {
    this.expectPunct("{");
    const groups: LabelMatcher[][] = [];
    let cur: LabelMatcher[] = [];
    let closed = false;
    while (!closed) {
      if (this.isPunct("}")) {
        if (cur.length === 0 && groups.length > 0) this.unexpected("a label matcher");
        break;
      }
      if (this.tok() !== Tok.Ident || this.lx.text.startsWith("$")) this.unexpected('a label name or "}"');
      const label = this.lx.text;
      const labelAt = this.lx.start;
      this.advance();
      if (
        this.tok() === Tok.Punct &&
        (this.lx.text === "=" || this.lx.text === "!=" || this.lx.text === "=~" || this.lx.text === "!~")
      ) {
        const op = this.lx.text as MatchOp;
        this.advance();
        if (this.tok() !== Tok.String) this.unexpected("a quoted label value");
        if (op === "=~" || op === "!~") this.checkRegexp(label, this.lx.str);
        cur.push({ label, op, value: this.lx.str });
        this.advance();
      } else {
        const t = this.lookup(label);
        const v = t?.value;
        // A parameter checked at definition stands for any set of filters.
        if (!t?.placeholder) {
          if (!t || t.params !== null || !v || v.type !== "selector" || v.name !== undefined || v.matchers.length > 1) {
            if (!t) this.unexpected('"=", "!=", "=~" or "!~"');
            this.fail(`WITH template "${label}" is not a set of label filters like {a="b"}`, labelAt);
          }
          for (const m of v.matchers[0] ?? []) cur.push(m);
        }
      }
      if (this.isPunct(",")) {
        this.advance();
      } else if (this.isKeyword("or")) {
        groups.push(cur);
        cur = [];
        this.advance();
      } else if (this.isPunct("}")) {
        closed = true;
      } else this.unexpected('",", "or" or "}"');
    }
    if (cur.length > 0) groups.push(cur);
    const end = this.lx.end;
    this.advance();
    if (typeof base === "object") {
      // WITH (t = foo{a="b"}) t{c="d"}: the template's filters come first, then the new ones.
      const merged = mergeMatchers(base.matchers, groups);
      const node: VectorSelector = { type: "selector", matchers: merged, pos: { start, end } };
      if (base.name !== undefined) node.name = base.name;
      return node;
    }
    const node: VectorSelector = { type: "selector", matchers: groups, pos: { start, end } };
    if (base !== undefined) node.name = base;
    return node;
  }

  /** As MetricsQL: a regexp filter must compile as Go's anchored `^(?:re)$` (RE2 syntax). */
  private checkRegexp(label: string, value: string): void {
    try {
      compileGoRegexp(value, { anchored: true });
    } catch (err) {
      this.fail(`invalid regexp in ${label}=${JSON.stringify(value)}: ${errorMessage(err)}`);
    }
  }

  // --- WITH templates ------------------------------------------------------------------------

  private lookup(name: string): Template | undefined {
    for (let s = this.scope; s; s = s.parent) {
      const t = s.names.get(name);
      if (t) return t;
    }
    return undefined;
  }

  /** A template used without parentheses; a built-in one is then a plain metric name, as in MetricsQL. */
  private lookupValue(name: string): Template | undefined {
    const t = this.lookup(name);
    return t?.bodySrc === undefined ? t : undefined;
  }

  private parseWith(): Expr {
    this.usedTemplates = true;
    this.enter();
    this.advance(); // (
    const scope: Scope = { names: new Map(), parent: this.scope };
    const saved = this.scope;
    this.scope = scope;
    while (!this.isPunct(")")) {
      if (this.tok() !== Tok.Ident || this.lx.text.startsWith("$")) this.unexpected('a template name or ")"');
      const name = this.lx.text;
      const nameAt = this.lx.start;
      if (scope.names.has(name)) this.fail(`WITH template "${name}" is defined twice`);
      this.advance();
      let params: string[] | null = null;
      if (this.isPunct("(")) {
        params = this.parseLabelList();
        if (new Set(params).size !== params.length)
          this.fail(`WITH template "${name}" has duplicate parameter names`, nameAt);
      }
      this.expectPunct("=");
      if (params === null) {
        const value = this.parseExpr();
        scope.names.set(name, { params: null, value, bodyStart: 0, bodyEnd: 0, scope: null });
      } else {
        // Check the body once with the parameters bound to placeholders, then keep its span.
        const bodyStart = this.lx.start;
        const tmpl: Template = { params, bodyStart, bodyEnd: 0, scope: this.scope };
        const inner: Scope = { names: new Map(), parent: this.scope };
        for (const p of params) {
          inner.names.set(p, {
            params: null,
            value: { type: "selector", name: p, matchers: [], pos: { start: bodyStart, end: bodyStart } },
            bodyStart: 0,
            bodyEnd: 0,
            scope: null,
            placeholder: true,
          });
        }
        this.scope = inner;
        this.parseExpr();
        this.scope = scope;
        tmpl.bodyEnd = this.lastEnd;
        scope.names.set(name, tmpl);
      }
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct(")")) this.unexpected('"," or ")"');
    }
    this.advance();
    const body = this.parseExpr();
    this.scope = saved;
    this.depth--;
    return body;
  }

  private expandCall(name: string, t: Template, start: number): Expr {
    this.usedTemplates = true;
    this.enter();
    const args = this.parseArgs();
    const params = t.params as string[];
    if (args.length !== params.length) {
      this.fail(`WITH template "${name}" takes ${params.length} argument(s), got ${args.length}`, start);
    }
    const callEnd = this.lastEnd;
    const bound: Scope = { names: new Map(), parent: t.scope };
    params.forEach((p, i) => {
      bound.names.set(p, { params: null, value: args[i] as Expr, bodyStart: 0, bodyEnd: 0, scope: null });
    });
    // Re-read the body from its source with a sub-lexer; resume the outer token stream afterwards.
    const outer = this.lx;
    const savedScope = this.scope;
    this.doneSteps += outer.steps;
    outer.steps = 0;
    const sub = new Lexer(t.bodySrc ?? this.src, t.bodyStart, t.bodyEnd);
    this.lx = sub;
    this.scope = bound;
    try {
      this.advance();
      const body = this.parseExpr();
      if (sub.kind !== Tok.EOF) this.unexpected("end of template body");
      return wrapValue(body, start, callEnd);
    } catch (err) {
      // A built-in body's offsets mean nothing in the expression: point at the call instead.
      if (t.bodySrc !== undefined && err instanceof MetricsqlSyntaxError) {
        throw new MetricsqlSyntaxError(`${name}(): ${err.reason}`, this.src, start);
      }
      throw err;
    } finally {
      this.doneSteps += sub.steps;
      this.lx = outer;
      this.lastEnd = callEnd;
      this.scope = savedScope;
      this.depth--;
    }
  }
}

function mergeMatchers(base: LabelMatcher[][], extra: LabelMatcher[][]): LabelMatcher[][] {
  if (base.length === 0) return extra;
  if (extra.length === 0) return base;
  const out: LabelMatcher[][] = [];
  for (const b of base) for (const e of extra) out.push([...b, ...e]);
  return out;
}

/** A template value put in place of its name. Operators are wrapped in parentheses so the printed
 *  text keeps the template's grouping. */
function wrapValue(v: Expr, start: number, end: number): Expr {
  if (v.type === "binary" || v.type === "unary" || v.type === "rollup") {
    return { type: "paren", expr: v, pos: { start, end } };
  }
  return v;
}
