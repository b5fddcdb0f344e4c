// missing-metric: which metric names the datasource has seen lately, asked through the label values API
// (`/api/v1/label/__name__/values` with `match[]`), a few dozen names per request.
import type { Expr } from "../metricsql/index.js";
import type { HttpClient } from "../net/index.js";
import { selectorMetric, walk } from "./exprwalk.js";
import { finding } from "./finding.js";
import type { Finding, LintRule, MetricSource } from "./types.js";

const BATCH = 50;

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

function matchAny(names: readonly string[]): string {
  const alternatives = names.map(escapeRegex).join("|");
  return `{__name__=~${JSON.stringify(alternatives)}}`;
}

export interface MetricSourceOptions {
  /** The datasource base URL, as -datasource.url (the API path is appended). */
  url: string;
  /** How far back a series counts as existing, ms (default one day). */
  lookbackMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export function createMetricSource(client: HttpClient, opts: MetricSourceOptions): MetricSource {
  const base = opts.url.replace(/\/+$/, "");
  const lookback = opts.lookbackMs ?? 86_400_000;
  const now = opts.now ?? Date.now;
  const hours = lookback / 3_600_000;
  return {
    description: `${client.redact(base)}, last ${Number.isInteger(hours) ? `${hours}h` : `${lookback / 1000}s`}`,
    async existing(names) {
      const found = new Set<string>();
      const end = now() / 1000;
      for (let i = 0; i < names.length; i += BATCH) {
        const chunk = names.slice(i, i + BATCH);
        const q = new URLSearchParams({
          "match[]": matchAny(chunk),
          start: String(end - lookback / 1000),
          end: String(end),
        });
        const url = `${base}/api/v1/label/__name__/values?${q}`;
        const res = await client.request({ url, timeoutMs: opts.timeoutMs ?? 30_000, retryOnReset: true });
        const text = res.body.toString("utf8");
        if (res.status !== 200) {
          throw new Error(`GET ${client.redact(url)}: HTTP ${res.status}: ${client.scrub(text.slice(0, 500))}`);
        }
        let body: { status?: string; data?: unknown };
        try {
          body = JSON.parse(text);
        } catch {
          throw new Error(`GET ${client.redact(url)}: response is not JSON: ${client.scrub(text.slice(0, 200))}`);
        }
        if (body.status !== "success" || !Array.isArray(body.data)) {
          throw new Error(`GET ${client.redact(url)}: unexpected response: ${client.scrub(text.slice(0, 200))}`);
        }
        for (const n of body.data) if (typeof n === "string") found.add(n);
      }
      return found;
    },
  };
}

/** Warnings for metric names no loaded recording rule produces and the datasource does not have. */
export async function missingMetrics(rules: readonly LintRule[], source: MetricSource): Promise<Finding[]> {
  const recorded = new Set(rules.flatMap((r) => (r.rule.record ? [r.rule.record] : [])));
  const uses: { rule: LintRule; name: string; offset: number }[] = [];
  for (const r of rules) {
    if (!r.ast) continue;
    const seen = new Set<string>();
    // absent(x) over a missing x is what such a rule is for.
    const expected = new Set<Expr>();
    walk(r.ast, (e) => {
      if (e.type === "call" && (e.name === "absent" || e.name === "absent_over_time")) {
        for (const a of e.args) walk(a, (x) => expected.add(x));
      }
    });
    walk(r.ast, (e) => {
      if (e.type !== "selector" || expected.has(e)) return;
      const name = selectorMetric(e);
      if (name === undefined || recorded.has(name) || seen.has(name)) return;
      seen.add(name);
      uses.push({ rule: r, name, offset: e.pos.start });
    });
  }
  const names = [...new Set(uses.map((u) => u.name))].sort();
  if (names.length === 0) return [];
  const found = await source.existing(names);
  return uses
    .filter((u) => !found.has(u.name))
    .map((u) =>
      finding(
        u.rule,
        u.rule.at.expr(u.offset),
        `metric ${JSON.stringify(u.name)} has no series in the datasource (${source.description}): a typo, a renamed metric or a target that is not scraped; the selector returns nothing`,
      ),
    );
}
