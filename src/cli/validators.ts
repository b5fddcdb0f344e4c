// Builds the loader's expression and template checks. Graphite and LogsQL get the light checks of
// src/config/exprcheck.ts; MetricsQL and templates come from src/metricsql and src/template.
import { checkGraphite, checkLogsQL } from "../config/exprcheck.js";
import type { Validators } from "../config/types.js";

/** Which checks are wired: tests use it to tell pending corpus verdicts from real ones. */
export const validatorStatus = { metricsql: false, templates: false } as const;

export function buildValidators(): Validators {
  return {
    expr(expr, type) {
      if (type === "graphite") return checkGraphite(expr);
      if (type === "vlogs") return checkLogsQL(expr);
      // src/metricsql does not export its parser yet: MetricsQL expressions are not checked.
      return null;
    },
  };
}
