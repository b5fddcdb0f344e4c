// Semantic checks of rule groups after the schema passed them structurally, building GroupConfig.
// Every check is guarded by a type test: wrong types were already reported by the schema.
import { groupChecksum } from "./checksum.js";
import { parseCron } from "./cron.js";
import { parseRuleDuration } from "./duration.js";
import type { Locator, Path, Pos } from "./locate.js";
import { scalarOffset } from "./textpos.js";
import type { ConfigProblem, DatasourceType, GroupConfig, RuleConfig, Validators } from "./types.js";

export interface SemanticOptions {
  validators: Validators;
  validateExpressions: boolean;
  validateTemplates: boolean;
  defaultRuleType: DatasourceType;
  clusterMode: boolean;
}

export interface FileContext {
  file: string;
  source: string;
  loc: Locator;
  /** Where the groups list sits: [] for rule files, ["spec"] for Kubernetes manifests. */
  prefix: Path;
  problems: ConfigProblem[];
  /** Group names seen in this file (across its documents). */
  groupNames: Set<string>;
  opts: SemanticOptions;
}

type Obj = Record<string, unknown>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TENANT = /^\d+(:\d+)?$/;
const EXPR_LANGUAGE: Record<DatasourceType, string> = {
  prometheus: "MetricsQL",
  graphite: "Graphite",
  vlogs: "LogsQL",
};

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Scalars as vmalert's YAML decoder turns them into strings. */
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function textMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = text(val) ?? "";
  return out;
}

class Reporter {
  constructor(
    readonly ctx: FileContext,
    readonly where: string,
  ) {}

  error(path: Path, message: string, which: "key" | "value" = "value"): void {
    this.at(this.ctx.loc.pos(path, which), message);
  }

  at(pos: Pos, message: string, severity: ConfigProblem["severity"] = "error"): void {
    this.ctx.problems.push({
      file: this.ctx.file,
      line: pos.line,
      col: pos.col,
      message: `${this.where}${message}`,
      severity,
    });
  }
}

function duration(r: Reporter, obj: Obj, path: Path, key: string): number | undefined {
  const raw = obj[key];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string" && typeof raw !== "number") return undefined;
  const ms = parseRuleDuration(raw);
  if (ms === null) {
    r.error([...path, key], `invalid ${key} ${JSON.stringify(raw)}: not a duration (use e.g. 30s, 5m, 1h30m, 2d)`);
    return undefined;
  }
  return ms;
}

function checkHeaders(r: Reporter, g: Obj, path: Path, key: string): string[] {
  const list = g[key];
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  list.forEach((h, i) => {
    if (typeof h !== "string" || h.trim() === "") return;
    if (!h.includes(":")) r.error([...path, key, i], `missing ':' in header ${JSON.stringify(h)} (want "Name: value")`);
    else out.push(h.trim());
  });
  return out;
}

function checkLabelKeys(r: Reporter, map: unknown, path: Path, what: "labels" | "annotations"): void {
  if (!isObj(map)) return;
  for (const key of Object.keys(map)) {
    if (key === "") r.error([...path, what, key], `${what}: empty name`, "key");
    else if (what === "labels" && key === "__name__") {
      r.error([...path, what, key], "label __name__ is not allowed (it would rename the series)", "key");
    }
  }
}

export function checkDocument(ctx: FileContext, data: unknown): GroupConfig[] {
  let root = data;
  for (const seg of ctx.prefix) root = isObj(root) ? root[seg as string] : undefined;
  if (!isObj(root) || !Array.isArray(root.groups)) return [];
  const groups: GroupConfig[] = [];
  root.groups.forEach((g, gi) => {
    const group = checkGroup(ctx, g, [...ctx.prefix, "groups", gi]);
    if (group) groups.push(group);
  });
  return groups;
}

