/**
 * @module Limits that make reading a YAML file safe whatever it holds. The `yaml` package's composer and
 * `toJS()` recurse, so a few thousand nested `[` exhaust the stack: nesting is measured first on the
 * parser's concrete syntax tree (built without recursion) and refused past {@link maxNestingDepth}. Alias
 * expansion ("billion laughs") is bounded by the package's own `maxAliasCount`; {@link yamlOptions} turns
 * on its strict settings (the core schema only, no silently dropped tags).
 */
import {
  type CST,
  isAlias,
  Parser,
  visit,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from "yaml";

/** Deepest nesting of collections read; an inventory needs 5 (`samlBindings.X.preAuthorized.profiles[0]`). */
export const maxNestingDepth = 32;

/** `yaml`'s alias limit, passed to `toJS()`: how far aliases may multiply the document. */
export const maxAliasCount = 100;

/**
 * Options for `parseDocument`: the YAML 1.2 core schema, and no tag outside it (`!!binary`, `!!set`,
 * `!foo`) resolved: each is reported, not dropped or turned into a Buffer or a Set.
 */
export const yamlOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: "core",
  resolveKnownTags: false,
  // Duplicate keys are found by the loader, which names them by path.
  uniqueKeys: false,
  prettyErrors: false,
};

/** The offset of the first collection nested deeper than {@link maxNestingDepth}, if any. */
export function tooDeepOffset(text: string): number | undefined {
  const pending: [CST.Token | null | undefined, number][] = [];
  for (const token of new Parser().parse(text)) pending.push([token, 0]);
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (!token) continue;
    if (token.type === "document") pending.push([token.value, depth]);
    else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > maxNestingDepth) return token.offset;
      for (const item of token.items) pending.push([item.key, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}

/** The offset of the document's first alias (`*name`), where an alias expansion that went too far starts. */
export function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}
