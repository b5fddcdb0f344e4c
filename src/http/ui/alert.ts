// /vmalert/alert?group_id=&alert_id=: one alert.
import type { EngineView } from "../../rule/api.js";
import { html, link, safeHref } from "../html.js";
import { id } from "../params.js";
import { ago, keyValues, labelList, stateBadge } from "./format.js";
import { type PageContext, page } from "./layout.js";

export function alertPage(ctx: PageContext, view: EngineView, q: URLSearchParams): string | undefined {
  const gid = id(q, "group_id");
  const aid = id(q, "alert_id");
  const a = view.alert(gid, aid);
  if (!a) return undefined;
  const source = safeHref(a.source);
  return page(
    ctx,
    a.name,
    "alerts",
    html`<h1>${a.name} ${stateBadge(a.state)}</h1>
<section class="card"><dl class="kv">
<dt>Active since</dt><dd>${ago(a.activeAt, ctx.now)} <span class="meta">${a.activeAt}</span></dd>
<dt>Value</dt><dd>${a.value}</dd>
<dt>Labels</dt><dd>${labelList(a.labels)}</dd>
<dt>Annotations</dt><dd>${keyValues(a.annotations)}</dd>
<dt>Rule</dt><dd><a href="${link("rule", { group_id: a.group_id, rule_id: a.rule_id })}">${a.name}</a></dd>
<dt>Expression</dt><dd><pre>${a.expression}</pre></dd>
<dt>Source</dt><dd>${source ? html`<a href="${source}" rel="noopener noreferrer">${a.source}</a>` : a.source}</dd>
<dt>Restored</dt><dd>${a.restored ? "yes" : "no"}</dd>
</dl></section>`,
  );
}
