// The filters of /api/v1/rules and /api/v1/alerts (README "HTTP API, web UI and /metrics"): parsed once from the query string,
// applied to the engine view's groups. The UI uses the same code, so a UI link equals an API query.
import { errorMessage } from "../errors.js";
import type { ApiAlert, ApiGroup, ApiRule } from "../rule/api.js";
import { BadRequest, bool, list, positiveInt } from "./params.js";
import { anySelectorMatches, parseSeriesSelector, type SeriesSelector } from "./selector.js";

export const RULE_STATES = ["ok", "nomatch", "inactive", "firing", "pending", "unhealthy"] as const;
export type RuleState = (typeof RULE_STATES)[number];

const GRAFANA_ALIASES: Record<string, RuleState | null> = {
  nodata: "nomatch",
  normal: "inactive",
  error: "unhealthy",
  // Grafana's "recovering" has no vmalert counterpart: it matches nothing.
  recovering: null,
};

export const DATASOURCE_TYPES = ["prometheus", "graphite", "vlogs"];

export interface CommonFilter {
  datasourceType?: string;
  groupNames: string[];
  files: string[];
  matchers: SeriesSelector[];
}

export interface RulesFilter extends CommonFilter {
  ruleNames: string[];
  type?: "alerting" | "recording";
  /** undefined = no state filter; an empty set = a filter that matches nothing (only unknowable aliases). */
  states?: Set<RuleState>;
  excludeAlerts: boolean;
  extendedStates: boolean;
  search: string;
  groupLimit?: number;
  pageNum?: number;
  nextToken?: string;
}

function parseCommon(q: URLSearchParams): CommonFilter {
  const ds = q.get("datasource_type") ?? "";
  if (ds !== "" && !DATASOURCE_TYPES.includes(ds))
    throw new BadRequest(
      `unsupported datasource_type ${JSON.stringify(ds)}; want one of ${DATASOURCE_TYPES.join(", ")}`,
    );
  let matchers: SeriesSelector[];
  try {
    matchers = list(q, "match").map(parseSeriesSelector);
  } catch (err) {
    throw new BadRequest(`bad match[]: ${errorMessage(err)}`);
  }
  return { datasourceType: ds || undefined, groupNames: list(q, "rule_group"), files: list(q, "file"), matchers };
}

function parseStates(raw: string[]): Set<RuleState> | undefined {
  const items = raw
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (items.length === 0) return undefined;
  const out = new Set<RuleState>();
  for (const item of items) {
    const l = item.toLowerCase();
    if ((RULE_STATES as readonly string[]).includes(l)) {
      out.add(l as RuleState);
      continue;
    }
    if (l in GRAFANA_ALIASES) {
      const alias = GRAFANA_ALIASES[l];
      if (alias) out.add(alias);
      continue;
    }
    throw new BadRequest(
      `invalid state ${JSON.stringify(item)}; want one of ${RULE_STATES.join(", ")} (or Grafana's noData, normal, error, recovering)`,
    );
  }
  return out;
}

export function parseRulesFilter(q: URLSearchParams): RulesFilter {
  const common = parseCommon(q);
  const typ = q.get("type") ?? "";
  if (typ !== "" && typ !== "alert" && typ !== "record")
    throw new BadRequest(`invalid parameter "type" ${JSON.stringify(typ)}: want "alert" or "record"`);
  const groupLimit = positiveInt(q, "group_limit");
  const pageNum = positiveInt(q, "page_num");
  if (pageNum !== undefined && groupLimit === undefined)
    throw new BadRequest(`parameter "page_num" needs "group_limit"`);
  const nextToken = q.get("group_next_token") || undefined;
  if (nextToken !== undefined && groupLimit === undefined)
    throw new BadRequest(`parameter "group_next_token" needs "group_limit"`);
  if (nextToken !== undefined && pageNum !== undefined)
    throw new BadRequest(`parameters "page_num" and "group_next_token" are mutually exclusive`);
  return {
    ...common,
    ruleNames: list(q, "rule_name"),
    type: typ === "alert" ? "alerting" : typ === "record" ? "recording" : undefined,
    states: parseStates([...list(q, "state"), ...list(q, "filter")]),
    excludeAlerts: bool(q, "exclude_alerts"),
    extendedStates: bool(q, "extended_states"),
    search: (q.get("search") ?? "").trim().toLowerCase(),
    groupLimit,
    pageNum,
    nextToken,
  };
}

export function parseAlertsFilter(q: URLSearchParams): CommonFilter {
  return parseCommon(q);
}

/** alerting: firing > pending > inactive; recording: "". */
export function baseState(rule: ApiRule): string {
  if (rule.type === "recording") return "";
  const alerts = rule.alerts ?? [];
  if (alerts.some((a) => a.state === "firing")) return "firing";
  if (alerts.some((a) => a.state === "pending")) return "pending";
  return rule.state === "firing" || rule.state === "pending" ? rule.state : "inactive";
}

