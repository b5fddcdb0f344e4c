// Parse tree of a Go text/template, shaped like Go's text/template/parse nodes.

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

export interface ListNode {
  k: "list";
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  k: "text";
  pos: number;
  text: string;
}
export interface ActionNode {
  k: "action";
  pos: number;
  line: number;
  pipe: PipeNode;
}
export interface BranchNode {
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface IfNode extends BranchNode {
  k: "if";
}
export interface RangeNode extends BranchNode {
  k: "range";
}
export interface WithNode extends BranchNode {
  k: "with";
}
export interface TemplateNode {
  k: "template";
  pos: number;
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode {
  k: "break";
  pos: number;
  line: number;
}
export interface ContinueNode {
  k: "continue";
  pos: number;
  line: number;
}

export interface PipeNode {
  k: "pipe";
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  k: "command";
  pos: number;
  args: Arg[];
}

export type Arg =
  | FieldNode
  | ChainNode
  | VariableNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | IdentifierNode
  | PipeNode;

export interface FieldNode {
  k: "field";
  pos: number;
  ident: string[];
}
export interface ChainNode {
  k: "chain";
  pos: number;
  node: Arg;
  field: string[];
}
export interface VariableNode {
  k: "variable";
  pos: number;
  ident: string[];
}
export interface DotNode {
  k: "dot";
  pos: number;
}
export interface NilNode {
  k: "nil";
  pos: number;
}
export interface BoolNode {
  k: "bool";
  pos: number;
  val: boolean;
}
export interface NumberNode {
  k: "number";
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
  /** Rune literal ('a'). */
  isRune: boolean;
}
export interface StringNode {
  k: "string";
  pos: number;
  quoted: string;
  text: string;
}
export interface IdentifierNode {
  k: "identifier";
  pos: number;
  name: string;
}

/** Go's Node.String(), used in error contexts ("executing ... at <...>"). */
export function nodeString(n: Arg | CommandNode): string {
  switch (n.k) {
    case "field":
      return n.ident.map((f) => `.${f}`).join("");
    case "chain":
      return (
        (n.node.k === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => `.${f}`).join("")
      );
    case "variable":
      return n.ident.join(".");
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.val);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "identifier":
      return n.name;
    case "command":
      return n.args.map((a) => (a.k === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "pipe": {
      const decl = n.decl.length
        ? `${n.decl.map((d) => d.ident.join(".")).join(", ")} ${n.isAssign ? "=" : ":="} `
        : "";
      return decl + n.cmds.map((c) => nodeString(c)).join(" | ");
    }
  }
}
