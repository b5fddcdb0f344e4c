// /vmalert/alerts: firing and pending alerts grouped by rule.
import type { ApiAlert, ApiGroup, ApiRule, EngineView } from "../../rule/api.js";
import { commonGroupMatch, parseAlertsFilter, sortGroups } from "../filters.js";
import { html, link, type SafeHtml } from "../html.js";
import { anySelectorMatches } from "../selector.js";
import { ago, keyValues, labelList, stateBadge } from "./format.js";
import { type PageContext, page } from "./layout.js";

function ruleSection(ctx: PageContext, g: ApiGroup, r: ApiRule, alerts: ApiAlert[]): SafeHtml {
  const firing = alerts.filter((a) => a.state === "firing").length;
  return html`<section class="card rule-alerts">
<h2><a href="${link("rule", { group_id: g.id, rule_id: r.id })}">${r.name}</a> ${stateBadge(firing > 0 ? "firing" : "pending")}</h2>
<div class="meta"><span>group: <a href="groups#group-${g.id}">${g.name}</a></span><span>${firing} firing, ${alerts.length - firing} pending</span></div>
<table><thead><tr><th>State</th><th>Labels</th><th>Annotations</th><th>Value</th><th>Active since</th><th></th></tr></thead><tbody>
${alerts.map(
  (
    a,
  ) => html`<tr class="alert" data-state="${a.state}"><td>${stateBadge(a.state)}${a.restored ? html` <span class="meta">restored</span>` : ""}</td>
<td>${labelList(a.labels)}</td><td>${keyValues(a.annotations)}</td><td>${a.value}</td><td>${ago(a.activeAt, ctx.now)}</td>
<td><a href="${link("alert", { group_id: a.group_id, alert_id: a.id })}">details</a></td></tr>`,
)}
</tbody></table></section>`;
}

export function alertsPage(ctx: PageContext, view: EngineView, q: URLSearchParams): string {
  const f = parseAlertsFilter(q);
  const sections: SafeHtml[] = [];
  let total = 0;
  for (const g of sortGroups(view.groups())) {
    if (!commonGroupMatch(f, g)) continue;
    for (const r of g.rules) {
      const active = (r.alerts ?? [])
        .filter((a) => a.state !== "inactive" && anySelectorMatches(f.matchers, a.labels))
        .sort((a, b) => (a.state === b.state ? (a.activeAt < b.activeAt ? -1 : 1) : a.state === "firing" ? -1 : 1));
      if (active.length === 0) continue;
      total += active.length;
      sections.push(ruleSection(ctx, g, r, active));
    }
  }
  return page(
    ctx,
    "Alerts",
    "alerts",
    html`<h1>Alerts <span class="meta">${total} active</span></h1>
${sections.length === 0 ? html`<p class="empty">No firing or pending alerts.</p>` : sections}`,
  );
}