/** vmalert's extended states: rules without active alerts are unhealthy, nomatch, inactive or ok. */
export function extendedState(rule: ApiRule): RuleState {
  const base = baseState(rule);
  if (base === "firing" || base === "pending") return base;
  if (rule.health !== "ok") return "unhealthy";
  if (rule.lastSamples === 0 && (rule.lastSeriesFetched ?? 0) === 0) return "nomatch";
  return rule.type === "alerting" ? "inactive" : "ok";
}

export function commonGroupMatch(f: CommonFilter, g: ApiGroup): boolean {
  if (f.datasourceType && g.type !== f.datasourceType) return false;
  if (f.groupNames.length > 0 && !f.groupNames.includes(g.name)) return false;
  if (f.files.length > 0 && !f.files.includes(g.file)) return false;
  return true;
}

export function sortGroups(groups: ApiGroup[]): ApiGroup[] {
  return [...groups].sort((a, b) =>
    a.name === b.name ? (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) : a.name < b.name ? -1 : 1,
  );
}

export interface OutGroup extends ApiGroup {
  states: Record<string, number>;
}

function ruleMatches(f: RulesFilter, r: ApiRule, groupSearchHit: boolean): boolean {
  if (f.type && r.type !== f.type) return false;
  if (f.ruleNames.length > 0 && !f.ruleNames.includes(r.name)) return false;
  if (!anySelectorMatches(f.matchers, r.labels ?? {})) return false;
  if (f.states && !f.states.has(extendedState(r))) return false;
  if (f.search && !groupSearchHit && !r.name.toLowerCase().includes(f.search)) return false;
  return true;
}

function outRule(f: RulesFilter, r: ApiRule): ApiRule {
  const out: ApiRule = { ...r, state: f.extendedStates ? extendedState(r) : baseState(r) };
  delete out.updates;
  const active = (r.alerts ?? []).filter((a) => a.state !== "inactive");
  // omitempty, as vmalert
  if (f.excludeAlerts || active.length === 0) delete out.alerts;
  else out.alerts = active;
  if (out.lastSeriesFetched === undefined || out.lastSeriesFetched === null) delete out.lastSeriesFetched;
  if (out.annotations && Object.keys(out.annotations).length === 0) delete out.annotations;
  return out;
}

/** Filtered groups in API order; groups whose rules all got filtered out are dropped. */
export function filterGroups(groups: ApiGroup[], f: RulesFilter): OutGroup[] {
  const ruleFiltered =
    f.type !== undefined ||
    f.ruleNames.length > 0 ||
    f.matchers.length > 0 ||
    f.states !== undefined ||
    f.search !== "";
  const out: OutGroup[] = [];
  for (const g of sortGroups(groups)) {
    if (!commonGroupMatch(f, g)) continue;
    const searchHit =
      f.search !== "" && (g.name.toLowerCase().includes(f.search) || g.file.toLowerCase().includes(f.search));
    const matched = g.rules.filter((r) => ruleMatches(f, r, searchHit));
    if (ruleFiltered && g.rules.length > 0 && matched.length === 0) continue;
    // Counted before exclude_alerts strips the alerts the states derive from.
    const states: Record<string, number> = {};
    for (const r of matched) {
      const s = extendedState(r);
      states[s] = (states[s] ?? 0) + 1;
    }
    out.push({ ...g, rules: matched.map((r) => outRule(f, r)), states });
  }
  return out;
}

export interface Page {
  groups: OutGroup[];
  page?: number;
  totalPages?: number;
  totalGroups?: number;
  totalRules?: number;
  nextToken?: string;
}

/** `group_limit` with `page_num` (1-based) or with the `group_next_token` cursor (the next group's id). */
export function paginate(groups: OutGroup[], f: RulesFilter): Page {
  if (f.groupLimit === undefined) return { groups };
  const limit = f.groupLimit;
  const totalGroups = groups.length;
  const totalRules = groups.reduce((n, g) => n + g.rules.length, 0);
  const totalPages = Math.max(1, Math.ceil(totalGroups / limit));
  let start: number;
  if (f.nextToken !== undefined) {
    start = groups.findIndex((g) => g.id === f.nextToken);
    if (start < 0) throw new BadRequest(`invalid group_next_token ${JSON.stringify(f.nextToken)}: no such group`);
  } else {
    const page = f.pageNum ?? 1;
    if (page > totalPages) throw new BadRequest(`page_num ${page} is out of range: there are ${totalPages} pages`);
    start = (page - 1) * limit;
  }
  const slice = groups.slice(start, start + limit);
  const next = groups[start + limit];
  return {
    groups: slice,
    page: Math.floor(start / limit) + 1,
    totalPages,
    totalGroups,
    totalRules,
    nextToken: next?.id,
  };
}

/** Active (pending or firing) alerts of the groups passing the filter, sorted by id string. */
export function filterAlerts(groups: ApiGroup[], f: CommonFilter): ApiAlert[] {
  const out: ApiAlert[] = [];
  for (const g of groups) {
    if (!commonGroupMatch(f, g)) continue;
    for (const r of g.rules) {
      for (const a of r.alerts ?? []) {
        if (a.state === "inactive") continue;
        if (!anySelectorMatches(f.matchers, a.labels)) continue;
        out.push(a);
      }
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
