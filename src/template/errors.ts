// Errors thrown inside the executor. FuncError becomes "error calling f: msg"; ExecError is final.

/** A function failed; the executor wraps it as `error calling NAME: msg`. */
export class FuncError extends Error {}

/** A fully formatted Go-style execution error. */
export class ExecError extends Error {}

/** Thrown by `query` when its result is not fetched yet; the async render loop fetches and re-runs. */
export class NeedQuery {
  constructor(readonly expr: string) {}
}
