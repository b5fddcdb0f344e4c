// Alerting rules: the alert state machine of newest vmalert (README "Alerting rules"), the ALERTS series,
// notification selection, and state restore (README "State restore": remote read and -state.path).
import type { RuleConfig } from "../config/types.js";
import type { Metric, QueryResult } from "../datasource/types.js";
import { CounterChild, GaugeChild } from "../metrics.js";
import type { NotifierAlert } from "../notifier/types.js";
import type { AlertRestorer, RestoredAlert } from "../remoteread/types.js";
import type { Label, TimeSeries } from "../remotewrite/types.js";
import type { AlertSnapshot } from "../state/types.js";
import { createRenderBudget, renewRenderBudget } from "../template/index.js";
import type { AlertTemplateData, CompiledTemplate, RenderContext } from "../template/types.js";
import type { ApiAlert, ApiRule } from "./api.js";
import { float32String, rfc3339Nano } from "./format.js";
import { type CurlSource, History } from "./history.js";
import { alertKey, labelsHash, ruleID } from "./ids.js";
import { addLabel, type LabelRules, type LabelSet, seriesLabelSet } from "./labels.js";
import * as m from "./metrics.js";
import { withoutExternalLabels } from "./outbound.js";
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
import { oneSample, staleSeries, withLabels } from "./series.js";
import {
  allLiteral,
  compileTexts,
  prometheusTemplateError,
  type RuleTexts,
  renderTexts,
  vmalertTemplateError,
} from "./templates.js";
import type { AlertState, CompileTemplate } from "./types.js";
import { CHEAP_STRIDE, Yielder } from "./yielder.js";

/** The templates an alerting rule compiles its texts with, and -external.alert.source compiled once. */
export interface AlertTemplates {
  compile: CompileTemplate;
  alertSource?: CompiledTemplate;
}

/** Resolved alerts are kept (and re-sent) this long. */
export const RESOLVED_RETENTION = 15 * 60_000;

export interface Alert {
  id: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  value: number;
  /** ms; 0 = unset. */
  activeAt: number;
  start: number;
  resolvedAt: number;
  keepFiringSince: number;
  lastSent: number;
  end: number;
  restored: boolean;
  /**
   * The labels as a sorted array, built once. The ALERTS / ALERTS_FOR_STATE label arrays are made from
   * it per write and not kept: at tens of thousands of alerts, three cached arrays each cost ~30 MiB.
   */
  sorted?: Label[];
  generatorURL?: string;
}

interface Prepared {
  /** Hash key of the labels (the alerts map key). */
  key: string;
  /** Decimal alert ID when already computed. */
  id?: string;
  hash: { decimal(): string };
  /** Alert labels, keys not yet sorted. */
  processed: Record<string, string>;
  keys: string[];
  annotations: Record<string, string>;
  value: number;
}

export class AlertingRule implements Rule {
  readonly kind = "alerting";
  readonly id: string;
  readonly name: string;
  readonly expr: string;
  private readonly curls: CurlSource;
  readonly forMs: number;
  readonly keepFiringFor: number;
  /** Merged labels: rule > group > external. */
  readonly labels: Record<string, string>;
  readonly annotationTexts: Record<string, string>;
  readonly debug: boolean;
  alerts = new Map<string, Alert>();
  readonly group: RuleGroup;
  private readonly alertSource?: CompiledTemplate;
  private history: History;
  private labelTpls: RuleTexts;
  private annTpls: RuleTexts;
  private staticLabels: boolean;
  private staticAnnotations: boolean;
  private keysSeen?: string[];
  private keysSorted?: string[];
  /** Shared by every alert when no annotation is a template (never mutated). */
  private literalAnnotations: Record<string, string> = {};
  private activeCount = 0;
  private labelTable = new Map<string, Label>();
  private policy: Readonly<SemanticsPolicy>;
  private labelRules: LabelRules;
  /** `$externalURL` of templates: the raw flag (vmalert) or the computed URL (Prometheus). */
  private tplExternalURL: string;
  private adopted = false;
  private metricLabels: Record<string, string>;
  private pendingGauge;
  private firingGauge;
  private errorsCounter;
  private samplesGauge;
  private fetchedGauge;

