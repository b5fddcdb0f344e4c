// From a configured or discovered address to a target URL (as for -notifier.config targets): __address__, __scheme__ and
// __alerts_path__ labels, relabel_configs, default port, then the URL.
import { type Labels, type RelabelRule, relabel } from "./relabel.js";

export interface ResolvedTarget {
  url: string;
  /** Target labels after relabeling, without __meta_*. */
  labels: Labels;
}

export function alertsPath(pathPrefix: string): string {
  return `${pathPrefix === "/" ? "" : pathPrefix}/api/v2/alerts`;
}

/** Returns null when relabeling drops the target or leaves no address. */
export function resolveTarget(
  address: string,
  meta: Labels,
  scheme: string,
  pathPrefix: string,
  rules: readonly RelabelRule[],
): ResolvedTarget | null {
  let addr = address;
  let sch = scheme;
  let path = alertsPath(pathPrefix);
  const m = /^(https?):\/\//i.exec(addr);
  if (m) {
    sch = (m[1] as string).toLowerCase();
    addr = addr.slice(m[0].length);
  }
  const slash = addr.indexOf("/");
  if (slash >= 0) {
    path = addr.slice(slash);
    addr = addr.slice(0, slash);
  }
  const relabeled = relabel({ ...meta, __address__: addr, __scheme__: sch, __alerts_path__: path }, rules);
  if (!relabeled) return null;
  const labels: Labels = {};
  for (const [k, v] of Object.entries(relabeled)) if (!k.startsWith("__meta_")) labels[k] = v;
  let host = labels.__address__ ?? "";
  if (host === "") return null;
  const finalScheme = labels.__scheme__ || "http";
  // A port is present unless the host is bare (IPv6 literals keep theirs inside brackets).
  if (!/:\d+$/.test(host)) host = `${host}:${finalScheme === "https" ? 443 : 80}`;
  const p = labels.__alerts_path__ ?? "/api/v2/alerts";
  return { url: `${finalScheme}://${host}${p.startsWith("/") ? p : `/${p}`}`, labels };
}
