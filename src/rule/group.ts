// One rule group: its schedule (README "Scheduling" and the tsalert `cron` extension), rule execution by
// the plan of the dependency graph (README "The rule dependency graph"), notifier fan-out that never
// delays evaluation, and in-place updates on reload (README "Hot reload"). The group owns writing and
// notifying: its rules get their
// inputs (RuleInputs) and return series and alerts.
import { basename } from "node:path";
import { type CronSchedule, cronInterval, parseCron } from "../config/cron.js";
import type { EffectiveGroupConfig, RuleConfig } from "../config/types.js";
import { tenantLabels } from "../datasource/tenant.js";
import type { GroupQuerySettings } from "../datasource/types.js";
import type { GroupPlan } from "../graph/types.js";
import { maskHeaderList } from "../net/headers.js";
import { isSecretName } from "../net/redact.js";
import { countSkippedSend } from "../notifier/index.js";
import type { Notifier, NotifierAlert } from "../notifier/types.js";
import type { AlertRestorer } from "../remoteread/types.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import type { AlertSnapshot, StateSnapshot } from "../state/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { AlertingRule } from "./alerting.js";
import type { ApiGroup, ApiRule, ApiRuleLink } from "./api.js";
import type { WriteBarrier } from "./barrier.js";
import { sleep } from "./clock.js";
import { rfc3339Nano } from "./format.js";
import { type GroupIdentity, groupHash } from "./ids.js";
import * as m from "./metrics.js";
import { alertsWithExternalLabels } from "./outbound.js";
import { runPlan } from "./plan.js";
import { RecordingRule } from "./recording.js";
import {
  type AlertBudget,
  type ExecOutcome,
  errorMessage,
  linked,
  type Rule,
  type RuleInputs,
  sharedController,
} from "./rule.js";
import { evalTimestamp, startDelay, type TimestampSettings } from "./schedule.js";
import { semanticsPolicy } from "./semantics.js";
import { Slots } from "./slots.js";
import type { EngineSettings, GroupDeps } from "./types.js";

export interface GroupStartOptions {
  /**
   * Process start with -remoteRead.url: each alerting rule restores its alerts from it inside its first
   * successful evaluation. Unset on reloads (a group that appears then starts fresh).
   */
  restorer?: AlertRestorer;
  /** -state.path snapshot to load before the first evaluation. */
  snapshot?: StateSnapshot | null;
}

/** What the dependency graph tells a group: its plan, the groups it waits for, its rules' links. */
export interface GroupLinks {
  plan: GroupPlan;
  /** IDs of the groups whose iteration for the same evaluation time must have written first. */
  upstream: readonly string[];
  /** Per rule (in config order): the rules it reads and the rules that read it. */
  dependsOn: readonly ApiRuleLink[][];
  usedBy: readonly ApiRuleLink[][];
}

/** How a group is tied to the engine's other groups; without it a group runs alone in file order. */
export interface GroupWiring {
  links?: GroupLinks;
  barrier?: WriteBarrier;
  /** -rule.maxConcurrentEvals: evaluations in flight across all groups. */
  evalSlots?: Slots;
  /** Start phase in [0, 1) instead of the one derived from the group ID (a reader takes its producer's). */
  phase?: number;
}

const DEFAULT_MAX_INFLIGHT = 64;
/** -rule.maxConcurrency's default when the settings do not say. */
export const DEFAULT_MAX_CONCURRENCY = 8;
/** How long stop() lets notifier requests already in flight finish before cutting them. */
const SEND_GRACE_MS = 5000;

export class Group {
  readonly id: string;
  cfg: EffectiveGroupConfig;
  rules: Rule[] = [];
  /** Wall time of the last iteration start, ms; 0 = never. */
  lastEvaluation = 0;
  /** Effective interval, ms; a cron group's is the gap between two fire times. */
  readonly interval: number;
  /** The file as shown in the API and logs (`<groupID>/<basename>` with -rule.stripFilePath). */
  readonly shownFile: string;
  private readonly fraction: number;
  private readonly cron?: CronSchedule;
  /** The group's writer (its tenant's with -clusterMode); undefined = nothing is written. */
  private writer?: RemoteWriter;
  private notifierHeaders: Record<string, string> = {};
  private restorer?: AlertRestorer;
  /** Rules that still have to restore: passed the restorer until their outcome says `restored`. */
  private restoring = new Set<Rule>();
  private stopCtl = sharedController();
  private sendCtl = sharedController();
  private evalCtl?: AbortController;
  /** Set by a graceful stop: the iteration in flight finishes, no new one starts. */
  private draining = false;
  private chain: Promise<unknown> = Promise.resolve();
  private loop?: Promise<void>;
  private inflight = new Set<Promise<void>>();
  private inflightPer = new Map<Notifier, number>();
  private metricLabels: Record<string, string>;
  private links: GroupLinks;
  private slots!: Slots;

