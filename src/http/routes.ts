// What each path answers, once the request is authorized: health routes, /metrics, /flags, /-/reload,
// the JSON API (./api.ts), the web UI and vmalert 1.79.5's old links.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { errorMessage, TsalertError } from "../errors.js";
import { metricsText } from "../metrics.js";
import type { EngineView, ViewNeed, ViewProvider } from "../rule/api.js";
import { apiRoute } from "./api.js";
import { bool } from "./params.js";
import { htmlPage, jsonError, type Reply, redirect, text } from "./reply.js";
import { alertPage } from "./ui/alert.js";
import { alertsPage } from "./ui/alerts.js";
import { groupsPage } from "./ui/groups.js";
import { indexPage, type PageContext } from "./ui/layout.js";
import { notifiersPage } from "./ui/notifiers.js";
import { rulePage } from "./ui/rule.js";
import { STYLE_CSS } from "./ui/style.js";

export interface RouteHooks {
  reload(): Promise<void> | void;
  /** Flag values for /flags, already redacted. */
  flags(): Record<string, string>;
  /** The view of one request (a cluster's merged view); the engine view itself when unset. */
  viewFor?: ViewProvider;
}

export interface RouterDeps {
  view: EngineView;
  hooks: RouteHooks;
  registry: Registry;
  /** -metrics.exposeMetadata: keep `# HELP` / `# TYPE` lines in /metrics. */
  exposeMetadata?: boolean;
  logger: Logger;
  /** Normalized -http.pathPrefix ("" or "/x"). */
  prefix: string;
  vmuiURL?: (expr: string) => string | undefined;
  /** /health: false during -http.shutdownDelay and before the engine has started. */
  healthy(): boolean;
}

/** Routes that answer without the engine: they work while it starts. */
export const ENGINE_FREE_PATHS = new Set([
  "/ping",
  "/-/healthy",
  "/-/ready",
  "/robots.txt",
  "/favicon.ico",
  "/metrics",
  "/flags",
]);

export type Route = (path: string, q: URLSearchParams) => Promise<Reply>;

const GROUP_ROUTES = /^(?:(?:\/vmalert)?\/api\/v1\/(?:rules|alerts|group)|\/vmalert\/(?:groups|rules|alerts)|\/rules)$/;
const NOTIFIER_ROUTES = /^(?:(?:\/vmalert)?\/api\/v1\/notifiers|\/vmalert\/notifiers)$/;
const RULE_ROUTES = /^(?:(?:\/vmalert)?\/api\/v1\/rule|\/vmalert\/rule)$/;
const ALERT_ROUTES = /^(?:(?:\/vmalert)?\/api\/v1\/alert|\/vmalert\/alert)$/;
const LEGACY_ALERT = /^(\/api\/v1)?\/(\d{1,20})\/(\d{1,20})\/status$/;

/** What the engine route at `path` reads; undefined for routes that read nothing or only the reload error. */
export function viewNeed(path: string, q: URLSearchParams): ViewNeed | undefined {
  if (GROUP_ROUTES.test(path)) return { kind: "groups" };
  if (NOTIFIER_ROUTES.test(path)) return { kind: "notifiers" };
  if (RULE_ROUTES.test(path)) return { kind: "rule", groupID: q.get("group_id") ?? "", ruleID: q.get("rule_id") ?? "" };
  if (ALERT_ROUTES.test(path)) {
    return { kind: "alert", groupID: q.get("group_id") ?? "", alertID: q.get("alert_id") ?? "" };
  }
  const legacy = LEGACY_ALERT.exec(path);
  if (legacy) return { kind: "alert", groupID: legacy[2] as string, alertID: legacy[3] as string };
  return undefined;
}

