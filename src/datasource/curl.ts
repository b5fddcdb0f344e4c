// The request as a shell command for the rule history (each entry of a rule's `updates`): secrets never appear in it.
import { isSecretHeader } from "../net/headers.js";

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** `curl -X POST -H 'Content-Type: application/json' -H 'Authorization: <secret>' '<url>'`. */
export function toCurl(method: string, url: string, headers: Record<string, string>): string {
  const parts = ["curl -X ", method];
  for (const [k, v] of Object.entries(headers)) {
    parts.push(" -H ", shellQuote(`${k}: ${isSecretHeader(k) ? "<secret>" : v}`));
  }
  parts.push(" ", shellQuote(url));
  // One flat string (join), not a rope of pieces: every rule keeps one per history entry.
  return parts.join("");
}