  constructor(
    cfg: EffectiveGroupConfig,
    private readonly deps: GroupDeps,
    private readonly budget: AlertBudget,
    private readonly alertSource?: CompiledTemplate,
    /** Called after every iteration (state file saving). */
    private readonly onIteration?: () => void,
    private readonly wiring: GroupWiring = {},
  ) {
    this.cfg = cfg;
    let interval = cfg.effective.interval;
    if (cfg.cron !== undefined) {
      this.cron = parseCron(cfg.cron);
      interval = cronInterval(this.cron, deps.clock.now()) ?? interval;
    }
    this.interval = interval;
    const h = groupHash(groupIdentity(cfg));
    this.id = h.decimal();
    this.fraction = wiring.phase ?? h.fraction();
    this.shownFile = deps.settings.stripFilePath ? `${this.id}/${basename(cfg.file)}` : cfg.file;
    this.metricLabels = { group: cfg.name, file: cfg.file };
    this.links = wiring.links ?? fileOrderLinks(cfg.rules.length);
    this.apply(cfg);
    m.iterationInterval.labels(this.metricLabels).set(interval / 1000);
  }

  /** Replaces settings and rules from cfg; rules with the same ID keep their state. */
  private apply(cfg: EffectiveGroupConfig): void {
    const { settings, clock, logger } = this.deps;
    this.cfg = cfg;
    const tenant = groupTenant(cfg, settings);
    const querySettings: GroupQuerySettings = {
      type: cfg.type,
      evaluationInterval: this.interval,
      params: cfg.params,
      headers: cfg.headers,
      tenant,
    };
    // A tenant group writes only through its tenant's writer, so it never writes to another tenant's URL
    // (queries and restores follow querySettings.tenant).
    this.writer = tenant !== undefined && this.deps.writerFor ? this.deps.writerFor(tenant) : this.deps.writer;
    const inputs: RuleInputs = {
      group: {
        id: this.id,
        name: cfg.name,
        file: cfg.file,
        shownFile: this.shownFile,
        type: cfg.type,
        interval: this.interval,
        limit: cfg.effective.limit,
        querySettings,
      },
      querier: this.deps.querierFactory.forGroup(querySettings),
      clock,
      logger,
      settings,
      writes: this.writer !== undefined,
      budget: this.budget,
      queryTime: (ts) => this.queryTime(ts),
    };
    m.groupResultsLimit.labels(this.metricLabels).set(cfg.effective.limit);
    this.slots = new Slots(groupConcurrency(cfg, settings));
    this.notifierHeaders = parseHeaders(cfg.notifierHeaders);
    // Priority rule > group > external (https://docs.victoriametrics.com/vmalert/#groups); a tenant's
    // vm_account_id and vm_project_id win over all of them. Prometheus semantics add external labels only
    // on the way out (outbound.ts).
    const external = semanticsPolicy(settings).externalLabelsOnRules ? settings.externalLabels : {};
    const base = { ...external, ...cfg.labels };
    const tenantOnly = tenant !== undefined ? tenantLabels(tenant) : {};
    const old = new Map(this.rules.map((r) => [r.id, r]));
    const next: Rule[] = [];
    for (const rc of cfg.rules) {
      const rule = this.newRule(rc, { ...base, ...rc.labels, ...tenantOnly }, inputs);
      const prev = old.get(rule.id);
      if (prev && prev.kind === rule.kind) {
        rule.adopt(prev);
        old.delete(rule.id);
      }
      next.push(rule);
    }
    // Adopted rules skip close(); the rest lose their metric series and budget share.
    for (const r of this.rules) r.close();
    this.rules = next;
    // The replaced rules' pending restore is dropped with them: rules of a reload start fresh.
    this.restoring.clear();
  }

  private newRule(rc: RuleConfig, labels: Record<string, string>, inputs: RuleInputs): Rule {
    if (rc.alert !== undefined) {
      return new AlertingRule(rc, labels, inputs, {
        compile: this.deps.compileTemplate,
        alertSource: this.alertSource,
      });
    }
    return new RecordingRule(rc, labels, inputs);
  }

