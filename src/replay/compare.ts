// `tsalert replay --compare OLD NEW`: replays the alerting rules of two rule sets over the same past
// range (nothing is written anywhere) and reports the alerts that would have fired differently.
import type { EffectiveGroupConfig } from "../config/types.js";
import { createMemoryWriter } from "../remotewrite/memory.js";
import type { ReplayOptions } from "./options.js";
import { type ReplayDeps, replay } from "./replay.js";

export interface FiringHistory {
  alertname: string;
  /** Alert labels without __name__ and alertstate. */
  labels: Record<string, string>;
  /** Timestamps (ms) the alert was firing at, ascending. */
  firing: number[];
}

export interface AlertDifference {
  kind: "only-old" | "only-new" | "changed";
  key: string;
  old?: FiringHistory;
  new?: FiringHistory;
}

function keyOf(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(", ");
}

/** Keeps alerting rules only: recorded series are read from the datasource as they are. */
function alertingOnly(groups: EffectiveGroupConfig[]): EffectiveGroupConfig[] {
  return groups
    .map((g) => ({ ...g, rules: g.rules.filter((r) => r.alert !== undefined) }))
    .filter((g) => g.rules.length > 0);
}

/** Replays the alerting rules of `groups` into memory; returns each alert's firing timestamps. */
export async function firingHistory(
  groups: EffectiveGroupConfig[],
  opts: ReplayOptions,
  deps: Omit<ReplayDeps, "writer" | "print" | "progress">,
): Promise<Map<string, FiringHistory>> {
  const mem = createMemoryWriter();
  await replay(alertingOnly(groups), { ...opts, rulesDelay: 0, disableProgressBar: true }, { ...deps, writer: mem });
  const out = new Map<string, FiringHistory>();
  for (const s of mem.named("ALERTS")) {
    const labels: Record<string, string> = {};
    let state = "";
    for (const l of s.labels) {
      if (l.name === "alertstate") state = l.value;
      else if (l.name !== "__name__") labels[l.name] = l.value;
    }
    if (state !== "firing") continue;
    const key = keyOf(labels);
    let h = out.get(key);
    if (!h) {
      h = { alertname: labels.alertname ?? "", labels, firing: [] };
      out.set(key, h);
    }
    for (const p of s.samples) if (!p.stale && p.value === 1) h.firing.push(p.timestamp);
  }
  for (const h of out.values()) h.firing = [...new Set(h.firing)].sort((a, b) => a - b);
  for (const [k, h] of out) if (h.firing.length === 0) out.delete(k);
  return out;
}

export function diffHistories(oldH: Map<string, FiringHistory>, newH: Map<string, FiringHistory>): AlertDifference[] {
  const out: AlertDifference[] = [];
  for (const [key, o] of oldH) {
    const n = newH.get(key);
    if (!n) out.push({ kind: "only-old", key, old: o });
    else if (o.firing.length !== n.firing.length || o.firing.some((t, i) => t !== n.firing[i])) {
      out.push({ kind: "changed", key, old: o, new: n });
    }
  }
  for (const [key, n] of newH) if (!oldH.has(key)) out.push({ kind: "only-new", key, new: n });
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** Firing timestamps folded into spans `from..to (n evaluations)` given the step. */
function spans(ts: number[], step: number): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ts.length) {
    let j = i;
    while (j + 1 < ts.length && ts[j + 1] - ts[j] <= step) j++;
    parts.push(i === j ? iso(ts[i]) : `${iso(ts[i])}..${iso(ts[j])}`);
    i = j + 1;
  }
  return `${parts.join(", ")} (${ts.length} evaluations)`;
}

export function formatDifferences(diffs: AlertDifference[], step: number): string {
  if (diffs.length === 0) return "no difference: every alert would have fired at the same evaluations\n";
  const lines: string[] = [];
  for (const d of diffs) {
    const h = (d.old ?? d.new) as FiringHistory;
    const name = `${h.alertname}{${d.key}}`;
    if (d.kind === "only-old") lines.push(`- ${name}\n    fired only with OLD: ${spans(d.old?.firing ?? [], step)}`);
    else if (d.kind === "only-new")
      lines.push(`+ ${name}\n    fired only with NEW: ${spans(d.new?.firing ?? [], step)}`);
    else {
      lines.push(
        `~ ${name}\n    OLD: ${spans(d.old?.firing ?? [], step)}\n    NEW: ${spans(d.new?.firing ?? [], step)}`,
      );
    }
  }
  const n = (k: AlertDifference["kind"]) => diffs.filter((d) => d.kind === k).length;
  lines.push(
    `\n${diffs.length} alerts differ: ${n("only-old")} only with OLD, ${n("only-new")} only with NEW, ${n("changed")} fired at different times`,
  );
  return `${lines.join("\n")}\n`;
}
