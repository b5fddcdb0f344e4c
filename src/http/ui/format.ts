// Small formatters shared by the UI pages.
import { html, type SafeHtml } from "../html.js";

const GO_ZERO = "0001-01-01T00:00:00Z";

export function isNever(t: string | undefined): boolean {
  return !t || t.startsWith("0001-01-01");
}

/** "12s ago" with the exact timestamp as tooltip; "never" for Go's zero time. */
export function ago(t: string | undefined, now = Date.now()): SafeHtml {
  if (isNever(t) || t === GO_ZERO) return html`<span class="empty">never</span>`;
  const ms = Date.parse(t!);
  if (Number.isNaN(ms)) return html`${t}`;
  const d = Math.max(0, (now - ms) / 1000);
  const rel =
    d < 60
      ? `${d.toFixed(0)}s ago`
      : d < 3600
        ? `${(d / 60).toFixed(0)}m ago`
        : d < 86400
          ? `${(d / 3600).toFixed(1)}h ago`
          : `${(d / 86400).toFixed(1)}d ago`;
  return html`<time datetime="${t}" title="${t}">${rel}</time>`;
}

/** Seconds as a short human duration. */
export function seconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s === 0) return "0s";
  if (s < 0.001) return `${(s * 1e6).toFixed(0)}µs`;
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)}ms`;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${Number((s % 60).toFixed(0))}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

export function labelList(labels: Record<string, string> | undefined): SafeHtml {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return html`<span class="empty">none</span>`;
  return html`${entries.map(([k, v]) => html`<span class="label">${k}=${JSON.stringify(v)}</span>`)}`;
}

export function keyValues(kv: Record<string, string> | undefined): SafeHtml {
  const entries = Object.entries(kv ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return html`<span class="empty">none</span>`;
  return html`<dl class="kv">${entries.map(([k, v]) => html`<dt>${k}</dt><dd><pre>${v}</pre></dd>`)}</dl>`;
}

export function stateBadge(state: string): SafeHtml {
  const s = state || "ok";
  return html`<span class="badge s-${s.replace(/[^a-z]/g, "")}">${s}</span>`;
}
