// Maps a path inside a parsed YAML document (["groups", 0, "rules", 2, "for"]) to a file position.
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";

export type Path = readonly (string | number)[];

export interface Pos {
  line: number;
  col: number;
}

export class Locator {
  constructor(
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  at(offset: number): Pos {
    return this.lines.linePos(offset);
  }

  /** The node at path (aliases resolved), or undefined. */
  node(path: Path): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      node = this.#resolve(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        node = pair?.value;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
      } else return undefined;
      if (node === undefined || node === null) return undefined;
    }
    return this.#resolve(node) as Node | undefined;
  }

  #resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The key node of the last path segment (for "unknown field" problems). */
  keyNode(path: Path): Node | undefined {
    const parent = this.node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }

  /** Position of the value at path (or its key), falling back to the closest ancestor found. */
  pos(path: Path, which: "value" | "key" = "value"): Pos {
    if (which === "key") {
      const key = this.keyNode(path);
      if (key?.range) return this.at(key.range[0]);
    }
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      const node = this.node(sub);
      if (node?.range) return this.at(node.range[0]);
      // An empty value (`for:`) has no node; its key still has a place.
      const key = n > 0 ? this.keyNode(sub) : undefined;
      if (key?.range) return this.at(key.range[0]);
    }
    return { line: 1, col: 1 };
  }
}
