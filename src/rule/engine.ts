// The engine: runs the groups, applies hot reloads (README "Hot reload"), persists alert state to -state.path,
// and serves the read-only view of src/http (EngineView).
import type { EffectiveGroupConfig } from "../config/types.js";
import { keptErrorText } from "../errors.js";
import { buildRuleGraph, cycleProblems } from "../graph/index.js";
import type { StateSnapshot } from "../state/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { AlertingRule } from "./alerting.js";
import type { ApiAlert, ApiGroup, ApiNotifierGroup, ApiRule, EngineView } from "./api.js";
import { WriteBarrier } from "./barrier.js";
import type { TimerHandle } from "./clock.js";
import { Group, groupConfigID } from "./group.js";
import type { AlertBudget } from "./rule.js";
import { errorMessage } from "./rule.js";
import { Slots } from "./slots.js";
import type { EngineDeps } from "./types.js";
import { type EngineWiring, wiringOf } from "./wiring.js";

/** -rule.maxConcurrentEvals' default when the settings do not say. */
export const DEFAULT_MAX_CONCURRENT_EVALS = 100;

/** Delay that gathers the iterations of many groups into one state-file write. */
const STATE_SAVE_DELAY = 1000;

/** How a reload treats groups that move between members of a cluster (README "Scaling out"). */
export interface UpdateOptions {
  /**
   * New groups that restore their alerts from the restorer in their first evaluation, as at process start:
   * they ran on another member before. Other new groups start without restore, as in vmalert.
   */
  restore?(cfg: EffectiveGroupConfig): boolean;
  /**
   * Vanished groups that are handed off (they run on another member now) rather than removed: the
   * iteration in flight may finish within `handOffGraceMs` and their writes are flushed; nothing is sent
   * for their alerts, which live on where the group went.
   */
  handOff?(cfg: EffectiveGroupConfig): boolean;
  handOffGraceMs?: number;
}

export interface EngineOptions {
  /** Targets for the notifiers view; by default one "static" group of the NotifierSet's notifiers. */
  notifierGroups?: () => ApiNotifierGroup[];
}

export class Engine implements EngineView {
  private groupsByID = new Map<string, Group>();
  private budget: AlertBudget;
  private alertSource?: CompiledTemplate;
  private reloadError = "";
  private saving = false;
  private saveTimer?: TimerHandle;
  private saveAgain = false;
  private savePromise: Promise<void> = Promise.resolve();
  private started = false;
  private readonly barrier: WriteBarrier;
  private readonly evalSlots?: Slots;

  constructor(
    private deps: EngineDeps,
    private opts: EngineOptions = {},
  ) {
    this.budget = { max: deps.settings.maxActiveAlerts, active: 0 };
    this.barrier = new WriteBarrier(deps.clock);
    const cap = deps.settings.maxConcurrentEvals ?? DEFAULT_MAX_CONCURRENT_EVALS;
    if (cap > 0) this.evalSlots = new Slots(cap);
    const src = deps.settings.alertSourceTemplate;
    if (src) this.alertSource = deps.compileTemplate(src);
  }

  /**
   * Starts every group. With a StateFile, the saved alert state is loaded first (before any evaluation);
   * with a restorer, each group restores from ALERTS_FOR_STATE inside its first successful evaluation.
   */
  async start(configs: EffectiveGroupConfig[]): Promise<void> {
    if (this.started) throw new Error("engine already started");
    this.started = true;
    let snapshot: StateSnapshot | null = null;
    if (this.deps.stateFile) {
      try {
        snapshot = await this.deps.stateFile.load();
      } catch (err) {
        this.deps.logger.error(`cannot load alert state: ${errorMessage(err)}`);
      }
    }
    byID(configs);
    const wiring = this.wire(configs);
    configs.forEach((cfg, i) => {
      const g = this.newGroup(cfg, wiring, i);
      this.groupsByID.set(g.id, g);
    });
    for (const g of this.groupsByID.values()) g.start({ restorer: this.deps.restorer, snapshot });
  }

  private newGroup(cfg: EffectiveGroupConfig, wiring: EngineWiring, index: number): Group {
    const onIteration = this.deps.stateFile ? () => this.scheduleSave() : undefined;
    return new Group(cfg, this.deps, this.budget, this.alertSource, onIteration, {
      links: wiring.links[index],
      barrier: this.barrier,
      evalSlots: this.evalSlots,
      phase: wiring.phases[index],
    });
  }

  /**
   * The dependency graph of a whole configuration, as each group's links (README "The rule dependency
   * graph"); cycles are logged, never refused (vmalert runs such files).
   */
  private wire(configs: EffectiveGroupConfig[]): EngineWiring {
    const s = this.deps.settings;
    const graph = buildRuleGraph(configs, {
      externalLabels: s.externalLabels,
      disableAlertgroupLabel: s.disableAlertgroupLabel,
    });
    for (const p of cycleProblems(configs, graph.cycles)) this.deps.logger.warn(`${p.file}:${p.line}: ${p.message}`);
    configs.forEach((cfg, i) => {
      const why = graph.plans[i].sequential;
      if (why) this.deps.logger.warn(`group "${cfg.name}" (file=${cfg.file}): runs its rules one by one: ${why}`);
    });
    return wiringOf(configs, graph);
  }

