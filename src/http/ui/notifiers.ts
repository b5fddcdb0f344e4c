// /vmalert/notifiers: notifier targets and their health.
import type { EngineView } from "../../rule/api.js";
import { html } from "../html.js";
import { labelList, stateBadge } from "./format.js";
import { type PageContext, page } from "./layout.js";

export function notifiersPage(ctx: PageContext, view: EngineView): string {
  const groups = view.notifiers();
  return page(
    ctx,
    "Notifiers",
    "notifiers",
    html`<h1>Notifiers</h1>
${
  groups.length === 0
    ? html`<p class="empty">No notifiers configured.</p>`
    : groups.map(
        (g) => html`<section class="card"><h2>${g.kind}</h2>
${
  g.targets.length === 0
    ? html`<p class="empty">No targets.</p>`
    : html`<table><thead><tr><th>Health</th><th>Address</th><th>Labels</th><th>Last error</th></tr></thead><tbody>
${g.targets.map(
  (
    t,
  ) => html`<tr class="target"><td>${stateBadge(t.lastError ? "error" : "ok")}</td><td>${t.address}</td><td>${labelList(t.labels)}</td>
<td>${t.lastError ? html`<span class="error">${t.lastError}</span>` : ""}</td></tr>`,
)}</tbody></table>`
}</section>`,
      )
}`,
  );
}