function checkGroup(ctx: FileContext, g: unknown, path: Path): GroupConfig | undefined {
  if (!isObj(g)) return undefined;
  const name = text(g.name) ?? "";
  const r = new Reporter(ctx, `group ${JSON.stringify(name)}: `);
  if (g.name !== undefined && name.trim() === "") r.error([...path, "name"], "group name must be set");
  if (name !== "") {
    if (ctx.groupNames.has(name)) r.error([...path, "name"], `group name ${JSON.stringify(name)} duplicate in file`);
    ctx.groupNames.add(name);
  }

  let interval = duration(r, g, path, "interval");
  if (interval !== undefined && interval < 0) {
    r.error([...path, "interval"], `interval must not be negative, got ${String(g.interval)}`);
    interval = undefined;
  }
  if (interval === 0) interval = undefined;
  const evalOffset = duration(r, g, path, "eval_offset");
  const evalDelay = duration(r, g, path, "eval_delay");
  const queryOffset = duration(r, g, path, "query_offset");
  if (evalOffset !== undefined) {
    if (interval === undefined || Math.abs(evalOffset) > interval) {
      r.error(
        [...path, "eval_offset"],
        `the abs value of eval_offset should be smaller than interval; eval_offset ${String(g.eval_offset)}, interval ${interval === undefined ? "not set" : String(g.interval)}`,
      );
    }
    if (evalDelay !== undefined) r.error([...path, "eval_delay"], "eval_offset cannot be used with eval_delay");
  }
  if (queryOffset !== undefined && queryOffset < 0)
    r.error([...path, "query_offset"], "query_offset must not be negative");

  const cronText = typeof g.cron === "string" ? g.cron : undefined;
  if (cronText !== undefined) {
    try {
      parseCron(cronText);
    } catch {
      r.error([...path, "cron"], `invalid cron schedule ${JSON.stringify(cronText)}`);
    }
    if (g.interval !== undefined) r.error([...path, "cron"], "cron and interval are exclusive: set one of them");
    if (evalOffset !== undefined) r.error([...path, "cron"], "cron and eval_offset are exclusive");
  }

  const tenant = text(g.tenant);
  if (tenant !== undefined) {
    if (!ctx.opts.clusterMode) {
      r.error([...path, "tenant"], "group tenant is only allowed with -clusterMode", "key");
    } else if (!TENANT.test(tenant)) {
      r.error([...path, "tenant"], `invalid tenant ${JSON.stringify(tenant)}: want accountID or accountID:projectID`);
    }
  }

  checkLabelKeys(r, g.labels, path, "labels");
  const headers = checkHeaders(r, g, path, "headers");
  const notifierHeaders = checkHeaders(r, g, path, "notifier_headers");
  const params: Record<string, string[]> = {};
  if (isObj(g.params)) {
    for (const [k, v] of Object.entries(g.params)) params[k] = Array.isArray(v) ? v.map((x) => text(x) ?? "") : [];
  }
  // An unknown type was reported by the schema; its rules are still checked, as the default type.
  const type =
    typeof g.type === "string" && g.type in EXPR_LANGUAGE ? (g.type as DatasourceType) : ctx.opts.defaultRuleType;
  const debug = g.debug === true;

  const rules: RuleConfig[] = [];
  const ruleIds = new Set<string>();
  if (Array.isArray(g.rules)) {
    g.rules.forEach((rule, ri) => {
      const rc = checkRule(ctx, name, rule, [...path, "rules", ri], type, debug);
      if (!rc) return;
      const id = ruleIdentity(rc);
      if (ruleIds.has(id)) {
        new Reporter(ctx, `group ${JSON.stringify(name)}: `).error(
          [...path, "rules", ri],
          `rule ${JSON.stringify(rc.alert ?? rc.record)} is a duplicate in group (same name, expr and labels)`,
        );
      }
      ruleIds.add(id);
      rules.push(rc);
    });
  }

  const limit = typeof g.limit === "number" ? g.limit : undefined;
  const concurrency = typeof g.concurrency === "number" ? g.concurrency : 0;
  const pos = ctx.loc.pos(path);
  const group: GroupConfig = {
    name,
    file: ctx.file,
    interval,
    cron: cronText,
    evalOffset,
    evalDelay,
    evalAlignment: typeof g.eval_alignment === "boolean" ? g.eval_alignment : undefined,
    queryOffset,
    limit,
    concurrency,
    type,
    labels: textMap(g.labels),
    params,
    headers,
    notifierHeaders,
    debug,
    tenant,
    rules,
    checksum: "",
    pos: { file: ctx.file, ...pos },
  };
  group.checksum = groupChecksum(group);
  return group;
}

function ruleIdentity(r: RuleConfig): string {
  const labels = Object.keys(r.labels)
    .sort()
    .map((k) => `${k}\u0000${r.labels[k]}`)
    .join("\u00ff");
  return [r.alert === undefined ? "recording" : "alerting", r.alert ?? r.record, r.expr, labels].join("\u00ff");
}

