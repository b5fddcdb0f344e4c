// Seeded mutations of rule-file text for the fuzz drill: line edits, indentation, truncation, YAML
// specials (anchors, tags, flow collections), rule keys with wrong values, template and expression
// fragments, huge scalars. The same seed gives the same mutation, so a failure can be replayed.

/** mulberry32: small, fast, good enough for picking mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  "groups",
  "name",
  "interval",
  "rules",
  "alert",
  "record",
  "expr",
  "for",
  "keep_firing_for",
  "labels",
  "annotations",
  "limit",
  "concurrency",
  "type",
  "eval_offset",
  "eval_delay",
  "eval_alignment",
  "query_offset",
  "params",
  "headers",
  "notifier_headers",
  "debug",
  "update_entries_limit",
  "tenant",
  "cron",
];

const VALUES = [
  "",
  "~",
  "null",
  "[]",
  "{}",
  "-1",
  "0",
  "1e308",
  "-1s",
  "1y",
  "5m5m",
  "99999999999999999999999d",
  "NaN",
  "true",
  '"\\u0000"',
  "'unterminated",
  '"unterminated',
  "&a x",
  "*a",
  "*nope",
  "!!binary aGVsbG8=",
  "!!map {}",
  "!!python/object:os.system",
  "<<: *a",
  "%{UNSET_ENV_VAR}",
  "%{HOME}",
  "{{ .Labels.x }}",
  "{{ .Value | humanize }}",
  "{{ range . }}{{ end }}",
  '{{ template "x" }}',
  "{{",
  "}}",
  "{{ .Labels.constructor }}",
  '{{ index .Labels "__proto__" }}',
  "sum(rate(x[5m])) by (",
  "rate(x[5m]",
  'x{a=~"("}',
  "histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (le))",
  "x offset -1d @ end()",
  "1 + ",
  "WITH (a = b) a",
  "\t",
  "- - -",
  "? complex key",
  ": :",
  "|",
  ">-",
  "\u202e\u0000\uffff",
  "😀",
];

const SNIPPETS = [
  "---\n",
  "...\n",
  "%YAML 1.1\n---\n",
  "x: &a [*a]\n",
  "a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
  "groups:\n",
  "groups: []\n",
  "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n",
  "  - name: \n",
  "      - alert: A\n        expr: up == 0\n        for: 5m\n",
  "      - record: job:x:sum\n        expr: sum(x) by (job)\n",
  "\t- tab: indented\n",
  "\ufeffgroups:\n",
];

export interface Mutation {
  text: string;
  /** What was done, for the report of a failing case. */
  ops: string[];
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

function mutateOnce(text: string, rnd: () => number, ops: string[]): string {
  const lines = text.split("\n");
  const li = Math.floor(rnd() * lines.length);
  const line = lines[li] ?? "";
  const op = Math.floor(rnd() * 14);
  switch (op) {
    case 0:
      ops.push(`delete line ${li + 1}`);
      lines.splice(li, 1);
      break;
    case 1:
      ops.push(`duplicate line ${li + 1}`);
      lines.splice(li, 0, line);
      break;
    case 2: {
      const lj = Math.floor(rnd() * lines.length);
      ops.push(`swap lines ${li + 1} and ${lj + 1}`);
      lines[li] = lines[lj] ?? "";
      lines[lj] = line;
      break;
    }
    case 3: {
      const d = Math.floor(rnd() * 5) - 2;
      ops.push(`indent line ${li + 1} by ${d}`);
      lines[li] = d >= 0 ? " ".repeat(d) + line : line.replace(new RegExp(`^ {0,${-d}}`), "");
      break;
    }
    case 4: {
      const at = Math.floor(rnd() * text.length);
      ops.push(`truncate at ${at}`);
      return text.slice(0, at);
    }
    case 5: {
      const v = pick(rnd, VALUES);
      const m = /^(\s*-?\s*[\w.]+:)\s*(.*)$/.exec(line);
      ops.push(`value of line ${li + 1} := ${JSON.stringify(v)}`);
      lines[li] = m ? `${m[1]} ${v}` : `${line} ${v}`;
      break;
    }
    case 6: {
      const k = pick(rnd, KEYS);
      ops.push(`key of line ${li + 1} := ${k}`);
      lines[li] = line.replace(/^(\s*-?\s*)[\w.]+:/, `$1${k}:`);
      break;
    }
    case 7: {
      const s = pick(rnd, SNIPPETS);
      ops.push(`insert snippet before line ${li + 1}`);
      lines.splice(li, 0, ...s.replace(/\n$/, "").split("\n"));
      break;
    }
    case 8: {
      const at = Math.floor(rnd() * text.length);
      const ch = String.fromCharCode(Math.floor(rnd() * 128));
      ops.push(`insert char ${ch.charCodeAt(0)} at ${at}`);
      return text.slice(0, at) + ch + text.slice(at);
    }
    case 9: {
      const at = Math.floor(rnd() * text.length);
      ops.push(`delete char at ${at}`);
      return text.slice(0, at) + text.slice(at + 1);
    }
    case 10: {
      const n = 1 << (10 + Math.floor(rnd() * 8));
      ops.push(`huge scalar (${n}) on line ${li + 1}`);
      const m = /^(\s*-?\s*[\w.]+:)/.exec(line);
      lines[li] = m ? `${m[1]} ${"x".repeat(n)}` : `${line}${"{".repeat(Math.min(n, 4096))}`;
      break;
    }
    case 11: {
      const depth = 20 + Math.floor(rnd() * 2000);
      ops.push(`nesting ${depth} deep on line ${li + 1}`);
      lines[li] = `${line} ${"[".repeat(depth)}${"]".repeat(depth)}`;
      break;
    }
    case 12: {
      const v = pick(rnd, VALUES);
      ops.push(`expr on line ${li + 1} gets ${JSON.stringify(v)}`);
      lines[li] = line.replace(/(expr:\s*).*/, `$1${v}`);
      break;
    }
    default: {
      const at = Math.floor(rnd() * text.length);
      const b = Math.floor(rnd() * 256);
      ops.push(`byte ${b} at ${at}`);
      return text.slice(0, at) + String.fromCharCode(b) + text.slice(at + 1);
    }
  }
  return lines.join("\n");
}

/** 1 to 3 mutations of `text`, chosen by `seed`. */
export function mutate(text: string, seed: number): Mutation {
  const rnd = prng(seed);
  const ops: string[] = [];
  let out = text;
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) out = mutateOnce(out, rnd, ops);
  return { text: out, ops };
}
