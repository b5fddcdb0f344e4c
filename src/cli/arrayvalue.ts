// Splitting of array flag values the way VictoriaMetrics' flagutil does: commas separate items, except
// inside quotes or brackets; a fully quoted item loses its quotes.

const CLOSING: Record<string, string> = { "[": "]", "{": "}", "(": ")" };

export function splitArrayValue(s: string): string[] {
  if (s === "") return [""];
  const items: string[] = [];
  let rest = s;
  for (;;) {
    const [raw, tail] = nextItem(rest);
    items.push(unquoteItem(raw));
    if (tail === "") return items;
    rest = tail.slice(1); // drop the comma
    if (rest === "") {
      items.push("");
      return items;
    }
  }
}

function nextItem(s: string): [string, string] {
  const stack: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const top = stack[stack.length - 1];
    if (top === '"' || top === "'") {
      if (c === "\\") i++;
      else if (c === top) stack.pop();
      continue;
    }
    if (c === '"' || c === "'") stack.push(c);
    else if (CLOSING[c]) stack.push(CLOSING[c]);
    else if (c === top) stack.pop();
    else if (c === "," && stack.length === 0) return [s.slice(0, i), s.slice(i)];
  }
  return [s, ""];
}

function unquoteItem(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    const go = goUnquote(v);
    if (go !== null) return go;
    return v.slice(1, -1).replaceAll('\\"', '"').replaceAll("\\\\", "\\");
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) {
    return v.slice(1, -1).replaceAll("\\'", "'").replaceAll("\\\\", "\\");
  }
  return v;
}

// Go's strconv.Unquote for a double-quoted string is close enough to JSON string syntax; the
// differences (\x, \a, \v, octal) are rare in flag values.
function goUnquote(v: string): string | null {
  const jsonish = v
    .replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")
    .replaceAll("\\a", "\\u0007")
    .replaceAll("\\v", "\\u000b");
  try {
    const out: unknown = JSON.parse(jsonish);
    return typeof out === "string" ? out : null;
  } catch {
    return null;
  }
}