  constructor(
    cfg: RuleConfig,
    merged: Record<string, string>,
    private readonly inputs: RuleInputs,
    templates: AlertTemplates,
  ) {
    this.group = inputs.group;
    this.alertSource = templates.alertSource;
    this.name = cfg.alert ?? "";
    this.expr = cfg.expr;
    this.curls = curlSource(inputs.querier, cfg.expr);
    this.forMs = cfg.for;
    this.keepFiringFor = cfg.keepFiringFor;
    this.labels = merged;
    this.annotationTexts = cfg.annotations;
    this.debug = cfg.debug;
    this.id = ruleID("alerting", this.name, cfg.expr, cfg.labels);
    this.policy = semanticsPolicy(inputs.settings);
    this.labelRules = this.policy;
    this.tplExternalURL = this.policy.computedExternalURLInTemplates
      ? inputs.settings.externalURL
      : inputs.settings.externalURLRaw;
    this.history = new History(cfg.updateEntriesLimit ?? inputs.settings.updateEntriesLimit);
    this.labelTpls = compileTexts(merged, templates.compile, true);
    this.staticLabels = allLiteral(this.labelTpls);
    this.annTpls = compileTexts(cfg.annotations, templates.compile, false);
    this.staticAnnotations = allLiteral(this.annTpls);
    for (const [k, t] of this.annTpls) if ("literal" in t) this.literalAnnotations[k] = t.literal;
    this.metricLabels = { alertname: this.name, group: inputs.group.name, file: inputs.group.file, id: this.id };
    this.pendingGauge = new GaugeChild(m.alertsPending, this.metricLabels);
    this.firingGauge = new GaugeChild(m.alertsFiring, this.metricLabels);
    this.errorsCounter = new CounterChild(m.alertingErrors, this.metricLabels);
    this.samplesGauge = new GaugeChild(m.alertingSamples, this.metricLabels);
    this.fetchedGauge = new GaugeChild(m.alertingSeriesFetched, this.metricLabels);
    this.errorsCounter.inc(0);
  }

