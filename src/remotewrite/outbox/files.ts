// Segment files of an outbox directory, and reading them in windows: one read syscall serves many
// small records, and no read is ever larger than the window or the file.
import { readdirSync, statSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { findHeader, HEADER_BYTES, parseHeader } from "./record.js";

/** Segment names are their logical start offset: 16 hex digits. Anything else in the directory is ignored. */
const SEGMENT_NAME = /^([0-9a-f]{16})\.seg$/;
const WINDOW_BYTES = 1 << 20;

export interface Segment {
  /** Logical offset of its first byte (the byte stream of all segments in order). */
  start: number;
  /** Bytes in the file that count: written and fsynced (for the segment being written). */
  size: number;
  /** Rows of the records with an intact header. */
  rows: number;
  path: string;
}

export function segmentPath(dir: string, start: number): string {
  return join(dir, `${start.toString(16).padStart(16, "0")}.seg`);
}

/** The segments in `dir`, oldest first, with their sizes (rows are counted by `scanSegment`). */
export function listSegments(dir: string): Segment[] {
  const out: Segment[] = [];
  for (const name of readdirSync(dir)) {
    const m = SEGMENT_NAME.exec(name);
    if (!m) continue;
    const start = Number.parseInt(m[1], 16);
    if (!Number.isSafeInteger(start)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({ start, size: st.size, rows: 0, path });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Reads a file through a window of up to 1 MiB. */
export class WindowReader {
  #buf = Buffer.alloc(0);
  #at = 0;

  constructor(
    readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** Bytes [pos, pos + len) (fewer at the end of the file); a view valid until the next call. */
  async read(pos: number, len: number): Promise<Buffer> {
    len = Math.max(0, Math.min(len, this.size - pos));
    if (pos < this.#at || pos + len > this.#at + this.#buf.length) {
      const want = Math.min(Math.max(len, WINDOW_BYTES), this.size - pos);
      if (this.#buf.length < want) this.#buf = Buffer.allocUnsafe(Math.max(want, WINDOW_BYTES));
      const { bytesRead } = await this.fh.read(this.#buf, 0, want, pos);
      this.#at = pos;
      return this.#buf.subarray(0, Math.min(len, bytesRead));
    }
    return this.#buf.subarray(pos - this.#at, pos - this.#at + len);
  }

  /** Offset of the first intact header at or after `from`, or -1. */
  async findHeader(from: number): Promise<number> {
    for (let p = from; p + HEADER_BYTES <= this.size; ) {
      const len = Math.min(WINDOW_BYTES, this.size - p);
      const buf = await this.read(p, len);
      // A header must lie wholly in the window; the next window overlaps by a header less one byte.
      const i = findHeader(buf, 0, len - HEADER_BYTES + 1);
      if (i >= 0) return p + i;
      if (p + len >= this.size) return -1;
      p += len - HEADER_BYTES + 1;
    }
    return -1;
  }
}

export interface SegmentScan {
  rows: number;
  /** Rows of the records that end at or before `before`. */
  rowsBefore: number;
  /** End of the last intact record that nothing intact follows: where a torn write would begin. */
  validEnd: number;
  /** Intact records follow a damaged stretch (left for the reader, which skips and counts it). */
  damaged: boolean;
}

/**
 * Walks the headers of a segment (payloads are checked when they are read, not here). A damaged
 * stretch is skipped to the next intact header.
 */
export async function scanSegment(fh: FileHandle, size: number, before: number): Promise<SegmentScan> {
  const r = new WindowReader(fh, size);
  const scan: SegmentScan = { rows: 0, rowsBefore: 0, validEnd: 0, damaged: false };
  let pos = 0;
  while (pos + HEADER_BYTES <= size) {
    const h = parseHeader(await r.read(pos, HEADER_BYTES));
    if (h && pos + HEADER_BYTES + h.length <= size) {
      pos += HEADER_BYTES + h.length;
      scan.rows += h.rows;
      if (pos <= before) scan.rowsBefore += h.rows;
      scan.validEnd = pos;
      continue;
    }
    const next = await r.findHeader(pos + 1);
    if (next < 0) break;
    scan.damaged = true;
    pos = next;
  }
  return scan;
}

export function dirExists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
