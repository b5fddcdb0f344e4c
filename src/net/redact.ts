// URLs may carry credentials (userinfo, auth keys in the query string): hide them unless -*.showURL.

const SECRET_PARAM = /auth|pass|key|secret|token/i;

/**
 * The URL as it may appear in logs, errors, metrics and the UI: without userinfo, and with the values of
 * query parameters that look like credentials replaced by "secret". showURL returns the URL unchanged.
 * A string that is not a URL is returned as is (it cannot hold parsed credentials).
 */
export function redactURL(url: string, showURL = false): string {
  if (showURL) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (u.username !== "" || u.password !== "") {
    u.username = "";
    u.password = "";
    changed = true;
  }
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      u.searchParams.set(name, "secret");
      changed = true;
    }
  }
  return changed ? u.toString() : url;
}

/**
 * Replaces each of `secrets` in `text` by "<secret>": servers may echo credentials back (vmauth quotes
 * the rejected Authorization value in its error body), and response bodies go into errors and the UI.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("<secret>");
  return out;
}

/** The credentials a URL carries: its userinfo password and the values of credential-like parameters. */
export function urlSecrets(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (u.password !== "") {
    out.push(u.password);
    try {
      out.push(decodeURIComponent(u.password));
    } catch {
      // A malformed escape: the raw form above is what travels.
    }
  }
  for (const [name, value] of u.searchParams) if (SECRET_PARAM.test(name) && value !== "") out.push(value);
  return out;
}
