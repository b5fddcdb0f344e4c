// The view of the whole cluster that any member serves (README "Scaling out"): this member's groups plus
// what the other members answer, merged into one EngineView per request, so the API's filters and
// pagination and the UI work on the merged result unchanged. A member that does not answer in time is
// listed as unreachable and its groups that no other member reported are named; it never blocks the answer.
import type {
  ApiAlert,
  ApiClusterMember,
  ApiClusterStatus,
  ApiGroup,
  ApiNotifierGroup,
  ApiRule,
  EngineView,
  ViewNeed,
  ViewProvider,
} from "../rule/api.js";
import type { Cluster } from "./cluster.js";
import { isClustered } from "./membership.js";
import type { PeerClient, PeerResult } from "./peers.js";

export interface ClusterViewOptions {
  engine: EngineView;
  cluster: Cluster;
  /** Undefined without -cluster.memberURLTemplate: the view is this member's share only. */
  peers?: PeerClient;
}

/** RFC3339 to ms; a time that does not parse counts as never. */
function timeOf(s: string): number {
  const t = Date.parse(s);
  return Number.isNaN(t) ? 0 : t;
}

class MergedView implements EngineView {
  constructor(
    private engine: EngineView,
    private merged: ApiGroup[],
    private status: ApiClusterStatus | undefined,
    private extra: { rule?: ApiRule; alert?: ApiAlert; notifiers?: ApiNotifierGroup[] } = {},
  ) {}
  groups(): ApiGroup[] {
    return this.merged;
  }
  rule(groupID: string, ruleID: string): ApiRule | undefined {
    const r = this.engine.rule(groupID, ruleID) ?? this.extra.rule;
    return r && r.group_id === groupID && r.id === ruleID ? r : undefined;
  }
  alert(groupID: string, alertID: string): ApiAlert | undefined {
    const a = this.engine.alert(groupID, alertID) ?? this.extra.alert;
    return a && a.group_id === groupID && a.id === alertID ? a : undefined;
  }
  notifiers(): ApiNotifierGroup[] {
    return this.extra.notifiers ?? this.engine.notifiers();
  }
  lastReloadError(): string {
    return this.engine.lastReloadError();
  }
  cluster(): ApiClusterStatus | undefined {
    return this.status;
  }
}

/** Merges notifier targets by kind and address; a peer's error names the member that saw it. */
function mergeNotifiers(lists: { member: number; self: boolean; groups: ApiNotifierGroup[] }[]): ApiNotifierGroup[] {
  const out = new Map<string, ApiNotifierGroup>();
  for (const { member, self, groups } of lists) {
    for (const g of groups) {
      let into = out.get(g.kind);
      if (!into) {
        into = { kind: g.kind, targets: [] };
        out.set(g.kind, into);
      }
      for (const t of g.targets) {
        const lastError = t.lastError && !self ? `member ${member}: ${t.lastError}` : t.lastError;
        const have = into.targets.find((x) => x.address === t.address);
        if (!have) into.targets.push({ ...t, lastError });
        else if (!have.lastError && lastError) have.lastError = lastError;
      }
    }
  }
  return [...out.values()];
}

