// Prometheus remote-write 1.0 WriteRequest, encoded by hand: three tiny messages do not justify a
// protobuf runtime, and two passes (sizes first, then bytes into one Buffer) avoid every copy.
//   WriteRequest{repeated TimeSeries timeseries = 1}
//   TimeSeries{repeated Label labels = 1; repeated Sample samples = 2}
//   Label{string name = 1; string value = 2}
//   Sample{double value = 1; int64 timestamp = 2}
import { isStaleNaN } from "./stale.js";
import type { TimeSeries } from "./types.js";

const TAG_1_LEN = 0x0a; // field 1, wire type 2
const TAG_2_LEN = 0x12; // field 2, wire type 2
const TAG_1_F64 = 0x09; // field 1, wire type 1
const TAG_2_VARINT = 0x10; // field 2, wire type 0
// Sample body: tag + 8 bytes double + tag + varint timestamp.
const SAMPLE_FIXED = 1 + 8 + 1;

function varintSize(v: number): number {
  if (v < 0) return 10; // int64 two's complement
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 4;
  v = Math.floor(v / 0x10000000);
  while (v > 0) {
    n++;
    v = Math.floor(v / 0x80);
  }
  return n;
}

function writeVarint(buf: Buffer, off: number, v: number): number {
  if (v < 0) return writeNegativeVarint(buf, off, v);
  while (v >= 0x80) {
    buf[off++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[off++] = v;
  return off;
}

function writeNegativeVarint(buf: Buffer, off: number, v: number): number {
  let b = BigInt.asUintN(64, BigInt(Math.trunc(v)));
  while (b >= 0x80n) {
    buf[off++] = Number(b & 0x7fn) | 0x80;
    b >>= 7n;
  }
  buf[off++] = Number(b);
  return off;
}

// Label strings are short and mostly ASCII: a plain loop beats the native call's overhead there.
function writeString(buf: Buffer, off: number, s: string, byteLen: number): number {
  if (byteLen === s.length && byteLen < 48) {
    for (let i = 0; i < byteLen; i++) buf[off + i] = s.charCodeAt(i);
    return off + byteLen;
  }
  return off + buf.write(s, off, byteLen, "utf8");
}

/** UTF-8 length; short ASCII strings (nearly all label names and values) are measured without a native call. */
function utf8Length(s: string): number {
  const len = s.length;
  if (len > 64) return Buffer.byteLength(s, "utf8");
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, "utf8");
  return len;
}

// Scratch space for string lengths between the two passes, reused across calls (encoding is synchronous).
let lens = new Int32Array(1024);

/** Writes s as bytes; -1 when s is not ASCII (then the optimistic lengths were wrong). */
function writeAscii(buf: Buffer, off: number, s: string): number {
  const len = s.length;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    bits |= c;
    buf[off + i] = c;
  }
  return bits > 0x7f ? -1 : off + len;
}

/**
 * Encodes series as a WriteRequest. Timestamps are whole ms (fractions are truncated). Samples flagged
 * `stale` (or carrying the staleness NaN) are written with the exact marker bits.
 */
export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  // Label strings are nearly always ASCII: assume byte length = string length and check while writing,
  // which saves a scan of every string; on the first non-ASCII character start over with exact lengths.
  return encode(series, false) ?? (encode(series, true) as Buffer);
}

function encode(series: readonly TimeSeries[], exact: boolean): Buffer | null {
  // Pass 1: byte lengths of every string and message, kept in order for pass 2.
  const seriesLens = new Int32Array(series.length);
  let total = 0;
  let k = 0;
  for (let i = 0; i < series.length; i++) {
    const ts = series[i];
    let len = 0;
    const labels = ts.labels;
    if (k + 2 * labels.length > lens.length) {
      const grown = new Int32Array(Math.max(lens.length * 2, k + 2 * labels.length));
      grown.set(lens.subarray(0, k));
      lens = grown;
    }
    for (let j = 0; j < labels.length; j++) {
      const l = labels[j];
      const n = exact ? utf8Length(l.name) : l.name.length;
      const v = exact ? utf8Length(l.value) : l.value.length;
      lens[k++] = n;
      lens[k++] = v;
      const body = 1 + varintSize(n) + n + 1 + varintSize(v) + v;
      len += 1 + varintSize(body) + body;
    }
    for (const s of ts.samples) {
      const body = SAMPLE_FIXED + varintSize(Math.trunc(s.timestamp));
      len += 1 + varintSize(body) + body;
    }
    seriesLens[i] = len;
    total += 1 + varintSize(len) + len;
  }

  // Pass 2: write.
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  k = 0;
  for (let i = 0; i < series.length; i++) {
    const ts = series[i];
    buf[off++] = TAG_1_LEN;
    off = writeVarint(buf, off, seriesLens[i]);
    for (const l of ts.labels) {
      const n = lens[k++];
      const v = lens[k++];
      buf[off++] = TAG_1_LEN;
      off = writeVarint(buf, off, 1 + varintSize(n) + n + 1 + varintSize(v) + v);
      buf[off++] = TAG_1_LEN;
      off = writeVarint(buf, off, n);
      off = exact ? writeString(buf, off, l.name, n) : writeAscii(buf, off, l.name);
      if (off < 0) return null;
      buf[off++] = TAG_2_LEN;
      off = writeVarint(buf, off, v);
      off = exact ? writeString(buf, off, l.value, v) : writeAscii(buf, off, l.value);
      if (off < 0) return null;
    }
    for (const s of ts.samples) {
      const t = Math.trunc(s.timestamp);
      buf[off++] = TAG_2_LEN;
      off = writeVarint(buf, off, SAMPLE_FIXED + varintSize(t));
      buf[off++] = TAG_1_F64;
      if (s.stale || isStaleNaN(s.value)) {
        buf.writeUInt32LE(0x00000002, off);
        buf.writeUInt32LE(0x7ff00000, off + 4);
      } else {
        buf.writeDoubleLE(s.value, off);
      }
      off += 8;
      buf[off++] = TAG_2_VARINT;
      off = writeVarint(buf, off, t);
    }
  }
  return buf;
}
