// rate-on-gauge: counter functions (rate, increase, irate, ...) over a series whose name says it is a
// gauge, and the reverse, gauge functions (deriv, delta, predict_linear) over a `_total` counter.
import { rollupSelector, selectorMetric, walk } from "../exprwalk.js";
import { finding } from "../finding.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

const COUNTER_FUNCS = new Set([
  "rate",
  "irate",
  "increase",
  "increase_prometheus",
  "increase_pure",
  "rollup_rate",
  "rollup_increase",
  "resets",
]);
const GAUGE_FUNCS = new Set(["deriv", "deriv_fast", "delta", "delta_prometheus", "idelta", "predict_linear"]);

const COUNTER_SUFFIX = /_(total|count|sum|bucket)$/;
/** Byte counters of exporters older than the `_total` convention (`*_transmit_bytes`, `*_read_bytes`). */
const TRAFFIC_BYTES =
  /_(transmit|transmitted|receive|received|sent|recv|read|written|write|tx|rx|in|out|io|transferred)_bytes$/;
/** Units and words that name a level rather than a running total. */
const GAUGE_HINTS: [RegExp, string][] = [
  [
    /_(bytes|ratio|percent|percentage|celsius|fahrenheit|temperature|temp|volts|amperes|watts|info|gauge|size|capacity|limit|free|available|avail|usage|utilization|inflight|in_flight|in_progress|queue_length|length|depth|pending|up)$/,
    "",
  ],
  [/_timestamp(_seconds)?$/, "a timestamp"],
  [/^up$/, "a scrape health flag"],
];

/**
 * Why a metric name looks like a gauge; null when it looks like (or may be) a counter. A name without
 * any hint is left alone: older exporters name counters without `_total`.
 */
export function gaugeReason(name: string): string | null {
  if (COUNTER_SUFFIX.test(name) || TRAFFIC_BYTES.test(name)) return null;
  for (const [re, what] of GAUGE_HINTS) {
    const m = re.exec(name);
    if (m) return what || `a gauge (suffix ${JSON.stringify(m[0])})`;
  }
  return null;
}

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    if (!r.ast) continue;
    walk(r.ast, (e) => {
      if (e.type !== "call") return;
      const isCounterFn = COUNTER_FUNCS.has(e.name);
      const isGaugeFn = GAUGE_FUNCS.has(e.name);
      if (!isCounterFn && !isGaugeFn) return;
      const sel = rollupSelector(e.args[0]);
      const name = sel && selectorMetric(sel);
      if (!sel || !name) return;
      if (isCounterFn) {
        const why = gaugeReason(name);
        if (why) {
          out.push(
            finding(
              r,
              r.at.expr(sel.pos.start),
              `${e.name}() over ${JSON.stringify(name)}, whose name suggests ${why}: ${e.name}() only makes sense on counters; use deriv(), delta() or *_over_time() for gauges`,
            ),
          );
        }
      } else if (/_total$/.test(name)) {
        out.push(
          finding(
            r,
            r.at.expr(sel.pos.start),
            `${e.name}() over ${JSON.stringify(name)}, a counter (suffix "_total"): counter resets make ${e.name}() jump; use rate() or increase()`,
          ),
        );
      }
    });
  }
  return out;
}

export const rateOnGauge: LintCheck = {
  id: "rate-on-gauge",
  summary: "rate()/increase()/irate() over a metric named like a gauge, or deriv()/delta() over a _total counter",
  run: check,
};
