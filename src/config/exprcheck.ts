import { errorMessage } from "../errors.js";
// Light syntax checks for the non-Prometheus datasource types, enough to catch what vmalert's
// loader rejects: a Graphite expression must be one well-formed target; a LogsQL rule query needs a
// filter and a `stats` pipe that does not group by _time.

export interface ExprProblem {
  message: string;
  line?: number;
  col?: number;
}

const PATH_CHAR = /[A-Za-z0-9_.*\-[\]<>:~$@#%^&?!{}=/+]/;

/** Graphite target: path | number | 'string' | "string" | func(args, kw=arg). */
export function checkGraphite(expr: string): ExprProblem | null {
  let i = 0;
  const skip = () => {
    while (i < expr.length && /\s/.test(expr[i])) i++;
  };
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { col: i + 1 });
  };
  const term = (): void => {
    skip();
    const c = expr[i];
    if (c === "'" || c === '"') {
      const end = expr.indexOf(c, i + 1);
      if (end < 0) fail("unclosed string");
      i = end + 1;
      return;
    }
    const start = i;
    let depth = 0;
    while (i < expr.length) {
      const ch = expr[i];
      if (ch === "{") depth++;
      else if (ch === "}") depth--;
      else if (depth > 0 && ch === ",") {
        i++;
        continue;
      }
      if (depth === 0 && (ch === "=" || !PATH_CHAR.test(ch))) break;
      i++;
    }
    if (i === start) fail(`unexpected ${c === undefined ? "end of expression" : JSON.stringify(c)}`);
    skip();
    if (expr[i] === "=" && expr[i + 1] !== "=") {
      i++;
      term();
      return;
    }
    if (expr[i] !== "(") return;
    i++;
    skip();
    if (expr[i] === ")") {
      i++;
      return;
    }
    for (;;) {
      term();
      skip();
      if (expr[i] === ",") {
        i++;
        continue;
      }
      if (expr[i] === ")") {
        i++;
        return;
      }
      fail(`expected "," or ")" at ${JSON.stringify(expr.slice(i, i + 10))}`);
    }
  };
  try {
    term();
    skip();
    if (i < expr.length) fail(`unexpected tail left after parsing: ${JSON.stringify(expr.slice(i))}`);
    return null;
  } catch (err) {
    return { message: errorMessage(err), line: 1, col: (err as { col?: number }).col };
  }
}

/** Splits at top-level `|` (outside quotes and parentheses). */
function pipes(q: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(q.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(q.slice(start));
  return parts.map((p) => p.trim());
}

export function checkLogsQL(expr: string): ExprProblem | null {
  const parts = pipes(expr);
  const isStats = (p: string) => /^stats\b/i.test(p);
  if (parts[0] === "" || isStats(parts[0])) {
    return { message: "missing filter before the first pipe (use `* | stats ...`)" };
  }
  const stats = parts.filter(isStats);
  if (stats.length === 0) return { message: "a rule query needs a `| stats ...` pipe" };
  for (const s of stats) {
    const by = /^stats\s+by\s*\(([^)]*)\)/i.exec(s);
    if (by && /(^|,)\s*_time\b/.test(by[1])) {
      return { message: "stats must not group by _time in rules (vmalert sets the time)" };
    }
  }
  return null;
}