  private withLock<T>(fn: () => Promise<T> | T): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  start(opts: GroupStartOptions = {}): void {
    if (opts.snapshot) this.loadSnapshot(opts.snapshot);
    this.restorer = opts.restorer;
    this.loop = this.run(opts.restorer !== undefined).catch((err) => {
      if (!this.stopCtl.signal.aborted) {
        this.deps.logger.error(`group "${this.cfg.name}" (file=${this.shownFile}): stopped: ${errorMessage(err)}`);
      }
    });
  }

  /** Hot reload: cancels an in-flight evaluation, then swaps settings, rules and their links. */
  async update(cfg: EffectiveGroupConfig, links?: GroupLinks): Promise<void> {
    this.evalCtl?.abort(new Error("group updated"));
    await this.withLock(() => {
      this.links = links ?? fileOrderLinks(cfg.rules.length);
      this.apply(cfg);
    });
  }

  /** A reload changed other groups: this group's rules keep running with the new graph's links. */
  async relink(links: GroupLinks): Promise<void> {
    await this.withLock(() => {
      if (links.plan.startAfter.length === this.rules.length) this.links = links;
    });
  }

  /**
   * Stops the group. With `graceMs`, an iteration in flight may finish first (up to that long), so a
   * shutdown does not leave half an iteration's results in remote storage; no new one starts meanwhile.
   */
  async stop(graceMs = 0): Promise<void> {
    if (graceMs > 0 && this.evalCtl) {
      this.draining = true;
      const grace = new AbortController();
      await Promise.race([this.chain, sleep(this.deps.clock, graceMs, grace.signal).catch(() => {})]);
      grace.abort();
    }
    this.stopCtl.abort(new Error("group stopped"));
    this.evalCtl?.abort(new Error("group stopped"));
    await this.loop;
    await this.chain;
    // Let sends already on the wire finish briefly, then cut them.
    if (this.inflight.size > 0) {
      const grace = new AbortController();
      await Promise.race([
        Promise.allSettled([...this.inflight]),
        sleep(this.deps.clock, SEND_GRACE_MS, grace.signal).catch(() => {}),
      ]);
      grace.abort();
      this.sendCtl.abort(new Error("group stopped"));
    }
    for (const r of this.rules) r.close();
    for (const metric of [
      m.iterationTotal,
      m.iterationDuration,
      m.iterationMissed,
      m.iterationReset,
      m.iterationInterval,
      m.groupResultsLimit,
      m.dependencyWaitTimeouts,
    ]) {
      metric.remove(this.metricLabels);
    }
  }

  /**
   * Stops a group that moved to another cluster member: the iteration in flight may finish (up to
   * `graceMs`) and what it wrote is flushed, so the new owner continues the series without a gap. Nothing
   * is sent for its alerts: they are not resolved, only evaluated elsewhere now.
   */
  async handOff(graceMs: number): Promise<void> {
    await this.stop(graceMs);
    if (graceMs > 0) await this.flush(graceMs, new AbortController().signal);
  }

  private async run(restore: boolean): Promise<void> {
    const { clock } = this.deps;
    const stop = this.stopCtl.signal;
    const interval = this.interval;
    if (this.cron) {
      await this.runCron(restore);
      return;
    }
    const startedAt = clock.now();
    const delay = startDelay(startedAt, interval, this.cfg.evalOffset, this.fraction, this.deps.settings.maxStartDelay);
    // Ticks are kept on the monotonic clock, like Go's ticker: a step of the wall clock never stalls or
    // rushes the group; it only moves the evaluation timestamp (below).
    let nextTick = clock.monotonic() + delay;
    await sleep(clock, delay, stop);
    // The planned time, not the (slightly late) timer wake-up: eval_offset groups query exactly on it.
    let evalTS = startedAt + delay;
    nextTick += interval;
    await this.withLock(() => this.iterate(evalTS, restore));
    for (;;) {
      const wait = nextTick - clock.monotonic();
      if (wait > 0) await sleep(clock, wait, stop);
      if (stop.aborted) return;
      const mono = Math.max(clock.monotonic(), nextTick);
      // Ticks that passed while busy collapse into the one consumed now.
      let ticks = 1;
      nextTick += interval;
      while (nextTick <= mono) {
        nextTick += interval;
        ticks++;
      }
      const planned = evalTS + ticks * interval;
      const wall = clock.now();
      if (wall < planned - interval || wall >= planned + interval) {
        // The wall clock was stepped: evaluate at the current time from here on, as vmalert does.
        evalTS = wall;
        m.iterationReset.labels(this.metricLabels).inc();
      } else {
        evalTS = planned;
        if (ticks > 1) m.iterationMissed.labels(this.metricLabels).inc();
      }
      const ts = evalTS;
      await this.withLock(() => this.iterate(ts, false));
    }
  }