function checkRule(
  ctx: FileContext,
  groupName: string,
  rule: unknown,
  path: Path,
  type: DatasourceType,
  groupDebug: boolean,
): RuleConfig | undefined {
  if (!isObj(rule)) return undefined;
  const alert = text(rule.alert);
  const record = text(rule.record);
  const ruleName = alert || record || `#${String(path[path.length - 1])}`;
  const r = new Reporter(ctx, `group ${JSON.stringify(groupName)} rule ${JSON.stringify(ruleName)}: `);
  const hasAlert = alert !== undefined && alert !== "";
  const hasRecord = record !== undefined && record !== "";
  if (hasAlert === hasRecord) {
    r.error(path, hasAlert ? "only one of `record` or `alert` may be set" : "either `record` or `alert` must be set");
  }
  if (hasRecord && !METRIC_NAME.test(record!)) {
    r.error(
      [...path, "record"],
      `invalid recording rule name ${JSON.stringify(record)}: must be a metric name [a-zA-Z_:][a-zA-Z0-9_:]*`,
    );
  }
  const expr = text(rule.expr) ?? "";
  if (rule.expr !== undefined && expr.trim() === "") r.error([...path, "expr"], "expression can't be empty");

  const forMs = duration(r, rule, path, "for");
  const keepFiringFor = duration(r, rule, path, "keep_firing_for");
  if (forMs !== undefined && forMs < 0) r.error([...path, "for"], "for must not be negative");
  if (keepFiringFor !== undefined && keepFiringFor < 0)
    r.error([...path, "keep_firing_for"], "keep_firing_for must not be negative");
  if (hasRecord && !hasAlert) {
    for (const key of ["for", "keep_firing_for"]) {
      if (rule[key] !== undefined && rule[key] !== null)
        r.error([...path, key], `${key} is only valid for alerting rules`, "key");
    }
  }
  checkLabelKeys(r, rule.labels, path, "labels");
  checkLabelKeys(r, rule.annotations, path, "annotations");

  const exprNode = ctx.loc.node([...path, "expr"]);
  const exprStart = exprNode?.range
    ? ctx.loc.at(scalarOffset(exprNode, ctx.source, 1, 1) ?? exprNode.range[0])
    : undefined;
  if (ctx.opts.validateExpressions && ctx.opts.validators.expr && expr.trim() !== "") {
    const bad = ctx.opts.validators.expr(expr, type);
    if (bad)
      r.at(
        mapped(ctx, [...path, "expr"], bad.line, bad.col),
        `bad ${(type === "prometheus" && ctx.opts.validators.exprLanguage) || EXPR_LANGUAGE[type]} expr: ${bad.message}`,
      );
  }
  if (ctx.opts.validateTemplates && ctx.opts.validators.template) {
    for (const what of ["annotations", "labels"] as const) {
      const map = rule[what];
      if (!isObj(map)) continue;
      for (const [k, v] of Object.entries(map)) {
        const t = text(v);
        if (t === undefined) continue;
        const bad = ctx.opts.validators.template(t, what === "labels" ? "label" : "annotation");
        if (bad)
          r.at(
            mapped(ctx, [...path, what, k], bad.line, bad.col),
            `invalid ${what} ${JSON.stringify(k)}: ${bad.message}`,
          );
      }
    }
  }

  const rc: RuleConfig = {
    expr,
    for: forMs ?? 0,
    keepFiringFor: keepFiringFor ?? 0,
    labels: textMap(rule.labels),
    annotations: textMap(rule.annotations),
    debug: typeof rule.debug === "boolean" ? rule.debug : groupDebug,
    updateEntriesLimit: typeof rule.update_entries_limit === "number" ? rule.update_entries_limit : undefined,
    pos: { file: ctx.file, ...ctx.loc.pos(path) },
    exprPos: exprStart ? { file: ctx.file, ...exprStart } : undefined,
  };
  if (hasAlert) rc.alert = alert;
  else if (hasRecord) rc.record = record;
  return rc;
}

/** File position of a position reported relative to the text of the scalar at path. */
function mapped(ctx: FileContext, path: Path, line?: number, col?: number): Pos {
  const node = ctx.loc.node(path);
  if (node && line !== undefined) {
    const off = scalarOffset(node, ctx.source, line, col ?? 1);
    if (off !== null) return ctx.loc.at(off);
  }
  return ctx.loc.pos(path);
}
