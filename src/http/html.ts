// Every value shown in the web UI is user input (rule names, labels, annotations, errors), so the UI is
// built with one tagged template that escapes by default; only fragments it produced itself pass raw.

const SAFE = Symbol("safe-html");

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly text: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

function isSafe(v: unknown): v is SafeHtml {
  return typeof v === "object" && v !== null && (v as SafeHtml)[SAFE] === true;
}

/** Marks text as already-safe HTML. Only for constants and output of `html`. */
export function raw(text: string): SafeHtml {
  return { [SAFE]: true, text };
}

function render(v: unknown): string {
  if (v === undefined || v === null || v === false) return "";
  if (isSafe(v)) return v.text;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** `html\`<td>${name}</td>\`` escapes `name`; nested `html` results and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return raw(out);
}

/** Builds `path?k=v&...` with every component URL-encoded (the result still goes through `html`). */
export function link(path: string, params: Record<string, string | string[] | undefined> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) qs.append(k, item);
  }
  const q = qs.toString();
  return q ? `${path}?${q}` : path;
}

/** Only http(s) URLs may become links: a `javascript:` URL from a flag or datasource must not. */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\//i.test(url) ? url : undefined;
}