  async exec(ts: number, signal: AbortSignal, restorer?: AlertRestorer): Promise<ExecOutcome> {
    const g = this.group;
    const { clock, logger, settings } = this.inputs;
    const start = clock.now();
    m.executionTotal.inc();
    const qts = this.inputs.queryTime(ts);
    let res: QueryResult;
    try {
      res = await runQuery(this.inputs.querier, this.expr, qts, signal);
    } catch (err) {
      if (signal.aborted) return { series: [], alerts: [], cancelled: true };
      const msg = errorMessage(err);
      this.fail(start, qts, undefined, msg);
      logRuleError(logger, g, this.name, `failed to execute query "${this.expr}": ${msg}`);
      // The state stays frozen, and so must Alertmanager's view of it: without re-sends its endsAt
      // (4 intervals ahead) runs out and a datasource outage pages as "resolved".
      return {
        series: [],
        alerts: await this.alertsToSend(this.sendTime(ts), settings.resendDelay, this.resolveDuration()),
      };
    }
    const queryDone = clock.now();
    this.samplesGauge.set(res.data.length);
    this.fetchedGauge.set(m.seriesFetchedValue(res.seriesFetched, res.data.length));

    const budget = this.inputs.budget;
    if (budget.max > 0 && this.overBudget(res.data.length)) {
      // An alert storm is refused before any template work: distinct series are at least as many as
      // the result (duplicates would be an error anyway), so memory and CPU stay bounded.
      return this.refuse(start, qts, res, queryDone, res.data.length);
    }

    let tplError: string | null = null;
    const onTplError = (msg: string) => {
      tplError ??= `failed to expand templates: ${msg}`;
    };
    const ctx = this.renderContext(ts, signal);
    const prepared: Prepared[] = new Array(res.data.length);
    let dupAt = -1;
    const ids = new Set<string>();
    const yielder = new Yielder();
    const tplBudget = ctx.budget;
    const attemptErrors: string[] = [];
    const onAttemptError = (msg: string) => {
      attemptErrors.push(msg);
    };
    const partial = res.isPartial === true;
    for (let i = 0; i < res.data.length; i++) {
      const y = yielder.due();
      if (y) {
        await y;
        if (signal.aborted) return { series: [], alerts: [], cancelled: true };
      }
      // One budget for the alert's label and annotation texts together, from the clock reading above.
      attemptErrors.length = 0;
      if (tplBudget) renewRenderBudget(tplBudget, yielder.now);
      let p = await this.prepare(res.data[i], ts, partial, ctx, onAttemptError);
      if (tplBudget?.exhausted) {
        // Texts that ran out of time are rendered once more after the rest of the process had its turn: a
        // machine that stalled the first attempt (a GC pause, another process on the core) must not turn a
        // healthy template into an error, while a template that needs the time runs out again.
        await yielder.rest(tplBudget.timeoutMs);
        if (signal.aborted) return { series: [], alerts: [], cancelled: true };
        attemptErrors.length = 0;
        renewRenderBudget(tplBudget);
        p = await this.prepare(res.data[i], ts, partial, ctx, onAttemptError);
        if (tplBudget.exhausted) await yielder.rest(tplBudget.timeoutMs);
      }
      for (const msg of attemptErrors) onTplError(msg);
      if (signal.aborted) return { series: [], alerts: [], cancelled: true };
      prepared[i] = p;
      if (dupAt < 0 && ids.has(p.key)) dupAt = i;
      ids.add(p.key);
    }

    if (dupAt < 0 && budget.max > 0) {
      const want = ids.size + this.keptFiring(ids, ts);
      if (this.overBudget(want)) return this.refuse(start, qts, res, queryDone, want);
    }

    for (const [id, a] of this.alerts) {
      if (a.state === "inactive" && ts - a.resolvedAt > RESOLVED_RETENTION) this.alerts.delete(id);
    }

    const stale: TimeSeries[] = [];
    const tsMs = seriesTime(this.inputs, ts);
    const updated = new Set<string>();
    const created = new Set<Alert>();
    for (let i = 0; i < prepared.length; i++) {
      // From here on the evaluation changes the alerts: it yields but is not cancelled half-way.
      const y = yielder.due(CHEAP_STRIDE);
      if (y) await y;
      const p = prepared[i];
      if (i === dupAt) {
        const msg = `labels ${goMap(p.processed)}: result contains metrics with the same labelset during evaluation. See https://docs.victoriametrics.com/victoriametrics/vmalert/#series-with-the-same-labelset for details`;
        this.finishCounts();
        this.fail(start, qts, res, msg, queryDone - start);
        logRuleError(logger, g, this.name, msg);
        return { series: [], alerts: [] };
      }
      updated.add(p.key);
      const a = this.alerts.get(p.key);
      if (a) {
        if (a.state === "inactive") {
          a.state = "pending";
          a.activeAt = ts;
          // Prometheus replaces a resolved alert that comes back with a new one: nothing sent yet.
          if (this.policy.freshAlertOnReturn) a.lastSent = a.end = a.resolvedAt = a.start = 0;
          this.debugLog(ts, a, "INACTIVE => PENDING");
        }
        a.value = p.value;
        // Unchanged texts keep the old object: a fresh one per alert per iteration would be promoted
        // with the long-lived alert and become old-generation garbage at the next iteration.
        if (!sameTexts(a.annotations, p.annotations)) a.annotations = p.annotations;
        a.keepFiringSince = 0;
        continue;
      }
      const labels: Record<string, string> = {};
      for (const k of p.keys) labels[k] = p.processed[k];
      const na: Alert = {
        id: p.id ?? p.hash.decimal(),
        labels,
        annotations: p.annotations,
        state: "pending",
        value: p.value,
        activeAt: ts,
        start: 0,
        resolvedAt: 0,
        keepFiringSince: 0,
        lastSent: 0,
        end: 0,
        restored: false,
      };
      this.alerts.set(p.key, na);
      created.add(na);
      this.debugLog(ts, na, "created in state PENDING");
    }

    // Process start: new alerts get their activeAt back from ALERTS_FOR_STATE before anything is written
    // or sent, so neither storage nor Alertmanager sees a restored alert start over as pending.
    if (restorer && created.size > 0 && this.forMs > 0) {
      const found = await this.queryRestore(restorer, ts);
      if (found) stale.push(...this.restoreAlerts(found, ts, created));
    }

    let active = 0;
    for (const [id, a] of this.alerts) {
      const y = yielder.due(CHEAP_STRIDE);
      if (y) await y;
      if (!updated.has(id)) {
        if (a.state === "pending") {
          this.alerts.delete(id);
          stale.push(staleSeries(this.seriesLabels(a, "pending"), tsMs));
          stale.push(staleSeries(this.seriesLabels(a, "for"), tsMs));
          this.debugLog(ts, a, "PENDING => DELETED: is absent in current evaluation round");
          continue;
        }
        if (a.state === "firing") {
          if (this.keepFiringFor > 0 && a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (a.keepFiringSince === 0 || ts - a.keepFiringSince >= this.keepFiringFor) {
            a.state = "inactive";
            a.resolvedAt = ts;
            stale.push(staleSeries(this.seriesLabels(a, "firing"), tsMs));
            stale.push(staleSeries(this.seriesLabels(a, "for"), tsMs));
            this.debugLog(ts, a, "FIRING => INACTIVE: is absent in current evaluation round");
            continue;
          }
        }
        if (a.state === "inactive") continue;
      }
      active++;
      if (a.state === "pending" && ts - a.activeAt >= this.forMs) {
        a.state = "firing";
        a.start = ts;
        m.alertsFired.inc();
        if (this.forMs > 0) stale.push(staleSeries(this.seriesLabels(a, "pending"), tsMs));
        this.debugLog(ts, a, `PENDING => FIRING: ${(ts - a.activeAt) / 1000}s since becoming active`);
      }
    }

    if (g.limit > 0 && active > g.limit) {
      this.alerts = new Map();
      this.finishCounts();
      const msg = `exec exceeded limit of ${g.limit} with ${active} alerts`;
      this.fail(start, qts, res, msg, queryDone - start);
      logRuleError(logger, g, this.name, msg);
      return { series: [], alerts: [], restored: restorer !== undefined };
    }

    const state = this.finishCounts();
    // Set by the render callbacks above, which the compiler does not follow.
    const tplErr = tplError as string | null;
    const unhealthy = tplErr !== null && this.policy.templateErrorsUnhealthy;
    const e = entry(start, qts, queryDone - start, res, unhealthy ? tplErr : null, this.curls);
    e.state = state;
    this.history.add(e);
    if (tplErr !== null && unhealthy) {
      this.errorsCounter.inc();
      logRuleError(logger, g, this.name, tplErr);
    } else if (tplErr !== null) {
      logger.warn(`group "${g.name}" (file=${g.shownFile}): rule "${this.name}": ${tplErr}`);
    }
    const series = this.inputs.writes ? await this.toSeries(stale, tsMs, yielder) : [];
    const alerts = await this.alertsToSend(this.sendTime(ts), settings.resendDelay, this.resolveDuration(), yielder);
    return { series, alerts, restored: restorer !== undefined };
  }

  private templateErrorText(): (msg: string) => string {
    return this.policy.templateErrorsUnhealthy ? vmalertTemplateError : prometheusTemplateError;
  }

  /** "Now" of re-send decisions and endsAt: the wall clock (vmalert) or the evaluation time (Prometheus). */
  private sendTime(ts: number): number {
    return this.policy.sendAtEvaluationTime ? ts : this.inputs.clock.now();
  }

  /** True when holding `want` active alerts would take the engine over -rule.maxActiveAlerts. */
  private overBudget(want: number): boolean {
    const b = this.inputs.budget;
    return want > this.activeCount && b.active - this.activeCount + want > b.max;
  }

  private refuse(start: number, ts: number, res: QueryResult, queryDone: number, want: number): ExecOutcome {
    const b = this.inputs.budget;
    const others = b.active - this.activeCount;
    m.alertsDropped.inc(want - this.activeCount);
    const msg = `exec exceeded -rule.maxActiveAlerts=${b.max}: the rule would hold ${want} active alerts while other rules hold ${others}`;
    this.fail(start, ts, res, msg, queryDone - start);
    logRuleError(this.inputs.logger, this.group, this.name, msg);
    return { series: [], alerts: [] };
  }

  /** Firing alerts absent from ids that keep_firing_for holds (used by the budget pre-check). */
  private keptFiring(ids: Set<string>, ts: number): number {
    if (this.keepFiringFor <= 0) return 0;
    let n = 0;
    for (const [id, a] of this.alerts) {
      if (a.state !== "firing" || ids.has(id)) continue;
      if (a.keepFiringSince === 0 || ts - a.keepFiringSince < this.keepFiringFor) n++;
    }
    return n;
  }

  /** Labels, key and annotations of one series. */
  private async prepare(
    metric: Metric,
    ts: number,
    isPartial: boolean,
    ctx: RenderContext,
    onError: (msg: string) => void,
  ): Promise<Prepared> {
    const g = this.group;
    const { settings } = this.inputs;
    const ls = seriesLabelSet(metric.labels, this.labelRules);
    if (this.staticLabels) {
      for (const [k, t] of this.labelTpls) addLabel(ls, k, (t as { literal: string }).literal);
    } else {
      const data: AlertTemplateData = {
        labels: ls.origin,
        value: metric.value,
        expr: this.expr,
        externalLabels: settings.templateExternalLabels ?? settings.externalLabels,
        externalURL: this.tplExternalURL,
      };
      const rendered = await renderTexts(this.labelTpls, data, ctx, onError, this.templateErrorText());
      for (const [k] of this.labelTpls) addLabel(ls, k, rendered[k]);
    }
    addSystemLabels(ls, this.name, g.name, settings.disableAlertgroupLabel || !this.policy.alertgroupLabel);
    const keys = this.sortedKeys(Object.keys(ls.processed));
    const hash = labelsHash(ls.processed, keys);
    const key = hash.key();
    let id: string | undefined;
    let annotations: Record<string, string>;
    if (this.staticAnnotations) {
      annotations = this.literalAnnotations;
    } else {
      const existing = this.alerts.get(key);
      id = existing ? existing.id : hash.decimal();
      const activeAt = existing && existing.state !== "inactive" ? existing.activeAt : ts;
      const data: AlertTemplateData = {
        labels: ls.origin,
        value: metric.value,
        expr: this.expr,
        type: g.type,
        interval: g.interval,
        alertID: id,
        groupID: g.id,
        activeAt: new Date(activeAt),
        for: this.forMs,
        isPartial,
        externalLabels: settings.templateExternalLabels ?? settings.externalLabels,
        externalURL: this.tplExternalURL,
      };
      annotations = await renderTexts(this.annTpls, data, ctx, onError, this.templateErrorText());
    }
    return { key, id, hash, processed: ls.processed, keys, annotations, value: metric.value };
  }

  /** Series of one rule mostly share a label-name order: reuse the sorted copy when it repeats. */
  private sortedKeys(keys: string[]): string[] {
    const prev = this.keysSeen;
    if (prev && prev.length === keys.length) {
      let same = true;
      for (let i = 0; i < keys.length; i++) {
        if (prev[i] !== keys[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.keysSorted as string[];
    }
    this.keysSeen = keys;
    this.keysSorted = [...keys].sort();
    return this.keysSorted;
  }

  /**
   * The context every template of one evaluation renders in. `query` asks the datasource once per
   * distinct expression: the alerts of a rule mostly run the same queries at the same time. The budget is
   * renewed for each alert (prepare).
   */
  private renderContext(ts: number, signal: AbortSignal): RenderContext {
    const { querier, settings } = this.inputs;
    const asked = new Map<string, Promise<Metric[]>>();
    return {
      externalURL: settings.externalURL,
      budget: this.renderBudget(),
      query: (q: string) => {
        let p = asked.get(q);
        if (!p) {
          p = runQuery(querier, q, ts, signal).then((r) => r.data);
          asked.set(q, p);
        }
        return p;
      },
    };
  }

  /** -rule.templateTimeout for one alert's texts (labels and annotations together). */
  private renderBudget() {
    return createRenderBudget(this.inputs.settings.templateTimeout ?? 0, "-rule.templateTimeout");
  }

  private fail(start: number, ts: number, res: QueryResult | undefined, msg: string, durMs?: number): void {
    const { clock } = this.inputs;
    const e = entry(start, ts, durMs ?? clock.now() - start, res, msg, this.curls);
    e.state = this.ruleState();
    this.history.add(e);
    this.errorsCounter.inc();
    m.executionErrors.inc();
  }

  /** Updates gauges and the shared budget; returns the rule state. */
  private finishCounts(): string {
    let pending = 0;
    let firing = 0;
    for (const a of this.alerts.values()) {
      if (a.state === "pending") pending++;
      else if (a.state === "firing") firing++;
    }
    this.pendingGauge.set(pending);
    this.firingGauge.set(firing);
    const active = pending + firing;
    const b = this.inputs.budget;
    b.active += active - this.activeCount;
    this.activeCount = active;
    m.activeAlertsTotal.set(b.active);
    return firing > 0 ? "firing" : pending > 0 ? "pending" : "inactive";
  }

  private ruleState(): string {
    let pending = false;
    for (const a of this.alerts.values()) {
      if (a.state === "firing") return "firing";
      if (a.state === "pending") pending = true;
    }
    return pending ? "pending" : "inactive";
  }

  private seriesLabels(a: Alert, kind: "pending" | "firing" | "for"): Label[] {
    a.sorted ??= this.internedLabels(a.labels);
    return mergeSorted(a.sorted, SERIES_EXTRA[kind]);
  }

  /**
   * The sorted label array, its Label objects shared between the rule's alerts: most labels (alertname,
   * alertgroup, job, rule labels) have one value for every alert of a rule. The table is dropped when it
   * outgrows the alerts it serves, so label churn cannot grow it without bound.
   */
  private internedLabels(labels: Record<string, string>): Label[] {
    const out = withLabels([], labels);
    const table = this.labelTable;
    if (table.size > 16 * (this.alerts.size + 8)) table.clear();
    for (let i = 0; i < out.length; i++) {
      const l = out[i];
      const key = `${l.name}\xff${l.value}`;
      const shared = table.get(key);
      if (shared) out[i] = shared;
      else table.set(key, l);
    }
    return out;
  }

  private async toSeries(stale: TimeSeries[], tsMs: number, yielder: Yielder): Promise<TimeSeries[]> {
    const out = stale;
    for (const a of this.alerts.values()) {
      const y = yielder.due(CHEAP_STRIDE);
      if (y) await y;
      if (a.state === "inactive") continue;
      out.push(oneSample(this.seriesLabels(a, a.state), 1, tsMs));
      out.push(oneSample(this.seriesLabels(a, "for"), Math.floor(a.activeAt / 1000), tsMs));
    }
    return out;
  }

  resolveDuration(): number {
    const { settings } = this.inputs;
    let d = 4 * Math.max(this.group.interval, settings.resendDelay);
    if (settings.maxResolveDuration > 0 && d > settings.maxResolveDuration) d = settings.maxResolveDuration;
    return d;
  }

  /** Picks the alerts to (re-)send and stamps LastSent/End, as vmalert's alertsToSend. */
  async alertsToSend(
    now: number,
    resendDelay: number,
    resolveDuration: number,
    yielder = new Yielder(),
  ): Promise<NotifierAlert[]> {
    const out: NotifierAlert[] = [];
    // Each -external.alert.source rendering may take up to the template time budget: check after each.
    const stride = this.alertSource ? 1 : CHEAP_STRIDE;
    for (const a of this.alerts.values()) {
      const y = yielder.due(stride);
      if (y) await y;
      if (a.state === "pending") continue;
      const needs =
        (a.state === "firing" && a.end < a.lastSent) ||
        (a.state === "inactive" && a.resolvedAt > a.lastSent) ||
        a.lastSent + resendDelay < now;
      if (!needs) continue;
      a.end = a.state === "inactive" ? a.resolvedAt : now + resolveDuration;
      a.lastSent = now;
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: new Date(a.start),
        endsAt: new Date(a.end),
        generatorURL: this.alertSource ? await this.renderSource(a) : this.defaultSource(a),
      });
    }
    return out;
  }

  private defaultSource(a: Alert): string {
    const g = this.group;
    // Not kept on the alert: a 100-byte string per alert is cheap to rebuild, and with -external.alert.source
    // unset it is only needed while sending.
    return `${this.inputs.settings.externalURL}/vmalert/alert?group_id=${g.id}&alert_id=${a.id}`;
  }

  private async renderSource(a: Alert): Promise<string> {
    const g = this.group;
    const { settings } = this.inputs;
    const base = settings.externalURL;
    try {
      const text = await (this.alertSource as CompiledTemplate).render(
        {
          labels: a.labels,
          value: a.value,
          expr: this.expr,
          type: g.type,
          activeAt: new Date(a.activeAt),
          alertID: a.id,
          groupID: g.id,
          externalLabels: settings.templateExternalLabels ?? settings.externalLabels,
          externalURL: settings.externalURLRaw,
        },
        { externalURL: base, budget: this.renderBudget() },
      );
      a.generatorURL = `${base}/${text}`;
    } catch (err) {
      this.inputs.logger.error(
        `group "${g.name}": rule "${this.name}": cannot render -external.alert.source: ${errorMessage(err)}`,
      );
      a.generatorURL = undefined;
      return this.defaultSource(a);
    }
    return a.generatorURL;
  }

  private debugLog(ts: number, a: Alert, msg: string): void {
    if (!this.debug) return;
    this.inputs.logger.info(
      `DEBUG rule "${this.group.name}:${this.name}:${this.id}" (group ${this.group.id}) at ${rfc3339Nano(ts)}: alert ${a.id} ${goMap(a.labels)}: ${msg}`,
    );
  }

  // --- restore ---

  /** ALERTS_FOR_STATE of this rule as of `ts` - 1s; null (logged) when the query fails. */
  private async queryRestore(restorer: AlertRestorer, ts: number): Promise<RestoredAlert[] | null> {
    const g = this.group;
    // Label values that are templates cannot be matched before rendering: vmalert skips them.
    const ruleLabels: Record<string, string> = {};
    for (const [k, t] of this.labelTpls) if ("literal" in t) ruleLabels[k] = t.literal;
    try {
      return await restorer.restore({
        groupName: g.name,
        alertName: this.name,
        ruleLabels,
        group: g.querySettings,
        time: ts - 1000,
      });
    } catch (err) {
      this.inputs.logger.error(
        `group "${g.name}": rule "${this.name}": failed to restore alerts state: ${errorMessage(err)}`,
      );
      return null;
    }
  }

  /**
   * Gives the alerts created by this evaluation (`created`) their restored activeAt; one past `for` fires
   * at once with its original start. Returns the stale ALERTS{pending} of the promoted ones.
   */
  private restoreAlerts(found: RestoredAlert[], ts: number, created: Set<Alert>): TimeSeries[] {
    const stale: TimeSeries[] = [];
    const tsMs = seriesTime(this.inputs, ts);
    for (const r of found) {
      const labels = { ...r.labels };
      delete labels.__name__;
      const a = this.alerts.get(alertKey(labels)) ?? this.alerts.get(alertKey(this.withoutOutboundLabels(labels)));
      if (!a || a.restored || a.state !== "pending" || !created.has(a)) continue;
      a.activeAt = r.activeAt;
      a.restored = true;
      this.inputs.logger.info(`alert "${this.name}" (${a.id}) restored to state at ${rfc3339Nano(a.activeAt)}`);
      if (ts - a.activeAt >= this.forMs) {
        a.state = "firing";
        a.start = a.activeAt + this.forMs;
        m.alertsFired.inc();
        stale.push(staleSeries(this.seriesLabels(a, "pending"), tsMs));
      }
    }
    return stale;
  }

  /** A restored series without the external labels Prometheus semantics add on remote write (outbound.ts). */
  private withoutOutboundLabels(labels: Record<string, string>): Record<string, string> {
    if (this.policy.externalLabelsOnRules) return labels;
    return withoutExternalLabels(labels, this.inputs.settings.externalLabels) ?? labels;
  }

  snapshot(): AlertSnapshot[] {
    const out: AlertSnapshot[] = [];
    for (const a of this.alerts.values()) {
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        state: a.state,
        value: a.value,
        activeAt: a.activeAt,
        start: a.start,
        resolvedAt: a.resolvedAt,
        keepFiringSince: a.keepFiringSince,
        lastSent: a.lastSent,
        end: a.end,
      });
    }
    return out;
  }

