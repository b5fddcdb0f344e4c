// Recording rules (README "Recording rules"): literal labels, exported_ on clashes (a plain override under
// -rule.semantics=prometheus), empty removes, duplicates and limit are errors, stale markers for series
// that vanished since the last successful evaluation.
import type { RuleConfig } from "../config/types.js";
import type { QueryResult } from "../datasource/types.js";
import { CounterChild, GaugeChild } from "../metrics.js";
import type { Label, TimeSeries } from "../remotewrite/types.js";
import type { ApiRule } from "./api.js";
import { rfc3339Nano } from "./format.js";
import { type CurlSource, History } from "./history.js";
import { ruleID } from "./ids.js";
import * as m from "./metrics.js";
import {
  curlSource,
  type ExecOutcome,
  entry,
  errorMessage,
  logRuleError,
  type Rule,
  type RuleGroup,
  type RuleInputs,
  runQuery,
  seriesTime,
} from "./rule.js";
import { type SemanticsPolicy, semanticsPolicy } from "./semantics.js";
import { labelsKey, oneSample, sortedLabels, staleSeries } from "./series.js";
import { CHEAP_STRIDE, Yielder } from "./yielder.js";

export class RecordingRule implements Rule {
  readonly kind = "recording";
  readonly id: string;
  readonly name: string;
  readonly expr: string;
  private readonly curls: CurlSource;
  readonly labels: Record<string, string>;
  readonly debug: boolean;
  readonly group: RuleGroup;
  private history: History;
  private labelPairs: Array<[string, string]>;
  /** Series written by the last successful evaluation, by label key. */
  private last = new Map<string, Label[]>();
  private adopted = false;
  private metricLabels: Record<string, string>;
  private errorsCounter;
  private samplesGauge;
  private policy: Readonly<SemanticsPolicy>;

  constructor(
    cfg: RuleConfig,
    merged: Record<string, string>,
    private readonly inputs: RuleInputs,
  ) {
    this.group = inputs.group;
    this.name = cfg.record ?? "";
    this.expr = cfg.expr;
    this.curls = curlSource(inputs.querier, cfg.expr);
    this.labels = merged;
    this.debug = cfg.debug;
    this.id = ruleID("recording", this.name, cfg.expr, cfg.labels);
    this.history = new History(cfg.updateEntriesLimit ?? inputs.settings.updateEntriesLimit);
    this.labelPairs = Object.entries(merged);
    this.policy = semanticsPolicy(inputs.settings);
    this.metricLabels = { recording: this.name, group: inputs.group.name, file: inputs.group.file, id: this.id };
    this.errorsCounter = new CounterChild(m.recordingErrors, this.metricLabels);
    this.samplesGauge = new GaugeChild(m.recordingSamples, this.metricLabels);
    this.errorsCounter.inc(0);
  }

  async exec(ts: number, signal: AbortSignal): Promise<ExecOutcome> {
    const g = this.group;
    const { clock, logger } = this.inputs;
    const start = clock.now();
    m.executionTotal.inc();
    const qts = this.inputs.queryTime(ts);
    let res: QueryResult;
    try {
      res = await runQuery(this.inputs.querier, this.expr, qts, signal);
    } catch (err) {
      if (signal.aborted) return { series: [], alerts: [], cancelled: true };
      const msg = errorMessage(err);
      this.fail(entry(start, qts, clock.now() - start, undefined, msg, this.curls));
      logRuleError(logger, g, this.name, `failed to execute query "${this.expr}": ${msg}`);
      return { series: [], alerts: [] };
    }
    const e = entry(start, qts, clock.now() - start, res, null, this.curls);
    this.samplesGauge.set(res.data.length);
    if (g.limit > 0 && res.data.length > g.limit) {
      e.error = `exec exceeded limit of ${g.limit} with ${res.data.length} series`;
      this.fail(e);
      logRuleError(logger, g, this.name, e.error);
      return { series: [], alerts: [] };
    }
    const out: TimeSeries[] = [];
    const now = new Map<string, Label[]>();
    const yielder = new Yielder();
    for (const metric of res.data) {
      const y = yielder.due(CHEAP_STRIDE);
      if (y) await y;
      const labels = this.resultLabels(metric.labels);
      const key = labelsKey(labels);
      if (now.has(key)) {
        e.error = `original metric ${promLabels(metric.labels)}; resulting labels ${promLabels(Object.fromEntries(labels.map((l) => [l.name, l.value])))}: result contains metrics with the same labelset during evaluation. See https://docs.victoriametrics.com/victoriametrics/vmalert/#series-with-the-same-labelset for details`;
        this.fail(e);
        logRuleError(logger, g, this.name, e.error);
        return { series: [], alerts: [] };
      }
      now.set(key, labels);
      // Prometheus stamps a result with the time it was queried for; vmalert keeps the datasource's timestamp.
      const at = this.policy.recordAtQueryTime ? qts : Math.round(metric.timestamp * 1000);
      out.push(oneSample(labels, metric.value, at));
    }
    for (const [key, labels] of this.last) {
      if (!now.has(key)) out.push(staleSeries(labels, this.policy.millisecondTimes ? seriesTime(this.inputs, ts) : ts));
    }
    this.last = now;
    this.history.add(e);
    return { series: this.inputs.writes ? out : [], alerts: [] };
  }

  private resultLabels(series: Record<string, string>): Label[] {
    const m: Record<string, string> = {};
    for (const k in series) m[k] = series[k];
    m.__name__ = this.name;
    for (const [k, v] of this.labelPairs) {
      if (v === "") {
        delete m[k];
        continue;
      }
      const had = m[k];
      if (had !== undefined && had !== v && this.policy.exportedLabels) m[`exported_${k}`] = had;
      m[k] = v;
    }
    return sortedLabels(m);
  }

  private fail(e: ReturnType<typeof entry>): void {
    this.history.add(e);
    this.errorsCounter.inc();
    m.executionErrors.inc();
  }

  adopt(old: Rule): void {
    if (!(old instanceof RecordingRule)) return;
    this.last = old.last;
    this.history = old.history;
    old.adopted = true;
  }

  close(): void {
    if (this.adopted) return;
    m.recordingErrors.remove(this.metricLabels);
    m.recordingSamples.remove(this.metricLabels);
  }

  api(withUpdates: boolean): ApiRule {
    const g = this.group;
    const last = this.history.last();
    const r: ApiRule = {
      state: "",
      name: this.name,
      query: this.expr,
      duration: 0,
      keep_firing_for: 0,
      labels: this.labels,
      lastError: last?.error ?? "",
      evaluationTime: last ? last.durationMs / 1000 : 0,
      lastEvaluation: rfc3339Nano(last ? last.start : 0),
      health: last?.error ? "err" : "ok",
      type: "recording",
      datasourceType: g.type,
      lastSamples: last?.samples ?? 0,
      lastSeriesFetched: last?.seriesFetched ?? undefined,
      id: this.id,
      group_id: g.id,
      group_name: g.name,
      file: g.shownFile,
      debug: this.debug,
      max_updates_entries: this.history.size,
    };
    if (withUpdates) {
      // Left out when empty, as vmalert's `json:"updates,omitempty"`.
      const updates = this.history.entries();
      if (updates.length > 0) r.updates = updates;
    }
    return r;
  }
}

/** Prometheus-style {k="v", ...} with __name__ in front, as vmalert prints series in errors. */
function promLabels(m: Record<string, string>): string {
  const name = m.__name__ ?? "";
  const rest = Object.keys(m)
    .filter((k) => k !== "__name__")
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`)
    .join(", ");
  return `${name}{${rest}}`;
}
