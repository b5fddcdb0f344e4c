// The rule dependency graph, built once per (re)load from the loaded groups (README "The rule dependency
// graph"). Rule B depends on rule A when one of B's selectors can match a series A writes. Within a group
// the graph keeps the order the file gives between a producer and its readers; across groups with
// compatible schedules the reader's group waits for the producer's; cycles are reported.
import type { EffectiveGroupConfig } from "../config/types.js";
import { cycleThrough, cyclicComponents } from "./cycles.js";
import { type KnownLabels, outputName, ruleOutputs } from "./outputs.js";
import { mayMatch, type ReadAlternative, type RuleReads, ruleReads } from "./reads.js";
import type {
  GraphCycle,
  GraphOptions,
  GroupPlan,
  RuleGraph,
  RuleRef,
  UnorderedEdge,
  UnorderedReason,
} from "./types.js";

export { cycleProblems, describeCycle, describeUnordered, ruleLabel } from "./describe.js";
export type * from "./types.js";

/**
 * Matcher checks a group may spend on selectors without a metric name and on rules that read anything:
 * a few hundred milliseconds at most; a group of 2,000 rules that all select `{job="x"}` fits.
 */
export const MAX_GROUP_WORK = 4_000_000;
/** Matcher checks all `__name__=~"..."` selectors together may spend against every output name. */
const MAX_NAME_SCAN_WORK = 4_000_000;

interface Node {
  ref: RuleRef;
  outputs: KnownLabels[];
  reads: RuleReads;
}

export function buildRuleGraph(groups: readonly EffectiveGroupConfig[], opts: GraphOptions = {}): RuleGraph {
  const settings = {
    externalLabels: opts.externalLabels ?? {},
    disableAlertgroupLabel: opts.disableAlertgroupLabel ?? false,
  };
  const maxGroupWork = opts.maxGroupWork ?? MAX_GROUP_WORK;
  const nodes: Node[] = [];
  const firstNode: number[] = [];
  groups.forEach((g, gi) => {
    firstNode.push(nodes.length);
    g.rules.forEach((r, ri) => {
      nodes.push({ ref: { group: gi, rule: ri }, outputs: ruleOutputs(g, r, settings), reads: ruleReads(g, r) });
    });
  });
  const byName = new Map<string, Array<{ id: number; out: KnownLabels }>>();
  nodes.forEach((n, id) => {
    for (const out of n.outputs) {
      const name = outputName(out);
      const list = byName.get(name);
      if (list) list.push({ id, out });
      else byName.set(name, [{ id, out }]);
    }
  });

  // flow[r]: the rules r reads (producers), deduplicated (seen[p] === r), without r itself.
  const flow: number[][] = nodes.map(() => []);
  const seen = new Int32Array(nodes.length).fill(-1);
  // The producers a reader names (by metric name or `__name__` matcher), not only possibly reads: lint
  // reports an order problem only for these, not for every rule a `query` template might read.
  const named: Set<number>[] = nodes.map(() => new Set<number>());
  const plans: GroupPlan[] = groups.map((g) => emptyPlan(g.rules.length));
  let nameScanWork = 0;
  groups.forEach((g, gi) => {
    const first = firstNode[gi];
    const size = g.rules.length;
    let work = 0;
    let over = false;
    for (let ri = 0; ri < size; ri++) {
      const id = first + ri;
      const { reads } = nodes[id];
      const into = flow[id];
      const add = (p: number) => {
        if (seen[p] === id || p === id) return;
        seen[p] = id;
        into.push(p);
      };
      const groupScan = (alt: ReadAlternative | null) => {
        if (over) return;
        for (let j = first; j < first + size; j++) {
          if (j === id) continue;
          const outs = nodes[j].outputs;
          work += outs.length;
          if (alt === null || outs.some((o) => mayMatch(alt, o))) add(j);
        }
      };
      if (reads.anything) groupScan(null);
      for (const alt of reads.alternatives) {
        if (alt.name !== undefined) {
          for (const p of byName.get(alt.name) ?? []) {
            if (p.id !== id && mayMatch(alt, p.out)) {
              add(p.id);
              named[id].add(p.id);
            }
          }
        } else if (alt.namesMetric && nameScanWork < MAX_NAME_SCAN_WORK) {
          for (const list of byName.values()) {
            nameScanWork += list.length;
            for (const p of list) {
              if (p.id !== id && mayMatch(alt, p.out)) {
                add(p.id);
                named[id].add(p.id);
              }
            }
          }
        } else {
          // No metric name (or the name scans used up their budget): conservatively, every rule of the
          // group that could match; other groups are not tied to it.
          groupScan(alt);
        }
      }
      if (work > maxGroupWork && !over) {
        // Named selectors still give edges (for the API and other groups); the order inside is the file's.
        over = true;
        plans[gi] = sequentialPlan(
          size,
          `its selectors without a metric name need more than ${maxGroupWork} matcher checks against the group's rules`,
        );
      }
    }
  });

  const dependsOn: RuleRef[][][] = groups.map((g) => g.rules.map(() => []));
  const usedBy: RuleRef[][][] = groups.map((g) => g.rules.map(() => []));
  const unordered: UnorderedEdge[] = [];
  const groupEdgeSet = new Map<string, [number, number]>();
  const edges: number[][] = nodes.map(() => []);
  nodes.forEach((reader, rid) => {
    const producers = flow[rid].sort((a, b) => a - b);
    for (const pid of producers) {
      const producer = nodes[pid];
      edges[pid].push(rid);
      dependsOn[reader.ref.group][reader.ref.rule].push(producer.ref);
      usedBy[producer.ref.group][producer.ref.rule].push(reader.ref);
      const gr = reader.ref.group;
      const gp = producer.ref.group;
      if (gr === gp) {
        const plan = plans[gr];
        if (plan.sequential) continue;
        if (pid < rid) {
          plan.startAfter[reader.ref.rule].push(producer.ref.rule);
          plan.flushAfter[producer.ref.rule] = true;
        } else {
          plan.pushAfter[producer.ref.rule].push(reader.ref.rule);
          if (named[rid].has(pid))
            unordered.push({ reader: reader.ref, producer: producer.ref, reason: "later-in-group" });
        }
        continue;
      }
      const why = crossGroupOrder(groups[gp], groups[gr]);
      if (why) unordered.push({ reader: reader.ref, producer: producer.ref, reason: why });
      else groupEdgeSet.set(`${gp}:${gr}`, [gp, gr]);
    }
  });
  for (const n of usedBy.flat()) n.sort(byRef);

  const cycles: GraphCycle[] = cyclicComponents(nodes.length, edges).map((comp) => ({
    rules: cycleThrough(comp[0], new Set(comp), edges).map((id) => nodes[id].ref),
  }));

  // Groups on a cycle of group edges do not wait for each other: each would wait for the other.
  const groupAdj: number[][] = groups.map(() => []);
  for (const [gp, gr] of groupEdgeSet.values()) groupAdj[gp].push(gr);
  const inCycle = new Map<number, number>();
  cyclicComponents(groups.length, groupAdj).forEach((comp, ci) => {
    for (const g of comp) inCycle.set(g, ci);
  });
  const groupEdges: Array<[number, number]> = [];
  for (const [gp, gr] of groupEdgeSet.values()) {
    const c = inCycle.get(gp);
    if (c !== undefined && c === inCycle.get(gr)) {
      markCycleEdges(unordered, nodes, flow, gp, gr);
      continue;
    }
    groupEdges.push([gp, gr]);
    plans[gr].upstream.push(gp);
  }
  for (const p of plans) p.upstream.sort((a, b) => a - b);
  return { plans, dependsOn, usedBy, cycles, unordered, groupEdges };
}