  /** Full restore from -state.path, before the first evaluation. */
  loadSnapshot(list: AlertSnapshot[]): void {
    for (const s of list) {
      const labels = { ...s.labels };
      const hash = labelsHash(labels);
      this.alerts.set(hash.key(), {
        id: hash.decimal(),
        labels,
        annotations: { ...s.annotations },
        state: s.state,
        value: s.value,
        activeAt: s.activeAt,
        start: s.start,
        resolvedAt: s.resolvedAt,
        keepFiringSince: s.keepFiringSince,
        lastSent: s.lastSent,
        end: s.end,
        restored: s.state !== "inactive",
      });
    }
    this.finishCounts();
  }

  /** The alert with this decimal ID, in any state. */
  findAlert(id: string): Alert | undefined {
    for (const a of this.alerts.values()) if (a.id === id) return a;
    return undefined;
  }

  adopt(old: Rule): void {
    if (!(old instanceof AlertingRule)) return;
    this.alerts = old.alerts;
    this.activeCount = old.activeCount;
    old.adopted = true;
    for (const a of this.alerts.values()) a.generatorURL = undefined;
    this.finishCounts();
  }

  close(): void {
    if (this.adopted) return;
    const b = this.inputs.budget;
    b.active -= this.activeCount;
    this.activeCount = 0;
    m.activeAlertsTotal.set(b.active);
    for (const metric of [
      m.alertsPending,
      m.alertsFiring,
      m.alertingErrors,
      m.alertingSamples,
      m.alertingSeriesFetched,
    ]) {
      metric.remove(this.metricLabels);
    }
  }

