// Parser of Go text/template: builds the tree and reports errors with Go's wording
// ("template: NAME:LINE: msg"), checking functions and variables at parse time as Go does.
import type { Arg, CommandNode, ListNode, Node, NumberNode, PipeNode, VariableNode } from "./ast.js";
import { lex, T, type Token } from "./lexer.js";

export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly pos: number,
  ) {
    super(message);
  }
}

export interface ParseResult {
  /** The main template's body. */
  root: ListNode;
  /** `define`/`block` bodies by name. */
  defines: Map<string, ListNode>;
  /** Functions the text calls (to pick the query-capable path). */
  funcs: Set<string>;
}

const END = Symbol("end");
const ELSE = Symbol("else");
type Marker = { m: typeof END | typeof ELSE; tok: Token };

/**
 * Nesting limit for lists ({{if}}, {{range}}, {{with}}, {{else if}} chains) and parenthesized pipelines
 * together. Go limits only parentheses, at 10000; a JS stack holds about 1,700 levels, and the parser
 * must stay far from that edge (V8 aborts the process if a regexp compiles there), so 300.
 */
export const MAX_PARSE_DEPTH = 300;

export function parseTemplate(
  name: string,
  text: string,
  hasFunc: (name: string) => boolean,
  predeclared: readonly string[] = [],
): ParseResult {
  return new Parser(name, text, hasFunc, predeclared).parse();
}

class Parser {
  private toks: Token[];
  private i = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private depth = 0;
  private last: Token;
  readonly defines = new Map<string, ListNode>();
  readonly funcs = new Set<string>();

  constructor(
    private name: string,
    text: string,
    private hasFunc: (name: string) => boolean,
    predeclared: readonly string[],
  ) {
    this.vars = ["$", ...predeclared];
    this.toks = lex(text);
    this.last = this.toks[0];
  }

  private fail(msg: string, tok: Token = this.last): never {
    throw new ParseError(`template: ${this.name}:${tok.line}: ${msg}`, tok.line, tok.pos);
  }

