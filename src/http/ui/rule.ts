// /vmalert/rule?group_id=&rule_id=: one rule, its active alerts, state timeline and evaluation history.
import type { ApiRuleLink, EngineView } from "../../rule/api.js";
import { extendedState } from "../filters.js";
import { html, link, safeHref } from "../html.js";
import { id } from "../params.js";
import { ago, keyValues, labelList, seconds, stateBadge } from "./format.js";
import { type PageContext, page } from "./layout.js";
import { timeline } from "./timeline.js";

/** undefined = not found (the server answers 404). */
export function rulePage(ctx: PageContext, view: EngineView, q: URLSearchParams): string | undefined {
  const gid = id(q, "group_id");
  const rid = id(q, "rule_id");
  const r = view.rule(gid, rid);
  if (!r) return undefined;
  const vmui = safeHref(ctx.vmuiURL?.(r.query));
  const alerts = (r.alerts ?? []).filter((a) => a.state !== "inactive");
  const updates = r.updates ?? [];
  return page(
    ctx,
    r.name,
    "groups",
    html`<h1>${r.name} ${stateBadge(extendedState(r))}</h1>
<section class="card"><dl class="kv">
<dt>Type</dt><dd>${r.type}</dd>
<dt>Group</dt><dd><a href="groups#group-${r.group_id}">${r.group_name}</a> <span class="meta">${r.file}</span></dd>
<dt>Query</dt><dd><pre>${r.query}</pre>${vmui ? html`<a class="vmui" href="${vmui}" rel="noopener noreferrer">Run in vmui</a>` : ""}</dd>
${r.type === "alerting" ? html`<dt>For</dt><dd>${seconds(r.duration)}</dd><dt>Keep firing for</dt><dd>${seconds(r.keep_firing_for)}</dd>` : ""}
<dt>Labels</dt><dd>${labelList(r.labels)}</dd>
${r.type === "alerting" ? html`<dt>Annotations</dt><dd>${keyValues(r.annotations)}</dd>` : ""}
<dt>Health</dt><dd>${r.health}${r.lastError ? html` <span class="error">${r.lastError}</span>` : ""}</dd>
<dt>Last evaluation</dt><dd>${ago(r.lastEvaluation, ctx.now)}, took ${seconds(r.evaluationTime)}, ${r.lastSamples} samples</dd>
<dt>Datasource</dt><dd>${r.datasourceType}</dd>
<dt>Depends on</dt><dd>${ruleLinks(r.depends_on)}</dd>
<dt>Used by</dt><dd>${ruleLinks(r.used_by)}</dd>
</dl></section>
${
  r.type === "alerting"
    ? html`<section class="card"><h2>Active alerts (${alerts.length})</h2>${
        alerts.length === 0
          ? html`<p class="empty">None.</p>`
          : html`<table><thead><tr><th>State</th><th>Labels</th><th>Value</th><th>Active since</th><th></th></tr></thead><tbody>
${alerts.map(
  (
    a,
  ) => html`<tr class="alert"><td>${stateBadge(a.state)}</td><td>${labelList(a.labels)}</td><td>${a.value}</td><td>${ago(a.activeAt, ctx.now)}</td>
<td><a href="${link("alert", { group_id: a.group_id, alert_id: a.id })}">details</a></td></tr>`,
)}</tbody></table>`
      }</section>`
    : ""
}
<section class="card"><h2>State timeline</h2>${timeline(r, ctx.now)}</section>
<section class="card"><h2>Evaluation history <span class="meta">last ${updates.length} of at most ${r.max_updates_entries}</span></h2>
${
  updates.length === 0
    ? html`<p class="empty">No evaluations kept yet.</p>`
    : html`<table class="updates"><thead><tr><th>Time</th><th>Query time</th><th>Duration</th><th>Samples</th><th>Series fetched</th><th>Error</th><th>curl</th></tr></thead><tbody>
${updates.map(
  (
    u,
  ) => html`<tr><td>${u.time}</td><td>${u.at}</td><td>${seconds(u.duration / 1e9)}</td><td>${u.samples}</td><td>${u.series_fetched ?? ""}</td>
<td>${u.error ? html`<span class="error">${u.error}</span>` : ""}</td><td><details><summary>show</summary><pre>${u.curl}</pre></details></td></tr>`,
)}</tbody></table>`
}</section>`,
  );
}

/** Rules of the dependency graph, each linking to its own page (README "The rule dependency graph"). */
function ruleLinks(list: ApiRuleLink[] | undefined) {
  if (!list || list.length === 0) return html`<span class="meta">none</span>`;
  return html`<ul class="links">${list.map(
    (l) =>
      html`<li><a href="${link("rule", { group_id: l.group_id, rule_id: l.rule_id })}">${l.name}</a> <span class="meta">${l.type}, group ${l.group}</span></li>`,
  )}</ul>`;
}
