// An append-only log of records in segment files, with a read cursor and a saved read offset.
//
// - Appends are written and fdatasync'ed (new segment files also fsync their directory) before they
//   count as stored: what a flush acknowledged survives a kill -9 or a power loss.
// - Records are read in order from the read offset; a record a sender holds is "in flight" until it is
//   done. The offset saved is the first record not done, so a restart resends in-flight records
//   (at-least-once) and never skips one.
// - Segments wholly before the saved offset are deleted. Past maxDiskBytes the oldest segments are
//   deleted even if unread, and their unread rows reported as dropped.
// - A record whose header or payload checksum fails is skipped and reported; the rest is read on.
// - At open, the last segment of the previous run is checked for a torn write (a record cut short by
//   a kill), which is cut off: it was never acknowledged.

import { randomBytes } from "node:crypto";
import { mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";
import type { Logger } from "pino";
import { errorMessage } from "../../errors.js";
import { listSegments, type Segment, scanSegment, segmentPath, WindowReader } from "./files.js";
import { lockDir } from "./lock.js";
import { readOffset, saveOffset } from "./offset.js";
import { crc32c, HEADER_BYTES, parseHeader } from "./record.js";

export interface OutboxRecord {
  /** Logical offset of its header. */
  offset: number;
  /** Logical offset just after it. */
  end: number;
  rows: number;
  epoch: number;
  seq: number;
  body: Buffer;
}

export interface AppendItem {
  header: Buffer;
  body: Buffer;
  rows: number;
  seq: number;
}

export interface OutboxLogOptions {
  dir: string;
  /** 0: no bound. */
  maxDiskBytes: number;
  segmentBytes: number;
  /** Marks records of this process (their seq counts for flushes). */
  epoch: number;
  log: Logger;
  /** Unread rows lost: "disk_limit" (oldest segments deleted) or "corrupt" (payload checksum). */
  onDrop(rows: number, reason: "disk_limit" | "corrupt", message: string): void;
  onCorruptBytes(bytes: number): void;
  /** Something a reader or a flush may wait for happened. */
  onChange(): void;
}

/**
 * The read offset is saved at most this often (right away when the last save is older): a crash may
 * resend up to this much of what was delivered (at-least-once), and a flush
 * after every rule does not cost a file rename each.
 */
export const OFFSET_SAVE_INTERVAL_MS = 1_000;

/** Records appended by this process are kept this long in memory, so a sender that keeps up never reads them back. */
const HOT_MAX_BYTES = 8 << 20;

/** Segment size for a disk bound: small enough that dropping one loses an eighth of the bound at most. */
export function segmentBytesFor(maxDiskBytes: number): number {
  const MAX = 64 << 20;
  if (!(maxDiskBytes > 0)) return MAX;
  return Math.min(MAX, Math.max(256 << 10, Math.floor(maxDiskBytes / 8)));
}

export class OutboxLog {
  readonly dir: string;
  readonly ready: Promise<void>;
  /** Rows of records not yet read (approximate for damaged stretches). */
  unreadRows = 0;
  /** Seq after the last record of this process read (or skipped); lags behind only while records are unread. */
  ownReadSeq = 0;
  #ownStoredSeq = 0;
  #segments: Segment[];
  /** What an earlier run left (recovered asynchronously). */
  readonly #old: Segment[];
  #write?: { seg: Segment; fh: FileHandle };
  #reader?: { seg: Segment; fh: FileHandle; win: WindowReader };
  #readPos = 0;
  /** Rows read so far from #rowsSeg (the segment the reader is in), for the disk bound's drop count. */
  #rowsSeg?: Segment;
  #rowsReadInSeg = 0;
  #inflight = new Map<number, OutboxRecord>();
  #hot = new Map<number, OutboxRecord>();
  #hotBytes = 0;
  #savedOffset = 0;
  #saving?: Promise<void>;
  #saveAgain = false;
  #saveTimer?: NodeJS.Timeout;
  #lastSave = 0;
  #readChain: Promise<unknown> = Promise.resolve();
  #appendChain: Promise<unknown> = Promise.resolve();
  #release: () => void;
  #closed = false;
  readonly #o: OutboxLogOptions;

  /** Creates the directory and takes its lock synchronously (errors here are the caller's to report). */
  constructor(o: OutboxLogOptions) {
    this.#o = o;
    this.dir = o.dir;
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    this.#release = lockDir(o.dir);
    try {
      this.#segments = listSegments(o.dir).filter((s) => {
        // An empty segment (created just before a kill) holds nothing; its name would clash with ours.
        if (s.size > 0) return true;
        unlinkSync(s.path);
        return false;
      });
    } catch (err) {
      this.#release();
      throw err;
    }
    this.#old = [...this.#segments];
    this.ready = this.#recover().catch((err: unknown) => {
      // Unreadable leftovers must not stop new writes: they are skipped, and the log says so.
      o.log.error(`remote write outbox ${o.dir}: cannot read what an earlier run left: ${errorMessage(err)}`);
      this.#readPos = this.#end();
      this.#savedOffset = this.#readPos;
    });
  }

  get totalBytes(): number {
    let n = 0;
    for (const s of this.#segments) n += s.size;
    return n;
  }

  get inflightRows(): number {
    let n = 0;
    for (const r of this.#inflight.values()) n += r.rows;
    return n;
  }

  #end(): number {
    const last = this.#segments.at(-1);
    return last ? last.start + last.size : 0;
  }

  async #recover(): Promise<void> {
    const { offset, problem } = await readOffset(this.dir);
    if (problem) this.#o.log.warn(`remote write outbox ${this.dir}: ${problem}; reading from its oldest segment`);
    const old = this.#old;
    const oldEnd = old.length > 0 ? old[old.length - 1].start + old[old.length - 1].size : 0;
    let pos = Math.max(offset ?? 0, old[0]?.start ?? 0);
    if (pos > oldEnd) pos = oldEnd;
    this.#readPos = pos;
    this.#savedOffset = pos;
    let unread = 0;
    for (const [i, seg] of old.entries()) {
      const fh = await open(seg.path, "r+");
      try {
        const scan = await scanSegment(fh, seg.size, pos - seg.start);
        seg.rows = scan.rows;
        if (seg.start + seg.size > pos) unread += seg.start >= pos ? scan.rows : scan.rows - scan.rowsBefore;
        if (seg.start <= pos && pos < seg.start + seg.size) {
          this.#rowsSeg = seg;
          this.#rowsReadInSeg = scan.rowsBefore;
        }
        // Only the newest segment can end in a torn write (older ones were complete when the next began).
        if (i === old.length - 1 && scan.validEnd < seg.size) {
          const cut = seg.size - scan.validEnd;
          await fh.truncate(scan.validEnd);
          await fh.datasync();
          seg.size = scan.validEnd;
          if (this.#readPos > seg.start + seg.size) this.#readPos = seg.start + seg.size;
          this.#o.log.info(
            `remote write outbox ${this.dir}: cut ${cut} bytes of a record that was being written when the previous run stopped (never acknowledged)`,
          );
        }
      } finally {
        await fh.close();
      }
    }
    this.unreadRows += unread;
    await this.#deleteConsumed();
    this.#o.onChange();
  }

  /** Appends records; resolves once they are on disk. `throughSeq`: this process's rows below it are now stored or dropped. */
  append(items: AppendItem[], throughSeq: number): Promise<void> {
    const run = async () => {
      if (items.length > 0) await this.#appendNow(items);
      this.#ownStoredSeq = Math.max(this.#ownStoredSeq, throughSeq);
    };
    const p = this.#appendChain.then(run);
    this.#appendChain = p.catch(() => {});
    return p.finally(() => {
      this.#o.onChange();
      if (this.#o.maxDiskBytes > 0) {
        void this.#serial(async () => {
          await this.ready;
          await this.#enforceLimit();
        });
      }
    });
  }

  async #appendNow(items: AppendItem[]): Promise<void> {
    let bytes = 0;
    for (const it of items) bytes += it.header.length + it.body.length;
    const w = await this.#writeSegment(bytes);
    const at = w.seg.size;
    // One buffer, one write call: cheaper than writev for the few small records of a flush.
    const bufs: Buffer[] = [];
    for (const it of items) bufs.push(it.header, it.body);
    const data = Buffer.concat(bufs, bytes);
    try {
      let written = 0;
      while (written < bytes) {
        const { bytesWritten } = await w.fh.write(data, written, bytes - written, at + written);
        if (bytesWritten <= 0) throw new Error("short write");
        written += bytesWritten;
      }
      await w.fh.datasync();
    } catch (err) {
      // Leave no half record behind for later appends to follow.
      await w.fh.truncate(at).catch(() => {});
      throw err;
    }
    let off = w.seg.start + at;
    for (const it of items) {
      const end = off + it.header.length + it.body.length;
      const rec: OutboxRecord = { offset: off, end, rows: it.rows, epoch: this.#o.epoch, seq: it.seq, body: it.body };
      this.#hot.set(off, rec);
      this.#hotBytes += it.body.length;
      w.seg.rows += it.rows;
      this.unreadRows += it.rows;
      off = end;
    }
    w.seg.size = at + bytes;
    while (this.#hotBytes > HOT_MAX_BYTES) {
      const [k, r] = this.#hot.entries().next().value as [number, OutboxRecord];
      this.#hot.delete(k);
      this.#hotBytes -= r.body.length;
    }
  }

  /** The segment to append `bytes` to: the current one, or a new one when it would grow past segmentBytes. */
  async #writeSegment(bytes: number): Promise<{ seg: Segment; fh: FileHandle }> {
    const w = this.#write;
    if (w && (w.seg.size === 0 || w.seg.size + bytes <= this.#o.segmentBytes)) return w;
    if (w) {
      await w.fh.close();
      this.#write = undefined;
    }
    const last = this.#segments.at(-1);
    const start = last ? last.start + last.size : 0;
    const seg: Segment = { start, size: 0, rows: 0, path: segmentPath(this.dir, start) };
    const fh = await open(seg.path, "wx", 0o600);
    this.#segments.push(seg);
    // The new file's directory entry must be as durable as the records fsynced into it.
    const d = await open(this.dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
    this.#write = { seg, fh };
    return this.#write;
  }

  /** Runs `fn` after every earlier read and limit check: the read cursor has one owner at a time. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#readChain.then(fn);
    this.#readChain = p.catch(() => {});
    return p;
  }

  /** The next record, or undefined when every stored record has been read. */
  read(): Promise<OutboxRecord | undefined> {
    return this.#serial(async () => {
      await this.ready;
      return this.#readNext();
    });
  }

  async #readNext(): Promise<OutboxRecord | undefined> {
    for (;;) {
      if (this.#closed) return undefined;
      const seg = this.#segments.find((s) => s.start + s.size > this.#readPos || s === this.#segments.at(-1));
      if (!seg || this.#readPos >= seg.start + seg.size) {
        // Caught up: every stored row of this process has been read.
        if (this.#ownStoredSeq > this.ownReadSeq) {
          this.ownReadSeq = this.#ownStoredSeq;
          this.#o.onChange();
        }
        return undefined;
      }
      if (this.#readPos < seg.start) this.#readPos = seg.start;
      if (this.#rowsSeg !== seg) {
        this.#rowsSeg = seg;
        this.#rowsReadInSeg = 0;
      }
      const hot = this.#hot.get(this.#readPos);
      if (hot) {
        this.#advance(hot);
        this.#inflight.set(hot.offset, hot);
        return hot;
      }
      const win = await this.#readerFor(seg);
      const local = this.#readPos - seg.start;
      const avail = seg.size - local;
      const h = avail >= HEADER_BYTES ? parseHeader(await win.read(local, HEADER_BYTES)) : null;
      if (!h || h.length > avail - HEADER_BYTES) {
        const next = await win.findHeader(local + 1);
        const skipped = (next < 0 ? seg.size : next) - local;
        this.#o.onCorruptBytes(skipped);
        this.#o.log.warn(
          `remote write outbox ${this.dir}: skipped ${skipped} damaged bytes at offset ${local} of ${seg.path}`,
        );
        this.#readPos += skipped;
        continue;
      }
      const body = Buffer.from(await win.read(local + HEADER_BYTES, h.length));
      const rec: OutboxRecord = {
        offset: this.#readPos,
        end: this.#readPos + HEADER_BYTES + h.length,
        rows: h.rows,
        epoch: h.epoch,
        seq: h.seq,
        body,
      };
      this.#advance(rec);
      if (body.length !== h.length || crc32c(body) !== h.payloadCrc) {
        this.#o.onCorruptBytes(HEADER_BYTES + h.length);
        this.#o.onDrop(
          h.rows,
          "corrupt",
          `a record of the outbox ${this.dir} is damaged (checksum mismatch at offset ${local} of ${seg.path}); the rest is sent`,
        );
        this.#commit();
        continue;
      }
      this.#inflight.set(rec.offset, rec);
      return rec;
    }
  }

  #advance(rec: OutboxRecord): void {
    this.#dropHot(rec.offset);
    this.#readPos = rec.end;
    this.#rowsReadInSeg += rec.rows;
    this.unreadRows = Math.max(0, this.unreadRows - rec.rows);
    if (rec.epoch === this.#o.epoch) this.ownReadSeq = Math.max(this.ownReadSeq, rec.seq + rec.rows);
  }

  #dropHot(upTo: number): void {
    for (const [k, r] of this.#hot) {
      if (k > upTo) break;
      this.#hot.delete(k);
      this.#hotBytes -= r.body.length;
    }
  }

  async #readerFor(seg: Segment): Promise<WindowReader> {
    const r = this.#reader;
    // The segment being written grows: its reader is rebuilt when it has grown.
    if (r && r.seg === seg && r.win.size === seg.size) return r.win;
    if (r && r.seg !== seg) {
      await r.fh.close();
      this.#reader = undefined;
    }
    const fh = this.#reader?.fh ?? (await open(seg.path, "r"));
    const win = new WindowReader(fh, seg.size);
    this.#reader = { seg, fh, win };
    return win;
  }

  /** Own records in flight, for flush progress. */
  inflightOwnSeqs(): number[] {
    const out: number[] = [];
    for (const r of this.#inflight.values()) if (r.epoch === this.#o.epoch) out.push(r.seq);
    return out;
  }

  /** A sender is done with `rec`; "kept" leaves it for the next start. */
  done(rec: OutboxRecord, how: "sent" | "dropped" | "kept"): void {
    if (how === "kept") return;
    this.#inflight.delete(rec.offset);
    this.#commit();
  }

  #committed(): number {
    let c = this.#readPos;
    for (const k of this.#inflight.keys()) if (k < c) c = k;
    return c;
  }

  #commit(): void {
    if (this.#committed() <= this.#savedOffset || this.#saveTimer || this.#closed) return;
    if (this.#saving) {
      this.#saveAgain = true;
      return;
    }
    const wait = this.#lastSave + OFFSET_SAVE_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.#saveTimer = setTimeout(() => {
        this.#saveTimer = undefined;
        this.#commit();
      }, wait);
      this.#saveTimer.unref();
      return;
    }
    this.#lastSave = Date.now();
    this.#saveAgain = false;
    this.#saving = (async () => {
      const offset = this.#committed();
      try {
        await saveOffset(this.dir, offset);
        this.#savedOffset = offset;
        await this.#serial(() => this.#deleteConsumed());
      } catch (err) {
        this.#o.log.error(`remote write outbox ${this.dir}: cannot save the read offset: ${errorMessage(err)}`);
      }
    })().finally(() => {
      this.#saving = undefined;
      // Progress made meanwhile: saved on the next turn (at most once an interval).
      if (this.#saveAgain) this.#commit();
    });
  }

  async #deleteConsumed(): Promise<void> {
    while (this.#segments.length > 1) {
      const s = this.#segments[0];
      if (s.start + s.size > this.#savedOffset || s === this.#write?.seg) break;
      await this.#remove(s);
    }
  }

  async #remove(s: Segment): Promise<void> {
    this.#segments.shift();
    if (this.#reader?.seg === s) {
      await this.#reader.fh.close();
      this.#reader = undefined;
    }
    await unlink(s.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") this.#o.log.error(`remote write outbox: cannot delete ${s.path}: ${err.message}`);
    });
  }

  async #enforceLimit(): Promise<void> {
    const max = this.#o.maxDiskBytes;
    let lost = 0;
    while (this.totalBytes > max && this.#segments.length > 1 && this.#segments[0] !== this.#write?.seg) {
      const s = this.#segments[0];
      const end = s.start + s.size;
      if (this.#readPos < end) {
        const unread = Math.max(0, s.rows - (this.#rowsSeg === s ? this.#rowsReadInSeg : 0));
        lost += unread;
        this.unreadRows = Math.max(0, this.unreadRows - unread);
        this.#readPos = end;
        this.#dropHot(end - 1);
      }
      await this.#remove(s);
    }
    if (lost > 0) {
      this.#o.onDrop(
        lost,
        "disk_limit",
        `the outbox ${this.dir} reached -remoteWrite.maxDiskUsagePerURL=${max}; its oldest series were deleted`,
      );
      this.#commit();
      this.#o.onChange();
    }
  }

  /** Waits for appends, saves the offset, closes files and releases the lock. */
  async close(): Promise<void> {
    await this.#appendChain;
    this.#closed = true;
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    await this.#readChain;
    while (this.#saving) await this.#saving;
    const offset = this.#committed();
    if (offset > this.#savedOffset) {
      await saveOffset(this.dir, offset).catch((err: Error) =>
        this.#o.log.error(`remote write outbox ${this.dir}: cannot save the read offset: ${err.message}`),
      );
    }
    await this.#write?.fh.close().catch(() => {});
    await this.#reader?.fh.close().catch(() => {});
    this.#write = undefined;
    this.#reader = undefined;
    this.#release();
  }
}

/** A random epoch per open: marks which records this process wrote. */
export function newEpoch(): number {
  return randomBytes(4).readUInt32LE(0);
}

/** Written once per outbox directory, for whoever finds it on disk. */
export function describeDir(dir: string, shownURL: string): void {
  try {
    writeFileSync(`${dir}/destination.txt`, `remote write outbox of ${shownURL} (tsalert)\n`, { mode: 0o600 });
  } catch {
    // Only a note for humans.
  }
}
