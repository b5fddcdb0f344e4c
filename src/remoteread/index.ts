export { quoteLabelValue, restoreExpr } from "./query.js";
export { createRestorer, type RestorerOptions } from "./restorer.js";
export * from "./types.js";
