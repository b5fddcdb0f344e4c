// The shapes of other members' answers, checked before anything is merged or shown. A peer is another
// process on the network: its answer may be garbage, hostile or from a different version, so every field
// the API and the UI read is checked for its type, IDs must be decimal, and fields this version does not
// know are dropped rather than passed on.
import { Ajv, type ValidateFunction } from "ajv";
import type { ApiAlert, ApiGroup, ApiNotifierGroup, ApiRule } from "../rule/api.js";
import { MAX_MEMBERS } from "./membership.js";

const str = { type: "string" } as const;
const num = { type: "number" } as const;
const bool = { type: "boolean" } as const;
const id = { type: "string", pattern: "^[0-9]{1,20}$" } as const;
const strMap = { type: "object", additionalProperties: str } as const;
const strList = { type: "array", items: str } as const;

const alert = {
  type: "object",
  additionalProperties: false,
  required: ["state", "name", "value", "labels", "annotations", "activeAt", "id", "rule_id", "group_id"],
  properties: {
    state: { enum: ["pending", "firing", "inactive"] },
    name: str,
    value: str,
    labels: strMap,
    annotations: strMap,
    activeAt: str,
    id,
    rule_id: id,
    group_id: id,
    expression: str,
    source: str,
    restored: bool,
    stabilizing: bool,
  },
} as const;

const stateEntry = {
  type: "object",
  additionalProperties: false,
  required: ["time", "at", "duration", "samples"],
  properties: {
    time: str,
    at: str,
    duration: num,
    error: { type: ["string", "null"] },
    samples: num,
    series_fetched: { type: ["number", "null"] },
    curl: str,
    state: str,
  },
} as const;

const rule = {
  type: "object",
  additionalProperties: false,
  required: ["state", "name", "query", "health", "type", "id", "group_id", "lastEvaluation"],
  properties: {
    state: { enum: ["", "firing", "pending", "inactive", "ok", "nomatch", "unhealthy"] },
    name: str,
    query: str,
    duration: num,
    keep_firing_for: num,
    labels: strMap,
    annotations: strMap,
    lastError: str,
    evaluationTime: num,
    lastEvaluation: str,
    alerts: { type: "array", items: alert },
    health: { enum: ["ok", "err"] },
    type: { enum: ["alerting", "recording"] },
    datasourceType: str,
    lastSamples: num,
    lastSeriesFetched: { type: ["number", "null"] },
    id,
    group_id: id,
    group_name: str,
    file: str,
    debug: bool,
    max_updates_entries: num,
    updates: { type: "array", items: stateEntry },
  },
} as const;

const group = {
  type: "object",
  additionalProperties: false,
  required: ["name", "rules", "interval", "lastEvaluation", "type", "id", "file"],
  properties: {
    name: str,
    rules: { type: "array", items: rule },
    interval: num,
    lastEvaluation: str,
    type: str,
    id,
    file: str,
    concurrency: num,
    params: strList,
    headers: strList,
    notifier_headers: strList,
    labels: strMap,
    eval_offset: num,
    eval_delay: num,
    cron: str,
    owners: { type: "array", maxItems: MAX_MEMBERS, items: { type: "integer", minimum: 0, maximum: MAX_MEMBERS } },
  },
} as const;

const notifierGroup = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "targets"],
  properties: {
    kind: { enum: ["static", "consulSD", "DNSSD", "blackhole"] },
    targets: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["address"],
        properties: { address: str, labels: strMap, lastError: str },
      },
    },
  },
} as const;

function envelope(key: string, item: object): object {
  return {
    type: "object",
    required: ["status", "data"],
    properties: {
      status: { const: "success" },
      data: {
        type: "object",
        required: [key],
        properties: { [key]: { type: "array", items: item } },
      },
    },
  };
}

// removeAdditional drops what `additionalProperties: false` does not list, so unknown fields never travel on.
const ajv = new Ajv({ removeAdditional: true, allErrors: false, strict: false });
let compiled: Record<string, ValidateFunction> | undefined;
function validators(): Record<string, ValidateFunction> {
  compiled ??= {
    rules: ajv.compile(envelope("groups", group)),
    notifiers: ajv.compile(envelope("notifiers", notifierGroup)),
    rule: ajv.compile(rule),
    alert: ajv.compile(alert),
  };
  return compiled;
}

/** Why an answer was refused: the first problem ajv found, with its place in the JSON. */
export class BadAnswer extends Error {}

function check<T>(kind: string, body: unknown): T {
  const v = validators()[kind] as ValidateFunction;
  if (!v(body)) {
    const e = v.errors?.[0];
    throw new BadAnswer(`unexpected answer: ${e ? `${e.instancePath || "/"} ${e.message}` : "invalid"}`);
  }
  return body as T;
}

export function rulesAnswer(body: unknown): ApiGroup[] {
  const groups = check<{ data: { groups: ApiGroup[] } }>("rules", body).data.groups;
  // Defaults for optional fields the UI reads as numbers or lists.
  for (const g of groups) {
    g.concurrency ??= 1;
    for (const r of g.rules) fillRule(r);
  }
  return groups;
}

export function notifiersAnswer(body: unknown): ApiNotifierGroup[] {
  const list = check<{ data: { notifiers: ApiNotifierGroup[] } }>("notifiers", body).data.notifiers;
  for (const n of list) {
    for (const t of n.targets) {
      t.labels ??= {};
      t.lastError ??= "";
    }
  }
  return list;
}

export function ruleAnswer(body: unknown): ApiRule {
  return fillRule(check<ApiRule>("rule", body));
}

export function alertAnswer(body: unknown): ApiAlert {
  return fillAlert(check<ApiAlert>("alert", body));
}

function fillRule(r: ApiRule): ApiRule {
  r.duration ??= 0;
  r.keep_firing_for ??= 0;
  r.labels ??= {};
  r.lastError ??= "";
  r.evaluationTime ??= 0;
  r.datasourceType ??= "prometheus";
  r.lastSamples ??= 0;
  r.group_name ??= "";
  r.file ??= "";
  r.debug ??= false;
  r.max_updates_entries ??= 0;
  for (const a of r.alerts ?? []) fillAlert(a);
  for (const u of r.updates ?? []) {
    u.error ??= null;
    u.series_fetched ??= null;
    u.curl ??= "";
  }
  return r;
}

function fillAlert(a: ApiAlert): ApiAlert {
  a.expression ??= "";
  a.source ??= "";
  a.restored ??= false;
  a.stabilizing ??= false;
  return a;
}
