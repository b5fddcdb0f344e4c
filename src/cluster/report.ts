// The assignment as `-dryRun` and `tsalert lint --shards N` print it: the load of each member, then every
// group with its members, in load order.
import type { GroupConfig } from "../config/types.js";
import { type Assignment, memberLoads, ownersOf } from "./assign.js";
import { groupKey } from "./units.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Lines without trailing newlines. */
export function assignmentLines(a: Assignment, groups: readonly GroupConfig[]): string[] {
  const { count, replication } = a.membership;
  const out = [
    `placement on ${plural(count, "member")}, replication factor ${replication}: ${plural(groups.length, "group")} in ${plural(a.units.length, "placement unit")}`,
  ];
  for (const l of memberLoads(a, groups)) {
    out.push(`  member ${l.member}: ${plural(l.groups, "group")}, ${plural(l.rules, "rule")}`);
  }
  const unitSize = new Map(a.units.map((u) => [u.key, u.groups.length]));
  for (const g of groups) {
    const owners = ownersOf(a, g);
    const size = unitSize.get(a.unitOf.get(groupKey(g)) ?? "") ?? 1;
    const together = size > 1 ? ` (placed with ${plural(size - 1, "other group")} it shares rules with)` : "";
    out.push(
      `  ${g.file}: group ${JSON.stringify(g.name)}: ${owners.length === 1 ? "member" : "members"} ${owners.join(", ")}${together}`,
    );
  }
  return out;
}

export interface AssignmentJSON {
  members: number;
  replicationFactor: number;
  units: number;
  loads: { member: number; groups: number; rules: number }[];
  groups: { file: string; name: string; members: number[]; unit: string }[];
}

export function assignmentJSON(a: Assignment, groups: readonly GroupConfig[]): AssignmentJSON {
  return {
    members: a.membership.count,
    replicationFactor: a.membership.replication,
    units: a.units.length,
    loads: memberLoads(a, groups),
    groups: groups.map((g) => ({
      file: g.file,
      name: g.name,
      members: [...ownersOf(a, g)],
      unit: a.unitOf.get(groupKey(g)) ?? groupKey(g),
    })),
  };
}
