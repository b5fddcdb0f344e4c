// /vmalert/groups: every group with its rules, states, last evaluation, errors, durations, and (beyond
// vmalert) a ranking of the slowest rules, so users see which rule makes an iteration miss its interval.
import type { ApiRule, EngineView } from "../../rule/api.js";
import { extendedState, filterGroups, type OutGroup, parseRulesFilter, RULE_STATES } from "../filters.js";
import { html, link, raw, type SafeHtml } from "../html.js";
import { ago, labelList, seconds, stateBadge } from "./format.js";
import { type PageContext, page } from "./layout.js";

const SLOWEST = 5;

function filterForm(q: URLSearchParams): SafeHtml {
  const states = new Set(
    [...q.getAll("state"), ...q.getAll("state[]")].flatMap((s) => s.split(",")).map((s) => s.trim().toLowerCase()),
  );
  const typ = q.get("type") ?? "";
  const opt = (value: string, label: string) =>
    html`<option value="${value}"${typ === value ? raw(" selected") : ""}>${label}</option>`;
  return html`<form class="filters card" method="get" action="groups">
<input type="search" name="search" placeholder="Search group, file or rule" value="${q.get("search") ?? ""}">
<select name="type" aria-label="Rule type">${opt("", "all types")}${opt("alert", "alerting")}${opt("record", "recording")}</select>
${RULE_STATES.map(
  (s) =>
    html`<label><input type="checkbox" name="state" value="${s}"${states.has(s) ? raw(" checked") : ""}> ${s}</label>`,
)}
<button type="submit">Filter</button> <a href="groups">reset</a>
</form>`;
}

export function slowestRules(rules: ApiRule[], n = SLOWEST): ApiRule[] {
  return [...rules]
    .filter((r) => r.evaluationTime > 0)
    .sort((a, b) => b.evaluationTime - a.evaluationTime)
    .slice(0, n);
}

function slowestTable(g: OutGroup): SafeHtml {
  const slow = slowestRules(g.rules);
  if (slow.length === 0) return html``;
  const total = g.rules.reduce((s, r) => s + r.evaluationTime, 0);
  return html`<details class="slowest"><summary>Slowest rules (last evaluation${
    total > 0 ? html`; all rules together ${seconds(total)}, interval ${seconds(g.interval)}` : ""
  })</summary>
<table><thead><tr><th>#</th><th>Rule</th><th>Evaluation time</th><th>Share</th><th></th></tr></thead><tbody>
${slow.map((r, i) => {
  const share = total > 0 ? (100 * r.evaluationTime) / total : 0;
  return html`<tr><td>${i + 1}</td><td><a href="${link("rule", { group_id: g.id, rule_id: r.id })}">${r.name}</a></td>
<td>${seconds(r.evaluationTime)}</td><td>${share.toFixed(1)}%</td>
<td><div class="bar"><span style="width:${share.toFixed(1)}%"></span></div></td></tr>`;
})}
</tbody></table></details>`;
}

function ruleRow(ctx: PageContext, g: OutGroup, r: ApiRule): SafeHtml {
  const st = extendedState(r);
  return html`<tr class="rule" data-state="${st}">
<td>${stateBadge(st)}</td>
<td><a href="${link("rule", { group_id: g.id, rule_id: r.id })}">${r.name}</a><div class="meta">${r.type}${
    r.type === "alerting" && (r.alerts?.length ?? 0) > 0 ? html`, ${r.alerts!.length} active` : ""
  }</div></td>
<td><pre>${r.query}</pre>${Object.keys(r.labels ?? {}).length > 0 ? html`<div>${labelList(r.labels)}</div>` : ""}</td>
<td>${ago(r.lastEvaluation, ctx.now)}</td>
<td>${seconds(r.evaluationTime)}</td>
<td>${r.lastSamples}</td>
<td>${r.lastError ? html`<span class="error">${r.lastError}</span>` : ""}</td>
</tr>`;
}

function groupCard(ctx: PageContext, g: OutGroup): SafeHtml {
  return html`<section class="card group" id="group-${g.id}">
<h2>${g.name}</h2>
<div class="meta"><span>file: ${g.file}</span><span>type: ${g.type}</span><span>interval: ${seconds(g.interval)}</span>${
    g.cron ? html`<span>cron: ${g.cron}</span>` : ""
  }<span>last evaluation: ${ago(g.lastEvaluation, ctx.now)}</span><span>concurrency: ${g.concurrency}</span>${
    g.owners
      ? html`<span class="owners">${g.owners.length === 1 ? "member" : "members"}: ${g.owners.join(", ")}</span>`
      : ""
  }
<span>${Object.entries(g.states).map(([s, n]) => html`${stateBadge(s)} ${n} `)}</span></div>
${Object.keys(g.labels ?? {}).length > 0 ? html`<div>labels: ${labelList(g.labels)}</div>` : ""}
${slowestTable(g)}
<table><thead><tr><th>State</th><th>Rule</th><th>Query</th><th>Last evaluation</th><th>Duration</th><th>Samples</th><th>Error</th></tr></thead>
<tbody>${g.rules.map((r) => ruleRow(ctx, g, r))}</tbody></table>
</section>`;
}

/** Throws BadRequest for bad filter values; the server answers 400 with the message. */
export function groupsPage(ctx: PageContext, view: EngineView, q: URLSearchParams): string {
  const f = parseRulesFilter(q);
  f.extendedStates = true;
  const groups = filterGroups(view.groups(), f);
  const ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
  return page(
    ctx,
    "Groups",
    "groups",
    html`<h1>Groups <span class="meta">${groups.length} groups, ${ruleCount} rules</span></h1>
${filterForm(q)}
${groups.length === 0 ? html`<p class="empty">No groups match.</p>` : groups.map((g) => groupCard(ctx, g))}`,
  );
}
