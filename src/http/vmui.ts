// Builds the "Run in vmui" link of the rule page from a datasource or external URL. Credentials and query
// arguments of that URL (user:pass@, ?authKey=) never reach the page.

/** undefined when `base` is not an http(s) URL. */
export function vmuiLinkBuilder(base: string | undefined): ((expr: string) => string) | undefined {
  if (!base) return undefined;
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  u.username = "";
  u.password = "";
  const root = `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
  return (expr) => `${root}/vmui/#/?g0.expr=${encodeURIComponent(expr)}&g0.relative_time=last_1_hour`;
}
