// IDs as vmalert computes them: 64-bit FNV-1a over UTF-8, shown as decimal uint64.
// The hash runs on four 16-bit limbs so it stays in plain number arithmetic (no BigInt per byte).

const SEP = 0xff;

/** Incremental FNV-1a 64; the state lives in four 16-bit limbs, a0 least significant. */
export class Fnv64 {
  private a0 = 0x2325;
  private a1 = 0x8422;
  private a2 = 0x9ce4;
  private a3 = 0xcbf2;

  byte(b: number): this {
    const x0 = this.a0 ^ b;
    // prime 0x100000001b3: low part 0x1b3, plus 1 << 40 (limb 2, shifted by 8 bits).
    const t0 = x0 * 0x1b3;
    let t1 = this.a1 * 0x1b3;
    let t2 = this.a2 * 0x1b3;
    let t3 = this.a3 * 0x1b3;
    t2 += x0 << 8;
    t3 += this.a1 << 8;
    t1 += t0 >>> 16;
    this.a0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    this.a1 = t1 & 0xffff;
    t3 += t2 >>> 16;
    this.a2 = t2 & 0xffff;
    this.a3 = t3 & 0xffff;
    return this;
  }

  string(s: string): this {
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        this.byte(c);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate: Go writes U+FFFD
      if (c < 0x800) {
        this.byte(0xc0 | (c >> 6)).byte(0x80 | (c & 0x3f));
      } else if (c < 0x10000) {
        this.byte(0xe0 | (c >> 12))
          .byte(0x80 | ((c >> 6) & 0x3f))
          .byte(0x80 | (c & 0x3f));
      } else {
        this.byte(0xf0 | (c >> 18))
          .byte(0x80 | ((c >> 12) & 0x3f))
          .byte(0x80 | ((c >> 6) & 0x3f))
          .byte(0x80 | (c & 0x3f));
      }
    }
    return this;
  }

  sep(): this {
    return this.byte(SEP);
  }

  /** The hash as a 4-character string: a cheap Map key (decimal IDs cost a BigInt). */
  key(): string {
    return String.fromCharCode(this.a0, this.a1, this.a2, this.a3);
  }

  /** Decimal uint64, as vmalert prints IDs. */
  decimal(): string {
    const hi = this.a3 * 0x10000 + this.a2;
    const lo = this.a1 * 0x10000 + this.a0;
    if (hi < 0x200000) return String(hi * 0x100000000 + lo); // exact below 2^53
    return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** The hash as a fraction of 2^64 in [0, 1), for start-phase computation. */
  fraction(): number {
    return (this.a3 * 0x10000 + this.a2) / 0x100000000 + (this.a1 * 0x10000 + this.a0) / 0x10000000000000000;
  }

  bigint(): bigint {
    return (BigInt(this.a3 * 0x10000 + this.a2) << 32n) | BigInt(this.a1 * 0x10000 + this.a0);
  }
}

/** Hash of a label set as key,value,0xFF sorted by key, skipping `__name__` (alert ID, rule labels). */
export function labelsHash(labels: Record<string, string>, sortedKeys?: readonly string[]): Fnv64 {
  const h = new Fnv64();
  const keys = sortedKeys ?? Object.keys(labels).sort();
  for (const k of keys) {
    if (k === "__name__") continue;
    h.string(k).string(labels[k]).sep();
  }
  return h;
}

export function alertID(labels: Record<string, string>, sortedKeys?: readonly string[]): string {
  return labelsHash(labels, sortedKeys).decimal();
}

/** Map key of an alert's labels (same hash as alertID). */
export function alertKey(labels: Record<string, string>, sortedKeys?: readonly string[]): string {
  return labelsHash(labels, sortedKeys).key();
}

export function ruleID(
  kind: "alerting" | "recording",
  name: string,
  expr: string,
  ownLabels: Record<string, string>,
): string {
  const h = new Fnv64().string(expr).string(kind).string(name);
  for (const k of Object.keys(ownLabels).sort()) h.string(k).string(ownLabels[k]).sep();
  return h.decimal();
}

export interface GroupIdentity {
  file: string;
  name: string;
  type: string;
  /** Effective interval, ms. */
  interval: number;
  evalOffset?: number;
  /** tsalert extension: a cron group hashes its schedule where others hash the interval. */
  cron?: string;
}

export function groupHash(g: GroupIdentity): Fnv64 {
  const h = new Fnv64().string(g.file).sep().string(g.name).string(g.type);
  h.string(g.cron !== undefined ? `cron:${g.cron}` : goDuration(g.interval));
  if (g.evalOffset !== undefined) h.string(goDuration(g.evalOffset));
  return h;
}

export function groupID(g: GroupIdentity): string {
  return groupHash(g).decimal();
}

/** Go's time.Duration.String() for a duration in ms (sub-ms fractions allowed down to ns). */
export function goDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return "0s";
  const neg = ns < 0;
  if (neg) ns = -ns;
  let out: string;
  if (ns < 1e9) {
    if (ns < 1e3) out = `${ns}ns`;
    else if (ns < 1e6) out = `${fracDigits(ns, 1e3)}µs`;
    else out = `${fracDigits(ns, 1e6)}ms`;
  } else {
    const h = Math.floor(ns / 3.6e12);
    ns -= h * 3.6e12;
    const m = Math.floor(ns / 6e10);
    ns -= m * 6e10;
    const s = `${fracDigits(ns, 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function fracDigits(v: number, unit: number): string {
  const whole = Math.floor(v / unit);
  const frac = v - whole * unit;
  if (frac === 0) return String(whole);
  const width = String(unit).length - 1;
  return `${whole}.${String(frac).padStart(width, "0").replace(/0+$/, "")}`;
}