  // --- API ---

  apiAlert(a: Alert): ApiAlert {
    const g = this.group;
    return {
      state: a.state,
      name: this.name,
      value: float32String(a.value),
      labels: a.labels,
      annotations: a.annotations,
      activeAt: rfc3339Nano(a.activeAt),
      id: a.id,
      rule_id: this.id,
      group_id: g.id,
      expression: this.expr,
      source: a.generatorURL ?? this.defaultSource(a),
      restored: a.restored,
      stabilizing: a.state === "firing" && a.keepFiringSince !== 0,
    };
  }

  api(withUpdates: boolean): ApiRule {
    const g = this.group;
    const last = this.history.last();
    const alerts: ApiAlert[] = [];
    for (const a of this.alerts.values()) if (a.state !== "inactive") alerts.push(this.apiAlert(a));
    const r: ApiRule = {
      state: this.ruleState(),
      name: this.name,
      query: this.expr,
      duration: this.forMs / 1000,
      keep_firing_for: this.keepFiringFor / 1000,
      labels: this.labels,
      annotations: Object.keys(this.annotationTexts).length > 0 ? this.annotationTexts : undefined,
      lastError: last?.error ?? "",
      evaluationTime: last ? last.durationMs / 1000 : 0,
      lastEvaluation: rfc3339Nano(last ? last.start : 0),
      alerts,
      health: last?.error ? "err" : "ok",
      type: "alerting",
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

/** Labels the ALERTS / ALERTS_FOR_STATE series add, sorted by name; shared by every alert (never mutated). */
const SERIES_EXTRA: Record<"pending" | "firing" | "for", readonly Label[]> = {
  pending: [
    { name: "__name__", value: "ALERTS" },
    { name: "alertstate", value: "pending" },
  ],
  firing: [
    { name: "__name__", value: "ALERTS" },
    { name: "alertstate", value: "firing" },
  ],
  for: [{ name: "__name__", value: "ALERTS_FOR_STATE" }],
};

/** Merges two name-sorted label arrays; on a name in both, `extra`'s label wins. */
function mergeSorted(sorted: readonly Label[], extra: readonly Label[]): Label[] {
  const out: Label[] = [];
  let j = 0;
  for (const l of sorted) {
    while (j < extra.length && extra[j].name < l.name) out.push(extra[j++]);
    if (j < extra.length && extra[j].name === l.name) continue;
    out.push(l);
  }
  while (j < extra.length) out.push(extra[j++]);
  return out;
}

function sameTexts(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

export function addSystemLabels(ls: LabelSet, alertname: string, group: string, noGroupLabel: boolean): void {
  addLabel(ls, "alertname", alertname);
  if (!noGroupLabel && group !== "") addLabel(ls, "alertgroup", group);
}

/** Go's %v of a map[string]string: map[k:v k2:v2], keys sorted. */
export function goMap(m: Record<string, string>): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${m[k]}`)
    .join(" ")}]`;
}