  /**
   * One iteration for evaluation time `ts`, now and outside the schedule (tests and tools that step time
   * themselves; a group that also runs its own loop serializes both).
   */
  evaluateAt(ts: number): Promise<void> {
    return this.withLock(() => this.iterate(ts, false));
  }

  private async runCron(restore: boolean): Promise<void> {
    const { clock } = this.deps;
    const stop = this.stopCtl.signal;
    const cron = this.cron as CronSchedule;
    let first = true;
    let last = clock.now();
    for (;;) {
      let next = cron.next(last);
      if (next === null) return;
      if (next < clock.now()) {
        // The previous evaluation overran one or more fire times: skip them, never overlap.
        m.iterationMissed.labels(this.metricLabels).inc();
        next = cron.next(clock.now());
        if (next === null) return;
      }
      await sleep(clock, next - clock.now(), stop);
      last = next;
      const ts = next;
      const doRestore = first && restore;
      first = false;
      await this.withLock(() => this.iterate(ts, doRestore));
    }
  }

  private async iterate(evalTS: number, restore: boolean): Promise<void> {
    if (this.stopCtl.signal.aborted || this.draining) return;
    const { clock, logger } = this.deps;
    const writer = this.writer;
    const wallStart = clock.now();
    this.lastEvaluation = wallStart;
    m.iterationTotal.labels(this.metricLabels).inc();
    const ts = this.evaluationTime(evalTS);
    const link = linked(this.stopCtl.signal);
    const ctl = link.ctl;
    this.evalCtl = ctl;
    const signal = ctl.signal;
    const deadline = wallStart + this.interval;
    const rules = this.rules;
    const { plan, upstream } = this.links;
    let flushLate = false;
    if (restore && this.restorer) {
      for (const r of rules) if (r instanceof AlertingRule) this.restoring.add(r);
    }
    try {
      if (upstream.length > 0 && this.wiring.barrier) {
        const late = await this.wiring.barrier.waitFor(upstream, ts, this.interval, signal);
        await this.untilVisible(this.wiring.barrier.lastWrite(upstream), wallStart + this.interval, signal);
        if (late.length > 0) {
          m.dependencyWaitTimeouts.labels(this.metricLabels).inc();
          logger.warn(
            `group "${this.cfg.name}" (file=${this.shownFile}): groups it reads (IDs ${late.join(", ")}) did not write their iteration for ${rfc3339Nano(ts)} within the interval; evaluating without them`,
          );
        }
      }
      const slots = this.wiring.evalSlots ? [this.slots, this.wiring.evalSlots] : [this.slots];
      const dirty = await runPlan({
        rules,
        plan,
        signal,
        slots,
        exec: (r) => this.execRule(r, ts, signal),
        onOutcome: (_r, o) => {
          if (o.alerts.length > 0) this.send(o.alerts);
        },
        push: writer ? (series) => writer.push(series) : undefined,
        flush: async () => {
          const left = deadline - clock.now();
          if (left > 0) {
            await this.flush(left, signal);
            await this.untilVisible(clock.now(), deadline, signal);
          } else if (!flushLate) {
            flushLate = true;
            logger.warn(
              `group "${this.cfg.name}" (file=${this.shownFile}): remote write did not confirm within the interval; later rules of this iteration may not see earlier results`,
            );
          }
        },
      });
      // The rest of the results too: an iteration ends with all of its output written (on disk with
      // -remoteWrite.tmpDataPath), so a kill after it loses none of it, and readers in other groups see it.
      if (dirty && writer && !signal.aborted) {
        const left = deadline - clock.now();
        if (left > 0) await this.flush(left, signal);
      }
    } finally {
      // Also after a failed or cancelled iteration: readers in other groups need not wait for more.
      this.wiring.barrier?.markWritten(this.id, ts, clock.now());
      link.unlink();
      if (this.evalCtl === ctl) this.evalCtl = undefined;
      m.iterationDuration.labels(this.metricLabels).observe((clock.now() - wallStart) / 1000);
      this.onIteration?.();
    }
  }

