// Maps a path inside a parsed YAML document (["groups", 0, "rules", 2, "for"]) to a file position.
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";

/** With merge keys enabled the library reads `<<` as a scalar holding Symbol("<<"). */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === "<<" || (typeof v === "symbol" && v.description === "<<");
}

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
        node = this.#pair(node, seg)?.value;
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

  /**
   * The pair of `key` in a map, following YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) as YAML 1.1
   * and Go's yaml decoders do: a key written in the map wins, then the merged maps in order. So a merged
   * field's position is where its value is written, inside the anchored map.
   */
  #pair(map: YAMLMap, key: string | number, depth = 0): Pair | undefined {
    const own = map.items.find((p) => isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === String(key));
    if (own || depth > 10) return own;
    for (const merge of map.items) {
      if (!isMergeKey(merge.key)) continue;
      const value = this.#resolve(merge.value);
      const sources = isSeq(value) ? value.items.map((v) => this.#resolve(v)) : [value];
      for (const src of sources) {
        const found = isMap(src) ? this.#pair(src, key, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The key node of the last path segment (for "unknown field" problems). */
  keyNode(path: Path): Node | undefined {
    const parent = this.node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (!isMap(parent)) return undefined;
    const pair = this.#pair(parent, last);
    return pair && isPair(pair) && isScalar(pair.key) ? pair.key : undefined;
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
