// Header helpers shared by every outbound client: the `K:v^^K2:v2` flag syntax and secret detection.
import { TsalertError } from "../errors.js";
import { isSecretName, SECRET_REPLACEMENT } from "./redact.js";

/**
 * Parses vmalert's header flag syntax: `Name:value` pairs joined by `^^`. Whitespace around names and
 * values is trimmed; an empty string gives no headers. A pair without `:` is an error.
 */
export function parseHeaders(spec: string, flagName = "headers"): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec.trim() === "") return out;
  for (const pair of spec.split("^^")) {
    if (pair.trim() === "") continue;
    const i = pair.indexOf(":");
    if (i <= 0) {
      throw new TsalertError("TSA_FLAG", `-${flagName}: header "${pair}" must be "Name:value" (pairs joined by "^^")`);
    }
    out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

/** Parses group `headers` / `notifier_headers` entries, each "Name: value". */
export function parseHeaderList(list: readonly string[], what = "header"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf(":");
    if (i <= 0) throw new TsalertError("TSA_CONFIG", `${what} "${item}" must be "Name: value"`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

/** Header names whose values are never shown (curl strings, logs): vmalert's rule for its curl output. */
export function isSecretHeader(name: string): boolean {
  return isSecretName(name);
}

/**
 * Group `headers` / `notifier_headers` entries as the API shows them: `Name: <secret>`. Configured header
 * values may be credentials under any name (vmalert shows them as given).
 */
export function maskHeaderList(list: readonly string[]): string[] {
  return list.map((item) => {
    const i = item.indexOf(":");
    return i > 0 ? `${item.slice(0, i).trim()}: ${SECRET_REPLACEMENT}` : SECRET_REPLACEMENT;
  });
}