export function createClusterView(o: ClusterViewOptions): ViewProvider {
  const { engine, cluster, peers } = o;
  const ms = cluster.membership;
  const others = Array.from({ length: ms.count }, (_, i) => i).filter((i) => i !== ms.self);

  /** This member's groups, each with its owners. */
  function localGroups(): ApiGroup[] {
    const placed = cluster.placedGroups();
    return engine.groups().map((g) => ({ ...g, owners: [...(placed.get(g.id)?.owners ?? [ms.self])] }));
  }

  function status(answers: Map<number, PeerResult<unknown>>, reported: Set<string>): ApiClusterStatus {
    const members: ApiClusterMember[] = [];
    for (let i = 0; i < ms.count; i++) {
      if (i === ms.self) {
        members.push({ member: i, url: peers ? peers.url(i) : "", state: "self" });
        continue;
      }
      const a = answers.get(i);
      if (!peers || !a) members.push({ member: i, url: peers ? peers.url(i) : "", state: "unknown" });
      else if (a.ok) members.push({ member: i, url: peers.url(i), state: "ok" });
      else members.push({ member: i, url: peers.url(i), state: "unreachable", error: a.error });
    }
    const missing: ApiClusterStatus["missing_groups"] = [];
    if (peers) {
      for (const [id, g] of cluster.placedGroups()) {
        if (!reported.has(id)) missing.push({ name: g.name, file: g.file, owners: g.owners });
      }
    }
    return {
      members_count: ms.count,
      member_num: ms.self,
      replication_factor: ms.replication,
      members,
      missing_groups: missing,
    };
  }

  /** Every member's groups, one copy per group ID: the most recently evaluated one. */
  async function mergedGroups(): Promise<{
    groups: ApiGroup[];
    answers: Map<number, PeerResult<ApiGroup[]>>;
    from: Map<string, number[]>;
  }> {
    const answers = new Map<number, PeerResult<ApiGroup[]>>();
    if (peers) {
      const results = await Promise.all(others.map((i) => peers.rules(i)));
      others.forEach((i, k) => {
        answers.set(i, results[k] as PeerResult<ApiGroup[]>);
      });
    }
    const best = new Map<string, ApiGroup>();
    const from = new Map<string, number[]>();
    const offer = (member: number, g: ApiGroup) => {
      from.set(g.id, [...(from.get(g.id) ?? []), member]);
      const have = best.get(g.id);
      if (!have || timeOf(g.lastEvaluation) > timeOf(have.lastEvaluation)) best.set(g.id, g);
    };
    for (const g of localGroups()) offer(ms.self, g);
    for (const [member, a] of answers) {
      if (!a.ok) continue;
      const placed = cluster.placedGroups();
      // The owners this member computes for the group win over what a peer claims; both load the same files.
      for (const g of a.value) offer(member, { ...g, owners: placed.get(g.id)?.owners ?? g.owners ?? [member] });
    }
    return { groups: [...best.values()], answers, from };
  }

  async function detail<T>(
    from: number[],
    ask: (member: number) => Promise<PeerResult<T | undefined>>,
  ): Promise<T | undefined> {
    // The members that reported the group, in turn: a replica answers when another does not.
    for (const member of from) {
      if (member === ms.self || !peers) continue;
      const r = await ask(member);
      if (r.ok && r.value !== undefined) return r.value;
    }
    return undefined;
  }

  return async (need: ViewNeed, local: boolean): Promise<EngineView> => {
    if (!isClustered(ms)) return engine;
    if (local) return new MergedView(engine, localGroups(), undefined);
    if (need.kind === "rule" && engine.rule(need.groupID, need.ruleID)) {
      return new MergedView(engine, localGroups(), undefined);
    }
    if (need.kind === "alert" && engine.alert(need.groupID, need.alertID)) {
      return new MergedView(engine, localGroups(), undefined);
    }
    if (need.kind === "notifiers") {
      const lists = [{ member: ms.self, self: true, groups: engine.notifiers() }];
      const answers = new Map<number, PeerResult<unknown>>();
      if (peers) {
        const results = await Promise.all(others.map((i) => peers.notifiers(i)));
        others.forEach((i, k) => {
          const r = results[k] as PeerResult<ApiNotifierGroup[]>;
          answers.set(i, r);
          if (r.ok) lists.push({ member: i, self: false, groups: r.value });
        });
      }
      const reported = new Set(localGroups().map((g) => g.id));
      // Groups are not asked for here: listing none as missing would be wrong, so none are.
      const st = status(answers, new Set([...cluster.placedGroups().keys(), ...reported]));
      return new MergedView(engine, localGroups(), st, { notifiers: mergeNotifiers(lists) });
    }
    const { groups, answers, from } = await mergedGroups();
    const st = status(answers, new Set(from.keys()));
    if (need.kind === "rule") {
      const rule = await detail(from.get(need.groupID) ?? [], (m) =>
        (peers as PeerClient).rule(m, need.groupID, need.ruleID),
      );
      return new MergedView(engine, groups, st, { rule });
    }
    if (need.kind === "alert") {
      const alert = await detail(from.get(need.groupID) ?? [], (m) =>
        (peers as PeerClient).alert(m, need.groupID, need.alertID),
      );
      return new MergedView(engine, groups, st, { alert });
    }
    return new MergedView(engine, groups, st);
  };
}
