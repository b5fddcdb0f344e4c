// YAML parsing with a nesting limit. The yaml library composes documents recursively, one call chain per
// nesting level, so thousands of `[` or `{` would run the process to the edge of its stack. Catching the
// RangeError there is not enough: if V8 happens to compile a regexp in the last few kilobytes of stack,
// it aborts the whole process ("RegExpCompiler Allocation failed"). The CST parser
// works with its own stack, so the depth is measured on its tokens first and the recursive composer
// only ever sees shallow input.
import type { CST, DocumentOptions, LineCounter, ParseOptions, SchemaOptions } from "yaml";
import { Composer, Document, Parser, YAMLParseError } from "yaml";

/** Deepest collection nesting accepted: rule, test and notifier files need about ten levels. */
export const MAX_YAML_DEPTH = 100;

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions & { lineCounter: LineCounter };

/**
 * Like the library's parseAllDocuments, with problems only in `doc.errors` (messages of one line,
 * `linePos` set). Input nested deeper than MAX_YAML_DEPTH yields one empty document whose error names
 * where the limit was crossed.
 */
export function parseYamlDocuments(source: string, yamlOptions: YamlOptions): Document.Parsed[] {
  // Merge keys (`<<: *anchor`) are YAML 1.1, and Go's yaml decoders (so vmalert and promtool) accept them
  // in every file they read.
  const options: YamlOptions = { merge: true, ...yamlOptions };
  const tokens = Array.from(new Parser(options.lineCounter.addNewLine).parse(source));
  const deep = tooDeepAt(tokens, MAX_YAML_DEPTH);
  if (deep !== null) {
    const doc = new Document(null, options) as Document.Parsed;
    const err = new YAMLParseError(
      [deep, deep + 1],
      "RESOURCE_EXHAUSTION",
      `collections nested more than ${MAX_YAML_DEPTH} levels deep`,
    );
    err.linePos = [options.lineCounter.linePos(deep)];
    doc.errors.push(err);
    return [doc];
  }
  const docs = Array.from(new Composer(options).compose(tokens));
  for (const doc of docs) {
    for (const err of doc.errors) err.linePos ??= [options.lineCounter.linePos(err.pos[0])];
  }
  return docs;
}

/** One document (the first; later ones are reported as the library's parseDocument does). */
export function parseYamlDocument(source: string, options: YamlOptions): Document.Parsed {
  const [first, ...rest] = parseYamlDocuments(source, options);
  const doc = first ?? (new Document(null, options) as Document.Parsed);
  for (const extra of rest) {
    const err = new YAMLParseError(
      [extra.range[0], extra.range[1]],
      "MULTIPLE_DOCS",
      "Source contains multiple documents; please use YAML.parseAllDocuments()",
    );
    err.linePos = [options.lineCounter.linePos(extra.range[0])];
    doc.errors.push(err);
  }
  return doc;
}

/** Offset of the first collection nested deeper than `max`, or null; walks with an explicit stack. */
function tooDeepAt(tokens: CST.Token[], max: number): number | null {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    switch (token.type) {
      case "document":
        if (token.value) stack.push([token.value, depth]);
        break;
      case "block-map":
      case "block-seq":
      case "flow-collection":
        if (depth + 1 > max) return token.offset;
        for (const item of token.items) {
          if (item.key) stack.push([item.key, depth + 1]);
          if (item.value) stack.push([item.value, depth + 1]);
        }
        break;
      default:
        break;
    }
  }
  return null;
}