  /**
   * Hot reload: unchanged groups keep running untouched; groups with the same ID and a new checksum
   * are updated in place (alert state of rules with the same rule ID kept); vanished groups are stopped
   * and new ones started (no restore). `opts` changes that for groups that move between cluster members.
   */
  async update(configs: EffectiveGroupConfig[], opts: UpdateOptions = {}): Promise<void> {
    const next = byID(configs);
    const wiring = this.wire(configs);
    const stops: Promise<void>[] = [];
    for (const [id, g] of this.groupsByID) {
      if (next.has(id)) continue;
      this.groupsByID.delete(id);
      stops.push(opts.handOff?.(g.cfg) ? g.handOff(opts.handOffGraceMs ?? 0) : g.stop());
      this.barrier.forget(id);
    }
    // Stopped first: a new group may reuse the metric series (group, file) of a vanished one.
    await Promise.all(stops);
    const updates: Promise<void>[] = [];
    [...next.entries()].forEach(([id, cfg], i) => {
      const g = this.groupsByID.get(id);
      if (!g) {
        const fresh = this.newGroup(cfg, wiring, i);
        this.groupsByID.set(fresh.id, fresh);
        // A group that ran on another member restores as at process start; the state file is not read
        // again (it holds this member's alerts as of its own start, not the other member's).
        fresh.start({ restorer: opts.restore?.(cfg) ? this.deps.restorer : undefined });
      } else if (g.cfg.checksum !== cfg.checksum) {
        updates.push(g.update(cfg, wiring.links[i]));
      } else {
        updates.push(g.relink(wiring.links[i]));
      }
    });
    await Promise.all(updates);
    this.reloadError = "";
  }

  /**
   * Stops all groups and writes the state file a last time. Iterations in flight are cancelled, or with
   * `graceMs` given the time to finish first (a graceful shutdown: no half-written iteration).
   */
  async stop(graceMs = 0): Promise<void> {
    const groups = [...this.groupsByID.values()];
    await Promise.all(groups.map((g) => g.stop(graceMs)));
    if (this.deps.stateFile) {
      this.saveTimer?.cancel();
      this.saveTimer = undefined;
      while (this.saving) await this.savePromise;
      await this.saveNow(groups);
    }
    this.groupsByID.clear();
  }

  setReloadError(msg: string): void {
    this.reloadError = keptErrorText(msg);
  }

  /**
   * Debounced and coalesced across groups: the first request after a save arms a short timer, later
   * requests ride along, and at most one write is in flight.
   */
  private scheduleSave(): void {
    if (this.saveTimer || this.saving) {
      this.saveAgain = true;
      return;
    }
    this.saveTimer = this.deps.clock.setTimer(STATE_SAVE_DELAY, () => {
      this.saveTimer = undefined;
      this.runSave();
    });
  }

  private runSave(): void {
    this.saving = true;
    this.saveAgain = false;
    this.savePromise = this.saveNow([...this.groupsByID.values()]).finally(() => {
      this.saving = false;
      if (this.saveAgain) {
        this.saveAgain = false;
        this.scheduleSave();
      }
    });
  }

  private async saveNow(groups: Group[]): Promise<void> {
    const file = this.deps.stateFile;
    if (!file) return;
    const snap: StateSnapshot = { version: 1, savedAt: this.deps.clock.now(), rules: {} };
    for (const g of groups) g.snapshot(snap.rules);
    try {
      await file.save(snap);
    } catch (err) {
      this.deps.logger.error(`cannot save alert state: ${errorMessage(err)}`);
    }
  }

  /** Writes the state file now if a save is pending, and waits for writes in flight. */
  async flushState(): Promise<void> {
    if (this.saveTimer) {
      this.saveTimer.cancel();
      this.saveTimer = undefined;
      if (!this.saving) this.runSave();
    }
    while (this.saving) await this.savePromise;
  }

  /** Resolves once every notifier request started so far has settled (tests). */
  async settleSends(): Promise<void> {
    await Promise.all([...this.groupsByID.values()].map((g) => g.settleSends()));
  }

  /** The running group with this ID (tests, CLI). */
  group(id: string): Group | undefined {
    return this.groupsByID.get(id);
  }

  // --- EngineView ---

  groups(): ApiGroup[] {
    const out = [...this.groupsByID.values()].map((g) => g.api());
    return out.sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
    );
  }

  rule(groupID: string, ruleID: string): ApiRule | undefined {
    return this.groupsByID.get(groupID)?.ruleApi(ruleID, true);
  }

  alert(groupID: string, alertID: string): ApiAlert | undefined {
    const g = this.groupsByID.get(groupID);
    if (!g) return undefined;
    for (const r of g.rules) {
      if (!(r instanceof AlertingRule)) continue;
      const a = r.findAlert(alertID);
      if (a) return r.apiAlert(a);
    }
    return undefined;
  }

  notifiers(): ApiNotifierGroup[] {
    if (this.opts.notifierGroups) return this.opts.notifierGroups();
    const list = this.deps.notifiers.notifiers();
    const blackhole = list.length > 0 && list.every((n) => n.addr() === "blackhole");
    return [
      {
        kind: blackhole ? "blackhole" : "static",
        targets: list.map((n) => ({ address: n.addr(), labels: {}, lastError: n.lastError() })),
      },
    ];
  }

  lastReloadError(): string {
    return this.reloadError;
  }
}

/** The configs by group ID; two groups with one ID are an error (they would share metrics and API paths). */
function byID(configs: EffectiveGroupConfig[]): Map<string, EffectiveGroupConfig> {
  const out = new Map<string, EffectiveGroupConfig>();
  for (const cfg of configs) {
    const id = groupConfigID(cfg);
    if (out.has(id)) throw new Error(`group "${cfg.name}" (file=${cfg.file}): duplicate group ID ${id}`);
    out.set(id, cfg);
  }
  return out;
}