  /** Runs `fn` one nesting level deeper; see MAX_PARSE_DEPTH. */
  private nested<R>(tok: Token, fn: () => R): R {
    if (this.depth >= MAX_PARSE_DEPTH) this.fail("max expression depth exceeded", tok);
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private next(): Token {
    const t = this.toks[this.i];
    if (this.i < this.toks.length - 1) this.i++;
    this.last = t;
    if (t.t === T.Error) this.fail(t.val, t);
    return t;
  }
  private peek(): Token {
    return this.toks[this.i];
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.t === T.Space) t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private expect(t: T, context: string): Token {
    const tok = this.nextNonSpace();
    if (tok.t !== t) this.unexpected(tok, context);
    return tok;
  }
  private unexpected(tok: Token, context: string): never {
    if (tok.t === T.Error) this.fail(tok.val, tok);
    this.fail(`unexpected ${tokenString(tok)} in ${context}`, tok);
  }

  parse(): ParseResult {
    const root: ListNode = { k: "list", pos: 0, nodes: [] };
    while (this.peek().t !== T.EOF) {
      if (this.peek().t === T.LeftDelim) {
        const save = this.i;
        this.next();
        const kw = this.nextNonSpace();
        if (kw.t === T.Keyword && kw.val === "define") {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (isMarker(n)) this.fail(`unexpected ${n.m === END ? "{{end}}" : "{{else}}"}`, n.tok);
      if (n) root.nodes.push(n);
    }
    this.next();
    return { root, defines: this.defines, funcs: this.funcs };
  }

  private parseDefinition(): void {
    const tok = this.nextNonSpace();
    const name = this.templateName(tok, "define clause");
    this.expect(T.RightDelim, "define clause");
    const saved = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.m !== END) this.fail(`unexpected {{else}} in define clause`, end.tok);
    this.addDefine(name, list);
  }

  private addDefine(name: string, list: ListNode): void {
    const prev = this.defines.get(name);
    if (prev && !isEmptyList(prev) && !isEmptyList(list)) {
      this.fail(`template: multiple definition of template "${name}"`);
    }
    if (!prev || !isEmptyList(list)) this.defines.set(name, list);
  }

  private templateName(tok: Token, context: string): string {
    if (tok.t === T.String || tok.t === T.RawString) return unquote(tok, (m) => this.fail(m, tok));
    this.unexpected(tok, context);
  }

  /** Items up to {{end}} or {{else}}. */
  private itemList(): [ListNode, Marker] {
    return this.nested(this.peek(), () => this.items());
  }

  private items(): [ListNode, Marker] {
    const list: ListNode = { k: "list", pos: this.peek().pos, nodes: [] };
    while (this.peekNonSpace().t !== T.EOF) {
      const n = this.textOrAction();
      if (isMarker(n)) return [list, n];
      if (n) list.nodes.push(n);
    }
    this.fail("unexpected EOF", this.peek());
  }

  private textOrAction(): Node | Marker | null {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Text:
        return { k: "text", pos: tok.pos, text: tok.val };
      case T.LeftDelim:
        return this.action();
      case T.Comment:
        return null;
      default:
        this.unexpected(tok, "input");
    }
  }

  private action(): Node | Marker {
    const tok = this.nextNonSpace();
    if (tok.t === T.Keyword) {
      switch (tok.val) {
        case "block":
          return this.blockControl(tok);
        case "break":
        case "continue": {
          if (this.rangeDepth === 0) this.fail(`{{${tok.val}}} outside {{range}}`, tok);
          const t = this.nextNonSpace();
          if (t.t !== T.RightDelim) this.unexpected(t, `{{${tok.val}}}`);
          return { k: tok.val, pos: tok.pos, line: tok.line };
        }
        case "else": {
          const p = this.peekNonSpace();
          if (p.t === T.Keyword && (p.val === "if" || p.val === "with")) return { m: ELSE, tok: p };
          this.expect(T.RightDelim, "else");
          return { m: ELSE, tok };
        }
        case "end":
          this.expect(T.RightDelim, "end");
          return { m: END, tok };
        case "if":
        case "range":
        case "with":
          return this.control(tok.val, tok);
        case "template":
          return this.templateControl(tok);
      }
    }
    this.backup();
    const t = this.peek();
    return { k: "action", pos: t.pos, line: t.line, pipe: this.pipeline("command", T.RightDelim) };
  }

  private control(kind: "if" | "range" | "with", tok: Token): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, T.RightDelim);
    if (kind === "range") this.rangeDepth++;
    let [list, next] = this.itemList();
    if (kind === "range") this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.m === ELSE) {
      const p = this.peekNonSpace();
      if (
        (kind === "if" && p.t === T.Keyword && p.val === "if") ||
        (kind === "with" && p.t === T.Keyword && p.val === "with")
      ) {
        const kw = this.nextNonSpace();
        elseList = { k: "list", pos: kw.pos, nodes: [this.nested(kw, () => this.control(kind, kw))] };
      } else {
        [elseList, next] = this.itemList();
        if (next.m !== END) this.fail("expected end; found {{else}}", next.tok);
      }
    }
    this.vars.length = mark;
    return { k: kind, pos: tok.pos, line: tok.line, pipe, list, elseList };
  }

  private templateControl(tok: Token): Node {
    const name = this.templateName(this.nextNonSpace(), "template clause");
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().t !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline("template clause", T.RightDelim);
    }
    return { k: "template", pos: tok.pos, line: tok.line, name, pipe };
  }

  private blockControl(tok: Token): Node {
    const name = this.templateName(this.nextNonSpace(), "block clause");
    const pipe = this.pipeline("block clause", T.RightDelim);
    const saved = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.m !== END) this.fail("unexpected {{else}} in block clause", end.tok);
    this.addDefine(name, list);
    return { k: "template", pos: tok.pos, line: tok.line, name, pipe };
  }

  private pipeline(context: string, end: T): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { k: "pipe", pos: first.pos, line: first.line, isAssign: false, decl: [], cmds: [] };
    // Declarations: "$x :=", "$x =", "$i, $v :=" (range only).
    for (;;) {
      const v = this.peekNonSpace();
      if (v.t !== T.Variable) break;
      this.nextNonSpace();
      const after = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.t === T.Assign || nxt.t === T.Declare) {
        pipe.isAssign = nxt.t === T.Assign;
        this.nextNonSpace();
        if (pipe.isAssign && !this.vars.includes(v.val)) this.fail(`undefined variable "${v.val}"`, v);
        pipe.decl.push({ k: "variable", pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        break;
      }
      if (nxt.t === T.Comma) {
        this.nextNonSpace();
        pipe.decl.push({ k: "variable", pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const p = this.peekNonSpace();
          if (p.t === T.Variable || p.t === T.RightDelim || p.t === T.RightParen) continue;
          this.fail("range can only initialize variables");
        }
        this.fail(`too many declarations in ${context}`);
      }
      // Not a declaration: put the variable back.
      this.backup(after.t === T.Space ? 2 : 1);
      break;
    }
    for (;;) {
      const tok = this.nextNonSpace();
      if (tok.t === end) {
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, tok);
        for (let i = 1; i < pipe.cmds.length; i++) {
          const k = pipe.cmds[i].args[0].k;
          if (k === "bool" || k === "dot" || k === "nil" || k === "number" || k === "string") {
            this.fail(`non executable command in pipeline stage ${i + 1}`, tok);
          }
        }
        return pipe;
      }
      switch (tok.t) {
        case T.Bool:
        case T.Char:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(tok, context);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { k: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const tok = this.next();
      if (tok.t === T.Space) continue;
      if (tok.t === T.RightDelim || tok.t === T.RightParen) this.backup();
      else if (tok.t !== T.Pipe) this.unexpected(tok, "operand");
      break;
    }
    if (cmd.args.length === 0) this.fail("empty command");
    return cmd;
  }

  private operand(): Arg | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().t !== T.Field) return node;
    const fields: string[] = [];
    while (this.peek().t === T.Field) fields.push(this.next().val.slice(1));
    switch (node.k) {
      case "field":
        return { k: "field", pos: node.pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { k: "variable", pos: node.pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        return this.fail(`unexpected . after term "${nodeText(node)}"`);
      default:
        return { k: "chain", pos: node.pos, node, field: fields };
    }
  }

  private term(): Arg | null {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Identifier:
        if (!this.hasFunc(tok.val)) this.fail(`function "${tok.val}" not defined`, tok);
        this.funcs.add(tok.val);
        return { k: "identifier", pos: tok.pos, name: tok.val };
      case T.Dot:
        return { k: "dot", pos: tok.pos };
      case T.Nil:
        return { k: "nil", pos: tok.pos };
      case T.Variable: {
        if (!this.vars.includes(tok.val)) this.fail(`undefined variable "${tok.val}"`, tok);
        return { k: "variable", pos: tok.pos, ident: [tok.val] } satisfies VariableNode;
      }
      case T.Field:
        return { k: "field", pos: tok.pos, ident: [tok.val.slice(1)] };
      case T.Bool:
        return { k: "bool", pos: tok.pos, val: tok.val === "true" };
      case T.Char:
      case T.Number:
        return this.number(tok);
      case T.LeftParen:
        return this.nested(tok, () => this.pipeline("parenthesized pipeline", T.RightParen));
      case T.String:
      case T.RawString:
        return { k: "string", pos: tok.pos, quoted: tok.val, text: unquote(tok, (m) => this.fail(m, tok)) };
    }
    this.backup();
    return null;
  }

  private number(tok: Token): NumberNode {
    const n: NumberNode = {
      k: "number",
      pos: tok.pos,
      text: tok.val,
      isInt: false,
      isFloat: false,
      int: 0n,
      float: 0,
      isRune: false,
    };
    if (tok.t === T.Char) {
      const s = unquote({ ...tok, val: `"${tok.val.slice(1, -1).replace(/"/g, '\\"')}"` }, (m) => this.fail(m, tok));
      const cp = s.codePointAt(0);
      if (cp === undefined || String.fromCodePoint(cp) !== s)
        this.fail(`malformed character constant: ${tok.val}`, tok);
      n.isInt = n.isFloat = n.isRune = true;
      n.int = BigInt(cp);
      n.float = cp;
      return n;
    }
    const text = tok.val;
    if (text.endsWith("i")) this.fail(`complex numbers are not supported: ${text}`, tok);
    const i = parseGoInt(text);
    if (i !== null) {
      n.isInt = true;
      n.int = i;
      n.isFloat = true;
      n.float = Number(i);
      return n;
    }
    const f = parseGoFloat(text);
    if (f === null) this.fail(`illegal number syntax: "${text}"`, tok);
    n.isFloat = true;
    n.float = f;
    if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
      n.isInt = true;
      n.int = BigInt(f);
    }
    return n;
  }
}