  /**
   * -rule.writeVisibilityDelay: a reader queries that long after its producers' write was confirmed, for
   * a datasource that makes accepted samples searchable only after a while. Bounded by the deadline.
   */
  private async untilVisible(writtenAt: number, deadline: number, signal: AbortSignal): Promise<void> {
    const delay = this.deps.settings.writeVisibilityDelay ?? 0;
    if (delay <= 0 || writtenAt <= 0) return;
    const { clock } = this.deps;
    const wait = Math.min(writtenAt + delay, deadline) - clock.now();
    if (wait > 0) await sleep(clock, wait, signal).catch(() => {});
  }

  private timestampSettings(): TimestampSettings {
    const eff = this.cfg.effective;
    return {
      interval: this.interval,
      evalOffset: this.cfg.evalOffset,
      evalDelay: eff.evalDelay,
      evalAlignment: eff.evalAlignment,
    };
  }

  /**
   * The time an evaluation scheduled at evalTS uses for its alert state: vmalert's adjusted time (eval
   * delay, alignment), or under Prometheus semantics the scheduled time itself (its rules query earlier:
   * RuleInputs.queryTime).
   */
  private evaluationTime(evalTS: number): number {
    if (this.cron || !semanticsPolicy(this.deps.settings).alignByDefault) return evalTS;
    return evalTimestamp(evalTS, this.timestampSettings());
  }

  /** Prometheus semantics: a rule queries (and stamps its series) eval_delay/query_offset before the state time. */
  private queryTime(ts: number): number {
    if (this.cron || semanticsPolicy(this.deps.settings).alignByDefault) return ts;
    return evalTimestamp(ts, this.timestampSettings());
  }

  /** One rule's evaluation; a restore still due is passed along and dropped once the rule has done it. */
  private async execRule(r: Rule, ts: number, signal: AbortSignal): Promise<ExecOutcome> {
    const restorer = this.restoring.has(r) ? this.restorer : undefined;
    try {
      const out = await r.exec(ts, signal, restorer);
      if (out.restored) this.restoring.delete(r);
      return out;
    } catch (err) {
      this.deps.logger.error(
        `group "${this.cfg.name}" (file=${this.shownFile}): rule "${r.name}": ${errorMessage(err)}`,
      );
      return { series: [], alerts: [] as NotifierAlert[] };
    }
  }

