// PromQL evaluation with Prometheus semantics over an in-memory store: the query engine of
// promtool-dialect unit tests (see README, "tsalert unittest").
export {
  type CompiledQuery,
  compilePromql,
  engineQuerier,
  PromqlEngine,
  storeWriter,
  validatePromql,
} from "./engine.js";
export { DEFAULT_LOOKBACK_MS, Evaluator, type EvaluatorOptions } from "./eval.js";
export { PROMQL_FUNCTIONS } from "./functions.js";
export { SeriesStore } from "./store.js";
export { checkPromql } from "./typecheck.js";
export { type Labels, PromqlError, type Value } from "./types.js";
