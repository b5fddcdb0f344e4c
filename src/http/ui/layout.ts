// The page frame: navigation, the last reload error as a banner, relative links so the UI works both
// directly and behind VictoriaMetrics' `-vmalert.proxyURL` (which may add a path such as /select/0/prometheus).
import type { ApiClusterStatus } from "../../rule/api.js";
import { html, raw, type SafeHtml } from "../html.js";

export interface PageContext {
  /** Relative prefix from the current page to the /vmalert/ directory: "" there, "vmalert/" at the root. */
  base: string;
  reloadError: string;
  /** With -cluster.membersCount > 1: which members the page covers. */
  cluster?: ApiClusterStatus;
  now: number;
  vmuiURL?: (expr: string) => string | undefined;
}

const NAV: [string, string][] = [
  ["groups", "Groups"],
  ["alerts", "Alerts"],
  ["notifiers", "Notifiers"],
];

/** Missing groups named in the banner; the rest are counted. */
const MISSING_SHOWN = 20;

/** Which members a page covers; a banner when some did not answer. */
function clusterNote(c: ApiClusterStatus | undefined): SafeHtml | "" {
  if (!c) return "";
  const down = c.members.filter((m) => m.state === "unreachable");
  const asked = c.members.some((m) => m.state === "ok" || m.state === "unreachable");
  const line = html`<p class="meta cluster">Cluster: member ${c.member_num} of ${c.members_count}, replication factor ${c.replication_factor}${
    asked
      ? html`; ${c.members_count - down.length} of ${c.members_count} members answered`
      : html`; this member's groups only (no -cluster.memberURLTemplate)`
  }</p>`;
  if (down.length === 0) return line;
  const missing = c.missing_groups;
  return html`${line}<div class="banner" role="alert"><strong>${down.length === 1 ? "A member did" : `${down.length} members did`} not answer; the page shows the others.</strong>
${down.map(
  (m) => html`member ${m.member}${m.url ? ` (${m.url})` : ""}: ${m.error ?? "unreachable"}
`,
)}${
  missing.length > 0
    ? html`Groups not shown (every member that runs them is unreachable): ${missing
        .slice(0, MISSING_SHOWN)
        .map((g, i) => html`${i > 0 ? ", " : ""}"${g.name}" (${g.file}, members ${g.owners.join(", ")})`)}${
        missing.length > MISSING_SHOWN ? html` and ${missing.length - MISSING_SHOWN} more` : ""
      }`
    : "Every group of the unreachable members is shown from a replica."
}</div>`;
}

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
${clusterNote(ctx.cluster)}
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
