// URL helpers: path append as vmalert does, credentials kept out of logs unless -*.showURL.

/** `<url>/api/v1/write` unless disablePathAppend; a trailing `/` of the base is dropped. */
export function writeURL(base: string, disablePathAppend = false): string {
  if (disablePathAppend) return base;
  return `${base.replace(/\/+$/, "")}/api/v1/write`;
}

/** The URL without user info and query string, for logs and errors. */
export function redactURL(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "<invalid URL>";
  }
}
