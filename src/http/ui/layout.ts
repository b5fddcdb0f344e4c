// The page frame: navigation, the last reload error as a banner, relative links so the UI works both
// directly and behind VictoriaMetrics' `-vmalert.proxyURL` (which may add a path such as /select/0/prometheus).
import { html, raw, type SafeHtml } from "../html.js";

export interface PageContext {
  /** Relative prefix from the current page to the /vmalert/ directory: "" there, "vmalert/" at the root. */
  base: string;
  reloadError: string;
  now: number;
  vmuiURL?: (expr: string) => string | undefined;
}

const NAV: [string, string][] = [
  ["groups", "Groups"],
  ["alerts", "Alerts"],
  ["notifiers", "Notifiers"],
];

export function page(ctx: PageContext, title: string, active: string, body: SafeHtml): string {
  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - tsalert</title>
<link rel="stylesheet" href="${ctx.base}static/style.css">
<link rel="icon" href="data:,">
</head>
<body>
<header>
<a class="brand" href="${ctx.base}">tsalert</a>
${NAV.map(([href, label]) => html`<a href="${ctx.base}${href}"${active === href ? raw(' class="active"') : ""}>${label}</a>`)}
<a href="${ctx.base}api/v1/rules">JSON</a>
</header>
<main>
${
  ctx.reloadError
    ? html`<div class="banner" role="alert"><strong>Last configuration reload failed; the previous configuration keeps running.</strong>
${ctx.reloadError}</div>`
    : ""
}
${body}
</main>
</body>
</html>
`;
  return doc.text;
}

export function indexPage(ctx: PageContext): string {
  return page(
    ctx,
    "Home",
    "",
    html`<h1>tsalert</h1>
<div class="card"><ul>
<li><a href="${ctx.base}groups">Groups and rules</a> (<a href="${ctx.base}rules">/vmalert/rules</a>)</li>
<li><a href="${ctx.base}alerts">Firing and pending alerts</a></li>
<li><a href="${ctx.base}notifiers">Notifiers</a></li>
<li><a href="${ctx.base}api/v1/rules">/api/v1/rules</a>, <a href="${ctx.base}api/v1/alerts">/api/v1/alerts</a>, <a href="${ctx.base}api/v1/notifiers">/api/v1/notifiers</a></li>
</ul></div>`,
  );
}
