// Builds the loader's expression and template checks. Graphite and LogsQL get the light checks of
// src/config/exprcheck.ts; templates come from src/template, MetricsQL from src/metricsql.
import { checkGraphite, checkLogsQL } from "../config/exprcheck.js";
import type { Validators } from "../config/types.js";
import { validateExpr } from "../metricsql/index.js";
import { validateTemplate } from "../template/index.js";

/** Which checks are wired: tests use it to tell pending corpus verdicts from real ones. */
export const validatorStatus = { metricsql: true, templates: true } as const;

export function buildValidators(): Validators {
  return {
    expr(expr, type) {
      if (type === "graphite") return checkGraphite(expr);
      if (type === "vlogs") return checkLogsQL(expr);
      return validateExpr(expr);
    },
    template(text) {
      return validateTemplate(text);
    },
  };
}
