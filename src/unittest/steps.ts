// Drives the live engine's own Group code through a test's timeline: every group gets its own step
// clock, so groups run one after another in group_eval_order at each step, and the next group starts
// only after the previous one's writes are searchable (both tools' order). Nothing here evaluates a rule.
import type { Logger } from "pino";
import { withGroupDefaults } from "../config/effective.js";
import type { GroupConfig } from "../config/types.js";
import type { QuerierFactory } from "../datasource/types.js";
import type { NotifierSet } from "../notifier/types.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import type { Clock, TimerHandle } from "../rule/clock.js";
import { AlertingRule, Group, goTruncate } from "../rule/index.js";
import type { AlertBudget } from "../rule/rule.js";
import type { CompileTemplate, EngineSettings } from "../rule/types.js";

export interface StepDeps {
  querierFactory: QuerierFactory;
  writer?: RemoteWriter;
  compileTemplate: CompileTemplate;
  logger: Logger;
  settings: EngineSettings;
}

/** A firing or pending alert as the engine holds it. */
export interface SeenAlert {
  group: string;
  alertname: string;
  state: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A rule evaluation that failed (the engine logs it and goes on; a unit test reports it). */
export interface RuleFailure {
  group: string;
  rule: string;
  /** ms */
  at: number;
  error: string;
}

const STEP_TIMEOUT_MS = 60_000;

const NO_NOTIFIERS: NotifierSet = { notifiers: () => [], close: async () => {} };

/**
 * The clock of one driven group. Time moves only when the runner opens the next step (`openUntil`); a
 * timer due by then fires at once (on the next microtask, also when it is set after the step opened),
 * so a step costs no event-loop turns beyond the group's own async work.
 */
export class StepClock implements Clock {
  private t = 0;
  private horizon = 0;
  private due: { at: number; fn: () => void; cancelled: boolean }[] = [];

  constructor(private readonly wallStart: number) {}

  now(): number {
    return this.wallStart + this.t;
  }

  monotonic(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.t + Math.max(0, ms), fn, cancelled: false };
    if (timer.at <= this.horizon) queueMicrotask(() => this.fire(timer));
    else this.due.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  private fire(timer: { at: number; fn: () => void; cancelled: boolean }): void {
    if (timer.cancelled) return;
    if (timer.at > this.t) this.t = timer.at;
    timer.fn();
  }

  /** Lets time run up to `ms` after the start: timers due by then fire, in order. */
  openUntil(ms: number): void {
    this.horizon = ms;
    const ready = this.due.filter((x) => x.at <= ms).sort((a, b) => a.at - b.at);
    this.due = this.due.filter((x) => x.at > ms && !x.cancelled);
    for (const timer of ready) this.fire(timer);
  }
}

interface Driven {
  group: Group;
  clock: StepClock;
  wake?: () => void;
}

/** Groups sorted by group_eval_order: unlisted groups (rank 0) first, then the listed ones in order. */
export function orderGroups(groups: GroupConfig[], order: string[]): GroupConfig[] {
  const rank = (g: GroupConfig) => {
    const i = order.indexOf(g.name);
    return i < 0 ? 0 : i + 1;
  };
  return groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i)
    .map((x) => x.g);
}

export class StepRunner {
  private driven: Driven[] = [];
  private started = false;
  /** Evaluation time of the last step, ms. */
  now: number;

  constructor(
    configs: GroupConfig[],
    private readonly deps: StepDeps,
    private readonly start: number,
    private readonly interval: number,
  ) {
    this.now = start;
    const budget: AlertBudget = { max: 0, active: 0 };
    for (const raw of configs) {
      const clock = new StepClock(start);
      // Every group runs on the test's evaluation_interval with no delay or alignment: an eval_offset
      // that puts the first evaluation exactly at time zero does that through the engine's own schedule.
      const cfg = withGroupDefaults(
        {
          ...raw,
          interval,
          cron: undefined,
          evalOffset: start - goTruncate(start, interval),
          evalDelay: 0,
          queryOffset: undefined,
        },
        { evaluationInterval: interval, evalDelay: 0, resultsLimit: 0 },
      );
      const d: Driven = { group: undefined as unknown as Group, clock };
      d.group = new Group(
        cfg,
        {
          querierFactory: deps.querierFactory,
          notifiers: NO_NOTIFIERS,
          writer: deps.writer,
          compileTemplate: deps.compileTemplate,
          clock,
          logger: deps.logger,
          settings: deps.settings,
        },
        budget,
        undefined,
        () => d.wake?.(),
      );
      this.driven.push(d);
    }
  }

  private async runOne(d: Driven, until: number): Promise<void> {
    const done = new Promise<void>((resolve) => {
      d.wake = resolve;
    });
    d.clock.openUntil(until);
    // A real-time bound: a hung query or a dead group loop must fail the test, not hang the run.
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `group "${d.group.cfg.name}" did not finish its evaluation at ${new Date(this.now).toISOString()} within ${STEP_TIMEOUT_MS / 1000}s`,
            ),
          ),
        STEP_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([done, limit]);
    } finally {
      clearTimeout(timer);
    }
    d.wake = undefined;
    // Later groups (and the next step) read what this one wrote.
    await this.deps.writer?.flush();
  }

  /** Evaluates every group at the next step (the first call evaluates at time zero). */
  async step(): Promise<RuleFailure[]> {
    if (!this.started) {
      this.started = true;
      for (const d of this.driven) {
        d.group.start();
        await this.runOne(d, 0);
      }
    } else {
      this.now += this.interval;
      for (const d of this.driven) await this.runOne(d, this.now - this.start);
    }
    return this.failures();
  }

  private failures(): RuleFailure[] {
    const out: RuleFailure[] = [];
    for (const { group } of this.driven) {
      for (const r of group.rules) {
        const api = r.api(false);
        if (api.lastError) out.push({ group: group.cfg.name, rule: r.name, at: this.now, error: api.lastError });
      }
    }
    return out;
  }

  hasGroup(name: string): boolean {
    return this.driven.some((d) => d.group.cfg.name === name);
  }

  /** Alerts of rules named `alertname` (in group `group` when given). */
  alerts(alertname: string, group?: string): SeenAlert[] {
    const out: SeenAlert[] = [];
    for (const { group: g } of this.driven) {
      if (group !== undefined && g.cfg.name !== group) continue;
      for (const r of g.rules) {
        if (!(r instanceof AlertingRule) || r.name !== alertname) continue;
        for (const a of r.alerts.values()) {
          out.push({
            group: g.cfg.name,
            alertname,
            state: a.state,
            labels: { ...a.labels },
            annotations: { ...a.annotations },
          });
        }
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.driven.map((d) => d.group.stop()));
  }
}
