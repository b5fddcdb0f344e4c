// Which member runs which group: placement units scored by rendezvous hashing over the members. Every
// member computes the same assignment from the same rule files and flags, so no coordinator is needed.
import type { GroupConfig } from "../config/types.js";
import { isClustered, type Membership } from "./membership.js";
import { rendezvousOwners } from "./rendezvous.js";
import { type GroupRef, groupKey, linkedGroupUnits, type PlacementUnit, type PlacementUnitsFn } from "./units.js";

/** `G`: the group type placed; the run mode places the loader's groups, so `owned` goes to the engine as is. */
export interface Assignment<G extends GroupConfig = GroupConfig> {
  membership: Membership;
  units: PlacementUnit[];
  /** Owners of every group by groupKey(), best score first. */
  owners: ReadonlyMap<string, readonly number[]>;
  /** The unit key of every group by groupKey(). */
  unitOf: ReadonlyMap<string, string>;
  /** The groups this member runs, in load order. */
  owned: G[];
}

/**
 * Places `groups` on the members. Without clustering (one member) every group is owned and no expression
 * is parsed. `units` groups linked groups together (default: linkedGroupUnits).
 */
export function assign<G extends GroupConfig>(
  groups: readonly G[],
  membership: Membership,
  units: PlacementUnitsFn = linkedGroupUnits,
): Assignment<G> {
  const clustered = isClustered(membership);
  const list = clustered ? units(groups) : groups.map((g) => ({ key: groupKey(g), groups: [g] }));
  const owners = new Map<string, readonly number[]>();
  const unitOf = new Map<string, string>();
  for (const u of list) {
    const who = clustered ? rendezvousOwners(u.key, membership.count, membership.replication) : [0];
    for (const g of u.groups) {
      const k = groupKey(g);
      owners.set(k, who);
      unitOf.set(k, u.key);
    }
  }
  const owned = groups.filter((g) => owners.get(groupKey(g))?.includes(membership.self) ?? true);
  return { membership, units: list, owners, unitOf, owned };
}

/** The owners of one group; [] for a group the assignment does not know. */
export function ownersOf(a: Assignment, g: GroupRef): readonly number[] {
  return a.owners.get(groupKey(g)) ?? [];
}

/** How the owned set changes from `before` to `after` (group keys): what to restore and what to hand off. */
export function ownershipChange(before: Assignment, after: Assignment): { gained: Set<string>; lost: Set<string> } {
  const was = new Set(before.owned.map(groupKey));
  const now = new Set(after.owned.map(groupKey));
  const known = new Set(before.owners.keys());
  // A group new to the rule files starts as vmalert starts new groups (no restore): only groups that ran
  // elsewhere before are gained.
  const gained = new Set([...now].filter((k) => !was.has(k) && known.has(k)));
  const stillKnown = new Set(after.owners.keys());
  // A group gone from the rule files is removed as vmalert removes it; only groups that run elsewhere now
  // are lost.
  const lost = new Set([...was].filter((k) => !now.has(k) && stillKnown.has(k)));
  return { gained, lost };
}

export interface MemberLoad {
  member: number;
  groups: number;
  rules: number;
}

/** Groups and rules each member runs (replicas counted on each of their members). */
export function memberLoads(a: Assignment, groups: readonly GroupConfig[]): MemberLoad[] {
  const loads: MemberLoad[] = Array.from({ length: a.membership.count }, (_, member) => ({
    member,
    groups: 0,
    rules: 0,
  }));
  for (const g of groups) {
    for (const m of ownersOf(a, g)) {
      const l = loads[m] as MemberLoad;
      l.groups++;
      l.rules += g.rules.length;
    }
  }
  return loads;
}
