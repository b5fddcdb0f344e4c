// Snappy block-format compression (what remote write's `Content-Encoding: snappy` means), in plain JS.
// The native `snappy` package links mimalloc, which reserves 1 GiB and keeps freed pages resident:
// at 28,000 alerts that was 40 MiB of RSS for buffers already gone. Bodies are small (one rule's
// series, rarely more than a few MiB), so compressing them here costs a few ms per iteration.
// Format: https://github.com/google/snappy/blob/main/format_description.txt. The matcher follows the
// reference encoder (64 KiB blocks, 4-byte hash, skip heuristic), so ratios are the same.

const BLOCK_SIZE = 1 << 16;
/** Blocks shorter than this are stored as one literal: too short to hold a match worth emitting. */
const MIN_NON_LITERAL_BLOCK = 1 + 1 + 15;
/** The last bytes of a block are never searched (loads of 4-8 bytes must stay inside it). */
const INPUT_MARGIN = 15;
const TABLE_BITS = 14;
const HASH_SHIFT = 32 - TABLE_BITS;

const TAG_LITERAL = 0x00;
const TAG_COPY1 = 0x01;
const TAG_COPY2 = 0x02;

// Positions relative to the block start; reset per block (compression is synchronous).
const table = new Int32Array(1 << TABLE_BITS);

/** Worst case of the format: every byte a literal plus tag overhead. */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function hash(u: number): number {
  return Math.imul(u, 0x1e35a7bd) >>> HASH_SHIFT;
}

function emitLiteral(dst: Uint8Array, d: number, src: Uint8Array, start: number, end: number): number {
  const n = end - start - 1;
  if (n < 60) {
    dst[d++] = (n << 2) | TAG_LITERAL;
  } else if (n < 0x100) {
    dst[d++] = (60 << 2) | TAG_LITERAL;
    dst[d++] = n;
  } else if (n < 0x10000) {
    dst[d++] = (61 << 2) | TAG_LITERAL;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  } else if (n < 0x1000000) {
    dst[d++] = (62 << 2) | TAG_LITERAL;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = n >>> 16;
  } else {
    dst[d++] = (63 << 2) | TAG_LITERAL;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = (n >>> 16) & 0xff;
    dst[d++] = n >>> 24;
  }
  if (n < 32) {
    for (let i = start; i < end; i++) dst[d++] = src[i];
    return d;
  }
  dst.set(src.subarray(start, end), d);
  return d + n + 1;
}

/** offset in [1, 65535], length >= 4. */
function emitCopy(dst: Uint8Array, d: number, offset: number, length: number): number {
  while (length >= 68) {
    dst[d++] = (63 << 2) | TAG_COPY2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    length -= 64;
  }
  if (length > 64) {
    dst[d++] = (59 << 2) | TAG_COPY2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    length -= 60;
  }
  if (length >= 12 || offset >= 2048) {
    dst[d++] = ((length - 1) << 2) | TAG_COPY2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    return d;
  }
  dst[d++] = ((offset >>> 8) << 5) | ((length - 4) << 2) | TAG_COPY1;
  dst[d++] = offset & 0xff;
  return d;
}

/** Compresses src[p, end) (end - p <= BLOCK_SIZE) into dst at d; returns the new d. */
function encodeBlock(dst: Uint8Array, d: number, src: Uint8Array, p: number, end: number): number {
  table.fill(0);
  const sLimit = end - p - INPUT_MARGIN;
  let nextEmit = 0;
  let s = 1;
  let nextHash = hash(load32(src, p + s));
  for (;;) {
    let skip = 32;
    let nextS = s;
    let candidate = 0;
    for (;;) {
      s = nextS;
      const step = skip >> 5;
      nextS = s + step;
      skip += step;
      if (nextS > sLimit) return nextEmit < end - p ? emitLiteral(dst, d, src, p + nextEmit, end) : d;
      candidate = table[nextHash];
      table[nextHash] = s;
      nextHash = hash(load32(src, p + nextS));
      if (load32(src, p + s) === load32(src, p + candidate)) break;
    }
    d = emitLiteral(dst, d, src, p + nextEmit, p + s);
    for (;;) {
      const base = s;
      s += 4;
      let i = candidate + 4;
      while (p + s < end && src[p + i] === src[p + s]) {
        i++;
        s++;
      }
      d = emitCopy(dst, d, base - candidate, s - base);
      nextEmit = s;
      if (s >= sLimit) return nextEmit < end - p ? emitLiteral(dst, d, src, p + nextEmit, end) : d;
      // Hash the position just before and at s, as the reference does, to find an immediate next match.
      table[hash(load32(src, p + s - 1))] = s - 1;
      const cur = load32(src, p + s);
      const currHash = hash(cur);
      candidate = table[currHash];
      table[currHash] = s;
      if (cur !== load32(src, p + candidate)) {
        nextHash = hash(load32(src, p + s + 1));
        s++;
        break;
      }
    }
  }
}

/** Snappy block format (not the framed stream format) of src. */
export function snappyCompress(src: Uint8Array): Buffer {
  const n = src.length;
  const dst = Buffer.allocUnsafe(maxCompressedLength(n));
  let d = 0;
  let v = n;
  while (v >= 0x80) {
    dst[d++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  dst[d++] = v;
  for (let p = 0; p < n; p += BLOCK_SIZE) {
    const end = Math.min(p + BLOCK_SIZE, n);
    d = end - p < MIN_NON_LITERAL_BLOCK ? emitLiteral(dst, d, src, p, end) : encodeBlock(dst, d, src, p, end);
  }
  return dst.subarray(0, d);
}
