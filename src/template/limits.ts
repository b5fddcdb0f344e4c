// The limits of one template rendering, in one place: the executor, the formatting functions and the
// render loop all read them from here (README, Templates, Limits).

/** Output cap (bytes): templates producing more fail instead of eating memory. */
export const MAX_OUTPUT = 1 << 20;

/** The error every producer of too much text reports (the executor, printf, reReplaceAll, ...). */
export const OUTPUT_LIMIT_MESSAGE = `template output exceeds the limit of ${MAX_OUTPUT} bytes (1 MB)`;

/**
 * Nesting limit of an execution: `template` calls, lists ({{if}}, {{range}}, {{with}} bodies) and
 * parenthesized pipelines together. Go counts only `template` calls, up to 100000; a JS stack holds about 1,500 of
 * the costliest levels, and execution must stay far from that edge (V8 aborts the process if a regexp
 * compiles there), so 500.
 */
export const MAX_DEPTH = 500;

/** Work budget per execution, in evaluated nodes and range iterations: stops exponential template recursion. */
export const MAX_STEPS = 5_000_000;

/**
 * Distinct `query` expressions one alert's templates may run. Each is a datasource request the group
 * waits for, and each makes the template run again from the start once its answer is in. Real templates
 * use one to a handful; 32 leaves room for a loop over a short list. A constant rather than a flag:
 * vmalert has no such setting to mirror, and a template that needs more is better served by one query
 * that returns every series it loops over.
 */
export const MAX_QUERIES = 32;

/** The executor reads the clock for the time budget every this many steps (a power of two). */
export const TIME_CHECK_EVERY = 256;
