// vmalert's YAML decoder keeps the source text of a scalar decoded into a string field: `severity: 1.0`
// is "1.0", not "1". Text fields of the parsed data get their numbers and booleans back as written.
import { isScalar } from "yaml";
import type { Locator, Path } from "./locate.js";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function restore(loc: Locator, holder: Obj | unknown[], key: string | number, path: Path): void {
  const v = (holder as Record<string | number, unknown>)[key];
  if (typeof v !== "number" && typeof v !== "boolean") return;
  const node = loc.node(path);
  (holder as Record<string | number, unknown>)[key] = isScalar(node) && node.source ? node.source : String(v);
}

function restoreMap(loc: Locator, map: unknown, path: Path): void {
  if (!isObj(map)) return;
  for (const k of Object.keys(map)) restore(loc, map, k, [...path, k]);
}

export function restoreTextScalars(data: unknown, loc: Locator, prefix: Path): void {
  let root = data;
  for (const seg of prefix) root = isObj(root) ? root[seg as string] : undefined;
  if (!isObj(root) || !Array.isArray(root.groups)) return;
  root.groups.forEach((g, gi) => {
    if (!isObj(g)) return;
    const gp = [...prefix, "groups", gi];
    restore(loc, g, "name", [...gp, "name"]);
    restore(loc, g, "tenant", [...gp, "tenant"]);
    restoreMap(loc, g.labels, [...gp, "labels"]);
    if (isObj(g.params)) {
      for (const [k, list] of Object.entries(g.params)) {
        if (!Array.isArray(list)) continue;
        for (let i = 0; i < list.length; i++) restore(loc, list, i, [...gp, "params", k, i]);
      }
    }
    if (!Array.isArray(g.rules)) return;
    g.rules.forEach((r, ri) => {
      if (!isObj(r)) return;
      const rp = [...gp, "rules", ri];
      for (const key of ["alert", "record", "expr"]) restore(loc, r, key, [...rp, key]);
      restoreMap(loc, r.labels, [...rp, "labels"]);
      restoreMap(loc, r.annotations, [...rp, "annotations"]);
    });
  });
}
