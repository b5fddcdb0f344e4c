// This member's place in the cluster over time: the assignment of the running rule files, and what a new
// load changes (groups to restore, groups to hand off). The run mode asks it on start and on every reload.
import type { Logger } from "pino";
import type { EffectiveGroupConfig } from "../config/types.js";
import { type Assignment, assign, ownershipChange, ownersOf } from "./assign.js";
import { isClustered, type Membership } from "./membership.js";
import * as m from "./metrics.js";
import { groupKey, type PlacementUnitsFn } from "./units.js";

/** A placement computed from freshly loaded rule files, applied with commit() once the engine runs it. */
export interface ClusterPlan {
  assignment: Assignment<EffectiveGroupConfig>;
  /** The groups this member runs, in load order. */
  owned: EffectiveGroupConfig[];
  /** Groups that ran on another member and run here now: the engine restores their alerts. */
  restore(cfg: EffectiveGroupConfig): boolean;
  /** Groups that ran here and run on another member now: the engine hands them off. */
  handOff(cfg: EffectiveGroupConfig): boolean;
  gained: number;
  lost: number;
  commit(): void;
}

/** A group of the running rule files and the members that run it. */
export interface PlacedGroup {
  name: string;
  file: string;
  owners: number[];
}

export interface Cluster {
  readonly membership: Membership;
  /** The assignment of the running rule files; undefined before the first commit. */
  current(): Assignment | undefined;
  /** Every group of the running rule files by group ID (what the API shows as `id`). */
  placedGroups(): ReadonlyMap<string, PlacedGroup>;
  plan(groups: readonly EffectiveGroupConfig[]): ClusterPlan;
}

export interface ClusterOptions {
  /** The group ID the engine gives a group (src/rule's groupConfigID). */
  groupID(cfg: EffectiveGroupConfig): string;
  /** Placement units (default: linkedGroupUnits). */
  units?: PlacementUnitsFn;
}

function plural(n: number): string {
  return `${n} group${n === 1 ? "" : "s"}`;
}

export function createCluster(membership: Membership, logger: Logger, opts: ClusterOptions): Cluster {
  let current: Assignment<EffectiveGroupConfig> | undefined;
  let placed = new Map<string, PlacedGroup>();
  m.membersCount.set(membership.count);
  m.memberNum.set(membership.self);
  m.replicationFactor.set(membership.replication);
  return {
    membership,
    current: () => current,
    placedGroups: () => placed,
    plan(groups) {
      const next = assign(groups, membership, opts.units);
      const change = current ? ownershipChange(current, next) : { gained: new Set<string>(), lost: new Set<string>() };
      return {
        assignment: next,
        owned: next.owned,
        restore: (cfg) => change.gained.has(groupKey(cfg)),
        handOff: (cfg) => change.lost.has(groupKey(cfg)),
        gained: change.gained.size,
        lost: change.lost.size,
        commit() {
          const first = current === undefined;
          current = next;
          placed = new Map(
            groups.map((g) => [opts.groupID(g), { name: g.name, file: g.file, owners: [...ownersOf(next, g)] }]),
          );
          m.groupsTotal.set(groups.length);
          m.ownedGroups.set(next.owned.length);
          m.ownedRules.set(next.owned.reduce((n, g) => n + g.rules.length, 0));
          m.groupsGained.inc(change.gained.size);
          m.groupsLost.inc(change.lost.size);
          if (!isClustered(membership)) return;
          const counts = { groups: groups.length, owned: next.owned.length, units: next.units.length };
          if (first) {
            logger.info(
              { member: membership.self, members: membership.count, replication: membership.replication, ...counts },
              `cluster member ${membership.self} of ${membership.count}: runs ${counts.owned} of ${counts.groups} groups`,
            );
          } else if (change.gained.size > 0 || change.lost.size > 0) {
            logger.info(
              { gained: change.gained.size, lost: change.lost.size, ...counts },
              `cluster: ${plural(change.gained.size)} moved here (alerts restored), ${plural(change.lost.size)} moved to other members`,
            );
          }
        },
      };
    },
  };
}
