// What a rule template reads: `$value`/`.Value`, `$labels.X`/`.Labels.X`/`index $labels "X"`, and
// calls of `query`. Offsets are character offsets in the template text.
import type { Arg, ListNode, Node, PipeNode } from "./ast.js";
import { PREDECLARED } from "./data.js";
import { isTemplate } from "./index.js";
import { ParseError, parseTemplate } from "./parser.js";

export interface TemplateRefs {
  value: number[];
  query: number[];
  labels: { name: string; offset: number }[];
}

/** References of a template text; null when it is no template or does not parse (the loader reports that). */
export function templateRefs(text: string): TemplateRefs | null {
  if (!isTemplate(text)) return null;
  let root: ListNode;
  let defines: Map<string, ListNode>;
  try {
    ({ root, defines } = parseTemplate("lint", text, () => true, PREDECLARED));
  } catch (err) {
    if (err instanceof ParseError || err instanceof RangeError) return null;
    throw err;
  }
  const refs: TemplateRefs = { value: [], query: [], labels: [] };
  const w = new RefWalker(refs);
  w.list(root, true);
  for (const body of defines.values()) w.list(body, false);
  return refs;
}

/** `$labels`, `.Labels` or `$.Labels` as a whole (for `index X "name"`). */
function isLabelsMap(a: Arg | undefined, dotIsRoot: boolean): boolean {
  if (!a) return false;
  if (a.k === "variable") {
    return (a.ident.length === 1 && a.ident[0] === "$labels") || a.ident.join(".") === "$.Labels";
  }
  return a.k === "field" && dotIsRoot && a.ident.length === 1 && a.ident[0] === "Labels";
}

class RefWalker {
  private depth = 0;
  constructor(private refs: TemplateRefs) {}

  list(l: ListNode | null, dotIsRoot: boolean): void {
    if (!l) return;
    for (const n of l.nodes) this.node(n, dotIsRoot);
  }

  node(n: Node, dotIsRoot: boolean): void {
    switch (n.k) {
      case "list":
        this.list(n, dotIsRoot);
        return;
      case "action":
        this.pipe(n.pipe, dotIsRoot);
        return;
      case "if":
        this.pipe(n.pipe, dotIsRoot);
        this.list(n.list, dotIsRoot);
        this.list(n.elseList, dotIsRoot);
        return;
      case "range":
      case "with":
        // Inside the body dot is the piped value, not the alert data.
        this.pipe(n.pipe, dotIsRoot);
        this.list(n.list, false);
        this.list(n.elseList, dotIsRoot);
        return;
      case "template":
        if (n.pipe) this.pipe(n.pipe, dotIsRoot);
        return;
      default:
        return;
    }
  }

  pipe(p: PipeNode, dotIsRoot: boolean): void {
    if (++this.depth > 200) return;
    for (const cmd of p.cmds) {
      const [first, obj, key] = cmd.args;
      if (first?.k === "identifier" && first.name === "index" && isLabelsMap(obj, dotIsRoot) && key?.k === "string") {
        this.refs.labels.push({ name: key.text, offset: key.pos });
      }
      for (const a of cmd.args) this.arg(a, dotIsRoot);
    }
    this.depth--;
  }

  arg(a: Arg, dotIsRoot: boolean): void {
    switch (a.k) {
      case "identifier":
        if (a.name === "query") this.refs.query.push(a.pos);
        return;
      case "variable":
        this.path(a.ident[0] === "$" ? a.ident.slice(1) : a.ident, a.pos, a.ident[0] === "$");
        return;
      case "field":
        if (dotIsRoot) this.path(a.ident, a.pos, true);
        return;
      case "chain":
        if (a.node.k === "pipe") this.pipe(a.node, dotIsRoot);
        else if (a.node.k === "variable") this.path([...a.node.ident, ...a.field], a.node.pos, true);
        else if (a.node.k === "field" && dotIsRoot) this.path([...a.node.ident, ...a.field], a.node.pos, true);
        return;
      case "pipe":
        this.pipe(a, dotIsRoot);
        return;
      default:
        return;
    }
  }

  /** `ident` is a variable path (`$value`, `$labels.job`) or a field path of the root (`Value`, `Labels.job`). */
  private path(ident: string[], pos: number, root: boolean): void {
    const [head, next] = ident;
    if (head === "$value" || (root && head === "Value")) this.refs.value.push(pos);
    else if ((head === "$labels" || (root && head === "Labels")) && next !== undefined) {
      this.refs.labels.push({ name: next, offset: pos });
    }
  }
}