function byRef(a: RuleRef, b: RuleRef): number {
  return a.group - b.group || a.rule - b.rule;
}

function emptyPlan(size: number): GroupPlan {
  return {
    startAfter: Array.from({ length: size }, () => []),
    pushAfter: Array.from({ length: size }, () => []),
    flushAfter: new Array<boolean>(size).fill(false),
    upstream: [],
  };
}

/** File order with a flush after every rule: what a group ran before the graph. */
function sequentialPlan(size: number, why: string): GroupPlan {
  const p = emptyPlan(size);
  for (let i = 1; i < size; i++) p.startAfter[i].push(i - 1);
  p.flushAfter.fill(true);
  p.sequential = why;
  return p;
}

function markCycleEdges(unordered: UnorderedEdge[], nodes: Node[], flow: number[][], gp: number, gr: number): void {
  nodes.forEach((reader, rid) => {
    if (reader.ref.group !== gr) return;
    for (const pid of flow[rid]) {
      if (nodes[pid].ref.group === gp)
        unordered.push({ reader: reader.ref, producer: nodes[pid].ref, reason: "cycle" });
    }
  });
}

/** The schedule facts that decide a group's evaluation timestamps (the loader applied the defaults). */
export function groupSchedule(g: EffectiveGroupConfig) {
  return {
    interval: g.effective.interval,
    cron: g.cron,
    evalOffset: g.evalOffset,
    evalDelay: g.effective.evalDelay,
    evalAlignment: g.effective.evalAlignment,
  };
}

/**
 * Null when the reader's group can wait for the producer's iteration of the same evaluation time:
 * both on intervals (no cron), the reader's interval a multiple of the producer's, the same offset,
 * delay and alignment, so both compute the same evaluation timestamps.
 */
function crossGroupOrder(producer: EffectiveGroupConfig, reader: EffectiveGroupConfig): UnorderedReason | null {
  const p = groupSchedule(producer);
  const r = groupSchedule(reader);
  if (p.cron !== undefined || r.cron !== undefined) return "other-schedule";
  if (p.interval > r.interval) return "longer-interval";
  if (r.interval % p.interval !== 0) return "other-schedule";
  if (p.evalOffset !== r.evalOffset || p.evalDelay !== r.evalDelay || p.evalAlignment !== r.evalAlignment) {
    return "other-schedule";
  }
  // Unaligned timestamps follow each group's own start: two groups never share one.
  if (!p.evalAlignment && p.evalOffset === undefined) return "other-schedule";
  return null;
}
