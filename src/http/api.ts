// The JSON API (README "HTTP API, web UI and /metrics"): rules, alerts, notifiers, and single alert/rule/group lookups.
import type { EngineView } from "../rule/api.js";
import {
  filterAlerts,
  filterGroups,
  paginate,
  parseAlertsFilter,
  parseRulesFilter,
  type RulesFilter,
} from "./filters.js";
import { BadRequest, id } from "./params.js";
import { json, jsonError, jsonList, type Reply } from "./reply.js";

export function rulesResponse(view: EngineView, q: URLSearchParams): Reply {
  const f = parseRulesFilter(q);
  const page = paginate(filterGroups(view.groups(), f), f);
  const data: Record<string, unknown> = { groups: page.groups };
  if (f.groupLimit !== undefined) {
    data.page = page.page;
    data.total_pages = page.totalPages;
    data.total_groups = page.totalGroups;
    data.total_rules = page.totalRules;
    // Prometheus' name for the cursor, so its clients page through us too.
    if (page.nextToken) data.groupNextToken = page.nextToken;
  }
  return jsonList(200, { status: "success", data: withCluster(view, data) }, page.groups);
}

/** tsalert extension: a merged answer of a cluster says which members it covers (`data.cluster`). */
function withCluster(view: EngineView, data: Record<string, unknown>): Record<string, unknown> {
  const cluster = view.cluster?.();
  return cluster ? { ...data, cluster } : data;
}

export function alertsResponse(view: EngineView, q: URLSearchParams): Reply {
  const alerts = filterAlerts(view.groups(), parseAlertsFilter(q));
  return jsonList(200, { status: "success", data: withCluster(view, { alerts }) }, alerts);
}

export function notifiersResponse(view: EngineView): Reply {
  return json(200, { status: "success", data: withCluster(view, { notifiers: view.notifiers() }) });
}

export function alertResponse(view: EngineView, q: URLSearchParams): Reply {
  const gid = id(q, "group_id");
  const aid = id(q, "alert_id");
  const alert = view.alert(gid, aid);
  if (!alert) return jsonError(404, `alert ${aid} in group ${gid} not found`);
  return json(200, alert);
}

export function ruleResponse(view: EngineView, q: URLSearchParams): Reply {
  const gid = id(q, "group_id");
  const rid = id(q, "rule_id");
  const rule = view.rule(gid, rid);
  if (!rule) return jsonError(404, `rule ${rid} in group ${gid} not found`);
  return json(200, { ...rule, updates: rule.updates ?? [] });
}

const ALL: RulesFilter = {
  groupNames: [],
  files: [],
  matchers: [],
  ruleNames: [],
  excludeAlerts: false,
  extendedStates: false,
  search: "",
};

export function groupResponse(view: EngineView, q: URLSearchParams): Reply {
  const gid = id(q, "group_id");
  const group = filterGroups(
    view.groups().filter((g) => g.id === gid),
    ALL,
  )[0];
  if (!group) return jsonError(404, `group ${gid} not found`);
  return json(200, group);
}

/** JSON routes by path below the prefix (`/api/v1/X` and `/vmalert/api/v1/X`). */
export function apiRoute(path: string, view: EngineView, q: URLSearchParams): Reply | undefined {
  const m = /^(?:\/vmalert)?\/api\/v1\/(rules|alerts|notifiers|alert|rule|group)$/.exec(path);
  if (!m) return undefined;
  try {
    switch (m[1]) {
      case "rules":
        return rulesResponse(view, q);
      case "alerts":
        return alertsResponse(view, q);
      case "notifiers":
        return notifiersResponse(view);
      case "alert":
        return alertResponse(view, q);
      case "rule":
        return ruleResponse(view, q);
      default:
        return groupResponse(view, q);
    }
  } catch (err) {
    if (err instanceof BadRequest) return jsonError(err.status, err.message);
    throw err;
  }
}
