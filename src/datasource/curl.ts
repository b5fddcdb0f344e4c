// The request as a shell command for the rule history (§9 StateEntry): secrets never appear in it.
import { isSecretHeader } from "../net/headers.js";

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** `curl -X POST -H 'Content-Type: application/json' -H 'Authorization: <secret>' '<url>'`. */
export function toCurl(method: string, url: string, headers: Record<string, string>): string {
  let out = `curl -X ${method}`;
  for (const [k, v] of Object.entries(headers)) {
    out += ` -H ${shellQuote(`${k}: ${isSecretHeader(k) ? "<secret>" : v}`)}`;
  }
  return `${out} ${shellQuote(url)}`;
}
