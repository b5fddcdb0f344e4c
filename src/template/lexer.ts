// Lexer for Go text/template actions: same token set, trim markers and error texts as Go's lex.go.

export enum T {
  Error,
  EOF,
  Text,
  Comment,
  LeftDelim,
  RightDelim,
  Space,
  Identifier,
  Keyword,
  Field,
  Variable,
  Dot,
  String,
  RawString,
  Char,
  Number,
  Bool,
  Nil,
  Pipe,
  LeftParen,
  RightParen,
  Declare,
  Assign,
  Comma,
  Other,
}

export interface Token {
  t: T;
  val: string;
  /** Byte-ish offset (UTF-16 index) in the source. */
  pos: number;
  line: number;
}

const KEYWORDS = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"]);
const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{Nd}_]/u;

/** Splits text into tokens eagerly; an Error token ends the stream. */
export function lex(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  let parenDepth = 0;
  const emit = (t: T, start: number, val: string, ln = line) => out.push({ t, val, pos: start, line: ln });
  const countLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (input.charCodeAt(i) === 10) line++;
  };
  const fail = (msg: string, at: number) => {
    out.push({ t: T.Error, val: msg, pos: at, line });
  };

  while (true) {
    // Text up to the next "{{".
    const d = input.indexOf("{{", pos);
    if (d < 0) {
      if (pos < input.length) emit(T.Text, pos, input.slice(pos));
      countLines(pos, input.length);
      emit(T.EOF, input.length, "");
      return out;
    }
    const trimLeft = input[d + 2] === "-" && SPACE.test(input[d + 3] ?? "");
    let textEnd = d;
    if (trimLeft) while (textEnd > pos && SPACE.test(input[textEnd - 1])) textEnd--;
    if (textEnd > pos) emit(T.Text, pos, input.slice(pos, textEnd));
    countLines(pos, d);
    pos = d + 2;
    if (trimLeft) pos += 2;
    // Comment: {{/* ... */}} with optional trim markers.
    if (input.startsWith("/*", pos)) {
      const end = input.indexOf("*/", pos + 2);
      if (end < 0) {
        fail("unclosed comment", pos);
        return out;
      }
      const startLine = line;
      countLines(pos, end);
      let after = end + 2;
      let trimRight = false;
      if (input[after] && SPACE.test(input[after]) && input.startsWith("-}}", after + 1)) {
        trimRight = true;
        after += 1;
      }
      if (trimRight) after += 1;
      if (!input.startsWith("}}", after)) {
        fail("comment ends before closing delimiter", end);
        return out;
      }
      emit(T.Comment, d, input.slice(pos, end + 2), startLine);
      pos = after + 2;
      if (trimRight) pos = skipSpace(input, pos, (n) => countLines(n[0], n[1]));
      continue;
    }
    emit(T.LeftDelim, d, "{{");
    parenDepth = 0;
    // Inside the action.
    for (;;) {
      if (pos >= input.length) {
        fail("unclosed action", pos);
        return out;
      }
      const c = input[pos];
      // Right delimiter, possibly with a trim marker " -}}".
      if (SPACE.test(c)) {
        let e = pos;
        while (e < input.length && SPACE.test(input[e])) e++;
        if (input.startsWith("-}}", e)) {
          countLines(pos, e);
          if (parenDepth > 0) {
            fail("unclosed left paren", e);
            return out;
          }
          emit(T.RightDelim, e, "}}");
          pos = skipSpace(input, e + 3, (n) => countLines(n[0], n[1]));
          break;
        }
        emit(T.Space, pos, input.slice(pos, e));
        countLines(pos, e);
        pos = e;
        continue;
      }
      if (input.startsWith("}}", pos)) {
        if (parenDepth > 0) {
          fail("unclosed left paren", pos);
          return out;
        }
        emit(T.RightDelim, pos, "}}");
        pos += 2;
        break;
      }
      const start = pos;
      if (c === "=") {
        emit(T.Assign, pos++, "=");
      } else if (c === ":") {
        if (input[pos + 1] !== "=") {
          fail("expected :=", pos);
          return out;
        }
        emit(T.Declare, pos, ":=");
        pos += 2;
      } else if (c === "|") {
        emit(T.Pipe, pos++, "|");
      } else if (c === '"') {
        pos++;
        for (;;) {
          const ch = input[pos];
          if (ch === "\\") {
            pos += 2;
            continue;
          }
          if (ch === undefined || ch === "\n") {
            fail("unterminated quoted string", start);
            return out;
          }
          pos++;
          if (ch === '"') break;
        }
        emit(T.String, start, input.slice(start, pos));
      } else if (c === "`") {
        const end = input.indexOf("`", pos + 1);
        if (end < 0) {
          fail("unterminated raw quoted string", start);
          return out;
        }
        const startLine = line;
        countLines(pos, end);
        pos = end + 1;
        emit(T.RawString, start, input.slice(start, pos), startLine);
      } else if (c === "'") {
        pos++;
        for (;;) {
          const ch = input[pos];
          if (ch === "\\") {
            pos += 2;
            continue;
          }
          if (ch === undefined || ch === "\n") {
            fail("unterminated character constant", start);
            return out;
          }
          pos++;
          if (ch === "'") break;
        }
        emit(T.Char, start, input.slice(start, pos));
      } else if (c === "$") {
        pos++;
        while (pos < input.length && ALNUM.test(input[pos])) pos++;
        emit(T.Variable, start, input.slice(start, pos));
        pos = lexFieldChain(input, pos, out, line);
      } else if (c === "." && !/[0-9]/.test(input[pos + 1] ?? "")) {
        pos++;
        if (pos < input.length && ALNUM.test(input[pos])) {
          while (pos < input.length && ALNUM.test(input[pos])) pos++;
          emit(T.Field, start, input.slice(start, pos));
          pos = lexFieldChain(input, pos, out, line);
        } else emit(T.Dot, start, ".");
      } else if (/[0-9+\-.]/.test(c)) {
        const m =
          /^[+-]?(0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*([pP][+-]?[0-9_]+)?|0[oO][0-7_]+|0[bB][01_]+|[0-9_]*\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?/.exec(
            input.slice(pos),
          );
        let len = m ? m[0].length : 0;
        if (len === 0 || (len === 1 && /[+\-.]/.test(c))) len = 1;
        const next = input[pos + len];
        if (next !== undefined && ALNUM.test(next)) {
          let e = pos + len;
          while (e < input.length && ALNUM.test(input[e])) e++;
          fail(`bad number syntax: "${input.slice(pos, e)}"`, pos);
          return out;
        }
        if (!/[0-9]/.test(input.slice(pos, pos + len))) {
          fail(`bad number syntax: "${input.slice(pos, pos + len)}"`, pos);
          return out;
        }
        emit(T.Number, start, input.slice(pos, pos + len));
        pos += len;
      } else if (ALNUM.test(c)) {
        while (pos < input.length && ALNUM.test(input[pos])) pos++;
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word)) emit(T.Keyword, start, word);
        else if (word === "true" || word === "false") emit(T.Bool, start, word);
        else if (word === "nil") emit(T.Nil, start, word);
        else emit(T.Identifier, start, word);
        pos = lexFieldChain(input, pos, out, line);
      } else if (c === "(") {
        parenDepth++;
        emit(T.LeftParen, pos++, "(");
      } else if (c === ")") {
        parenDepth--;
        if (parenDepth < 0) {
          fail("unexpected right paren", pos);
          return out;
        }
        emit(T.RightParen, pos++, ")");
        pos = lexFieldChain(input, pos, out, line);
      } else if (c === ",") {
        emit(T.Comma, pos++, ",");
      } else if (c >= " " && c <= "~") {
        // Other printable ASCII is a token of its own; the parser reports it in context
        // (`unexpected "*" in operand`), as Go does.
        emit(T.Other, pos++, c);
      } else {
        const cp = input.codePointAt(pos)!;
        fail(`bad character U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${String.fromCodePoint(cp)}'`, pos);
        return out;
      }
    }
  }
}

/** `.a.b` directly after an operand (no space) is a field chain. */
function lexFieldChain(input: string, pos: number, out: Token[], line: number): number {
  while (input[pos] === "." && ALNUM.test(input[pos + 1] ?? "")) {
    const start = pos;
    pos++;
    while (pos < input.length && ALNUM.test(input[pos])) pos++;
    out.push({ t: T.Field, val: input.slice(start, pos), pos: start, line });
  }
  return pos;
}

function skipSpace(input: string, pos: number, lines: (range: [number, number]) => void): number {
  let e = pos;
  while (e < input.length && SPACE.test(input[e])) e++;
  lines([pos, e]);
  return e;
}