function isMarker(n: Node | Marker | null): n is Marker {
  return n !== null && "m" in n;
}

function isEmptyList(l: ListNode): boolean {
  return l.nodes.every((n) => n.k === "text" && n.text.trim() === "");
}

function nodeText(n: Arg): string {
  if (n.k === "string") return n.quoted;
  if (n.k === "number") return n.text;
  if (n.k === "bool") return String(n.val);
  return n.k === "nil" ? "nil" : ".";
}

/** Go's item String(): keywords as <x>, long values abbreviated. */
function tokenString(t: Token): string {
  if (t.t === T.EOF) return "EOF";
  if (t.t === T.Keyword) return `<${t.val}>`;
  if (t.t === T.RightDelim || t.t === T.LeftDelim) return `"${t.val}"`;
  if (t.val.length > 10) return `${JSON.stringify(t.val.slice(0, 10))}...`;
  return JSON.stringify(t.val);
}

const MAX_INT64 = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;

/** strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b, leading-0 octal, underscores). */
function parseGoInt(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let v: bigint;
  if (/^0[xX][0-9a-fA-F](_?[0-9a-fA-F])*$/.test(s)) v = BigInt(`0x${s.slice(2).replace(/_/g, "")}`);
  else if (/^0[oO][0-7](_?[0-7])*$/.test(s)) v = BigInt(`0o${s.slice(2).replace(/_/g, "")}`);
  else if (/^0[bB][01](_?[01])*$/.test(s)) v = BigInt(`0b${s.slice(2).replace(/_/g, "")}`);
  else if (/^0(_?[0-7])+$/.test(s)) v = BigInt(`0o${s.slice(1).replace(/_/g, "")}`);
  else if (/^[0-9](_?[0-9])*$/.test(s)) v = BigInt(s.replace(/_/g, ""));
  else return null;
  if (neg) v = -v;
  if (v > MAX_UINT64 || v < -MAX_INT64 - 1n) return null;
  if (v > MAX_INT64) return null;
  return v;
}

