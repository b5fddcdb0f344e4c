export { quoteLabelValue, restoreExpr } from "./query.js";
export { createRestorer, type RestorerOptions } from "./restorer.js";
export { checkSnapshot, createStateFile } from "./statefile.js";
export { parseTenant, type Tenant, tenantLabels, tenantURL } from "./tenant.js";
export * from "./types.js";
