import type { Expr } from "../../src/metricsql/index.js";

/** The tree without source positions, for comparing trees parsed from different texts. */
export function stripPositions(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(e, (k, v) => {
      if (k === "pos") return undefined;
      if (typeof v === "number" && !Number.isFinite(v)) return `number:${v}`;
      return v;
    }),
  );
}