function parseGoFloat(text: string): number | null {
  const s = text.replace(/_/g, "");
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?0[xX]/.test(s)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
    if (!m) return null;
    const mant = Number.parseInt(m[2] + m[3] || "0", 16) / 16 ** m[3].length;
    const v = mant * 2 ** Number(m[4]);
    return m[1] === "-" ? -v : v;
  }
  return null;
}

/** strconv.Unquote for "..." and `...` literals. */
export function unquote(tok: Token, fail: (msg: string) => never): string {
  const q = tok.val;
  if (q[0] === "`") {
    if (q.length < 2 || q[q.length - 1] !== "`") fail("invalid syntax");
    return q.slice(1, -1).replace(/\r/g, "");
  }
  if (q.length < 2 || q[0] !== '"' || q[q.length - 1] !== '"') fail("invalid syntax");
  const body = q.slice(1, -1);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    const hex = (n: number) => {
      const h = body.slice(i + 1, i + 1 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) fail("invalid syntax");
      i += n;
      return Number.parseInt(h, 16);
    };
    switch (e) {
      case "a":
        out += "\x07";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case "v":
        out += "\v";
        break;
      case "\\":
        out += "\\";
        break;
      case '"':
        out += '"';
        break;
      case "x": {
        // \xHH is a raw byte; decode runs of bytes as UTF-8.
        const bytes = [hex(2)];
        while (body[i + 1] === "\\" && body[i + 2] === "x") {
          i += 2;
          bytes.push(hex(2));
        }
        out += Buffer.from(bytes).toString("utf8");
        break;
      }
      case "u":
      case "U": {
        const cp = hex(e === "u" ? 4 : 8);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) fail("invalid syntax");
        out += String.fromCodePoint(cp);
        break;
      }
      default:
        if (e !== undefined && /[0-7]/.test(e)) {
          const o = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(o)) fail("invalid syntax");
          i += 2;
          out += Buffer.from([Number.parseInt(o, 8) & 255]).toString("latin1");
          break;
        }
        fail("invalid syntax");
    }
  }
  return out;
}