  private async flush(ms: number, signal: AbortSignal): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const link = linked(signal);
    const timer = this.deps.clock.setTimer(ms, () => link.ctl.abort(new Error("flush deadline")));
    try {
      await writer.flush(link.ctl.signal);
    } catch {
      // Delivery problems are the writer's to report; the group only stops waiting.
    } finally {
      timer.cancel();
      link.unlink();
    }
  }

  /** Fire-and-track: every notifier gets the alerts concurrently; a slow one is capped, never awaited. */
  private send(toSend: NotifierAlert[]): void {
    const { logger, settings } = this.deps;
    const alerts = semanticsPolicy(settings).externalLabelsOnRules
      ? toSend
      : alertsWithExternalLabels(toSend, settings.externalLabels);
    const cap = settings.maxInflightSends ?? DEFAULT_MAX_INFLIGHT;
    const headers = Object.keys(this.notifierHeaders).length > 0 ? this.notifierHeaders : undefined;
    for (const n of this.deps.notifiers.notifiers()) {
      const count = this.inflightPer.get(n) ?? 0;
      if (count >= cap) {
        countSkippedSend(n.addr(), alerts.length);
        logger.warn(
          `group "${this.cfg.name}": notifier ${n.addr()} has ${count} requests in flight; ${alerts.length} alerts not sent to it this time`,
        );
        continue;
      }
      this.inflightPer.set(n, count + 1);
      const p: Promise<void> = n
        .send(alerts, headers, this.sendCtl.signal)
        .catch((err) => {
          logger.error(`group "${this.cfg.name}": failed to send alerts to ${n.addr()}: ${errorMessage(err)}`);
        })
        .finally(() => {
          this.inflight.delete(p);
          const c = (this.inflightPer.get(n) ?? 1) - 1;
          if (c <= 0) this.inflightPer.delete(n);
          else this.inflightPer.set(n, c);
        });
      this.inflight.add(p);
    }
  }

  /** Resolves when every notifier request started so far has settled (tests, shutdown). */
  async settleSends(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  snapshot(into: Record<string, AlertSnapshot[]>): void {
    for (const r of this.rules) {
      if (r instanceof AlertingRule && r.alerts.size > 0) into[`${this.id}/${r.id}`] = r.snapshot();
    }
  }

  private loadSnapshot(s: StateSnapshot): void {
    for (const r of this.rules) {
      if (!(r instanceof AlertingRule)) continue;
      const list = s.rules[`${this.id}/${r.id}`];
      if (list && list.length > 0) r.loadSnapshot(list);
    }
  }

  api(): ApiGroup {
    const cfg = this.cfg;
    const g: ApiGroup = {
      name: cfg.name,
      rules: this.rules.map((r, i): ApiRule => this.withLinks(r.api(false), i)),
      interval: this.interval / 1000,
      lastEvaluation: rfc3339Nano(this.lastEvaluation),
      type: cfg.type,
      id: this.id,
      file: this.shownFile,
      concurrency: cfg.effective.concurrency,
    };
    const params: string[] = [];
    // A credential-like parameter (authKey, token, ...) shows as in a redacted URL.
    for (const [k, vs] of Object.entries(cfg.params))
      for (const v of vs) params.push(`${k}=${isSecretName(k) ? "secret" : v}`);
    if (params.length > 0) g.params = params.sort();
    if (cfg.headers.length > 0) g.headers = maskHeaderList(cfg.headers);
    if (cfg.notifierHeaders.length > 0) g.notifier_headers = maskHeaderList(cfg.notifierHeaders);
    if (Object.keys(cfg.labels).length > 0) g.labels = cfg.labels;
    if (cfg.evalOffset !== undefined) g.eval_offset = cfg.evalOffset / 1000;
    if (cfg.evalDelay !== undefined) g.eval_delay = cfg.evalDelay / 1000;
    if (cfg.cron !== undefined) g.cron = cfg.cron;
    return g;
  }

  rule(id: string): Rule | undefined {
    return this.rules.find((r) => r.id === id);
  }

  /** The rule's API view with its "depends on" / "used by" links (single-rule endpoint: with updates). */
  ruleApi(id: string, withUpdates: boolean): ApiRule | undefined {
    const i = this.rules.findIndex((r) => r.id === id);
    return i < 0 ? undefined : this.withLinks(this.rules[i].api(withUpdates), i);
  }

  private withLinks(a: ApiRule, i: number): ApiRule {
    const dependsOn = this.links.dependsOn[i];
    const usedBy = this.links.usedBy[i];
    if (dependsOn && dependsOn.length > 0) a.depends_on = dependsOn;
    if (usedBy && usedBy.length > 0) a.used_by = usedBy;
    return a;
  }
}

/** Rules of the group evaluated at once: group `concurrency` when the file sets it, else -rule.maxConcurrency. */
export function groupConcurrency(cfg: EffectiveGroupConfig, s: EngineSettings): number {
  if (cfg.concurrency > 0) return cfg.effective.concurrency;
  return Math.max(1, s.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
}

/** Links of a group the graph has not seen (tests that build one group): file order, flushes after every rule. */
export function fileOrderLinks(size: number): GroupLinks {
  return {
    plan: {
      startAfter: Array.from({ length: size }, (_, i) => (i > 0 ? [i - 1] : [])),
      pushAfter: Array.from({ length: size }, () => []),
      flushAfter: new Array<boolean>(size).fill(true),
      upstream: [],
    },
    upstream: [],
    dependsOn: [],
    usedBy: [],
  };
}

export function groupIdentity(cfg: EffectiveGroupConfig): GroupIdentity {
  return {
    file: cfg.file,
    name: cfg.name,
    type: cfg.type,
    interval: cfg.effective.interval,
    evalOffset: cfg.evalOffset,
    cron: cfg.cron,
  };
}

/** The ID a group config gets: stable across restarts and reloads while file, name, type and schedule stay. */
export function groupConfigID(cfg: EffectiveGroupConfig): string {
  return groupHash(groupIdentity(cfg)).decimal();
}

/** The group's tenant: its own, else with -clusterMode the -defaultTenant.* of its type. */
export function groupTenant(cfg: EffectiveGroupConfig, s: EngineSettings): string | undefined {
  if (cfg.tenant !== undefined && cfg.tenant !== "") return cfg.tenant;
  if (!s.clusterMode) return undefined;
  const def = cfg.type === "graphite" ? s.defaultTenants?.graphite : s.defaultTenants?.prometheus;
  return def ? def : undefined;
}

function parseHeaders(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(":");
    if (i < 0) continue;
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}
