// Path append as vmalert does it.

/** `<url>/api/v1/write` unless disablePathAppend; a trailing `/` of the base is dropped. */
export function writeURL(base: string, disablePathAppend = false): string {
  if (disablePathAppend) return base;
  return `${base.replace(/\/+$/, "")}/api/v1/write`;
}