export function createRouter(d: RouterDeps): Route {
  const { hooks, registry, logger, prefix } = d;
  const uiOrNotFound = (body: string | undefined, what: string): Reply =>
    body === undefined ? text(404, `${what} not found`) : htmlPage(200, body);

  return async (path, q) => {
    switch (path) {
      case "/health":
        return d.healthy() ? text(200, "OK") : text(503, "Service Unavailable: starting or shutting down");
      case "/ping":
        return { status: 204, headers: {}, body: "" };
      case "/-/healthy":
        return text(200, "VictoriaMetrics is Healthy.\n");
      case "/-/ready":
        return text(200, "VictoriaMetrics is Ready.\n");
      case "/robots.txt":
        return text(200, "User-agent: *\nDisallow: /\n");
      case "/favicon.ico":
        return { status: 204, headers: {}, body: "" };
      case "/metrics":
        return {
          status: 200,
          headers: { "Content-Type": registry.contentType },
          body: await metricsText(registry, d.exposeMetadata ?? false),
        };
      case "/flags": {
        const flags = hooks.flags();
        const lines = Object.keys(flags)
          .sort()
          .map((k) => `-${k}=${JSON.stringify(flags[k])}\n`);
        return text(200, lines.join(""));
      }
      case "/-/reload":
        try {
          await hooks.reload();
        } catch (err) {
          // A config error was already logged by the reload itself (file:line, no stack); log only the unexpected.
          if (!(err instanceof TsalertError)) logger.error({ err }, "reload requested via /-/reload failed");
          return text(500, `reload failed: ${errorMessage(err)}`);
        }
        return text(200, "");
    }

    const need = viewNeed(path, q);
    // `?local=1`: this process only, what cluster members ask each other.
    const view = need && hooks.viewFor ? await hooks.viewFor(need, bool(q, "local")) : d.view;
    const pageCtx = (base: string): PageContext => ({
      base,
      reloadError: view.lastReloadError(),
      cluster: view.cluster?.(),
      now: Date.now(),
      vmuiURL: d.vmuiURL,
    });
    const api = apiRoute(path, view, q);
    if (api) return api;

    switch (path) {
      case "/":
        return htmlPage(200, indexPage(pageCtx("vmalert/")));
      case "/vmalert":
        // Relative, as VictoriaMetrics does, so it also works behind a proxy that adds a path.
        return redirect("vmalert/");
      case "/vmalert/":
        return htmlPage(200, indexPage(pageCtx("")));
      case "/vmalert/groups":
      case "/vmalert/rules":
        return htmlPage(200, groupsPage(pageCtx(""), view, q));
      case "/rules":
        // VictoriaMetrics single-node forwards its /rules page here (vmalert serves the groups page).
        return htmlPage(200, groupsPage(pageCtx("vmalert/"), view, q));
      case "/vmalert/alerts":
        return htmlPage(200, alertsPage(pageCtx(""), view, q));
      case "/vmalert/notifiers":
        return htmlPage(200, notifiersPage(pageCtx(""), view));
      case "/vmalert/rule":
        return uiOrNotFound(rulePage(pageCtx(""), view, q), "rule");
      case "/vmalert/alert":
        return uiOrNotFound(alertPage(pageCtx(""), view, q), "alert");
      case "/vmalert/static/style.css":
        return {
          status: 200,
          headers: { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=3600" },
          body: STYLE_CSS,
        };
    }

    // vmalert 1.79.5 links: /api/v1/<groupID>/<alertID>/status and /<groupID>/<alertID>/status.
    const legacy = LEGACY_ALERT.exec(path);
    if (legacy) {
      const [, api1, gid, aid] = legacy;
      if (!view.alert(gid, aid)) {
        return api1 ? jsonError(404, `alert ${aid} in group ${gid} not found`) : text(404, "alert not found");
      }
      const qs = `group_id=${gid}&alert_id=${aid}`;
      return redirect(api1 ? `${prefix}/vmalert/api/v1/alert?${qs}` : `${prefix}/vmalert/alert?${qs}`);
    }
    // vmalert answers 400 here; 404 is what clients and proxies expect for a path that does not exist.
    return text(404, `unsupported path requested: ${JSON.stringify(prefix + path)}`);
  };
}
