// The outbox's record framing. A segment file is a sequence of records, each one remote-write request
// body (snappy-compressed protobuf, exactly what is POSTed) behind a 32-byte header:
//
//   0  u32 magic "TSO1"       16 u64 seq of the first row (two u32, low first)
//   4  u32 payload length     24 u32 CRC-32C of the payload
//   8  u32 rows (series)      28 u32 CRC-32C of header bytes 0..27
//  12  u32 epoch (the process that wrote it)
//
// All little endian. The header has its own checksum, so a damaged length is never trusted: the
// reader then searches for the next valid header instead. A damaged payload costs that record only,
// and its row count (from the intact header) is what is reported as dropped.
import CRC32C from "crc-32/crc32c.js";

export const HEADER_BYTES = 32;
export const MAGIC = Buffer.from("TSO1", "latin1");
const MAGIC_U32 = MAGIC.readUInt32LE(0);
/** No valid record is larger (a batch is at most -remoteWrite.maxBatchSize series, compressed). */
export const MAX_PAYLOAD_BYTES = 1 << 30;
const U32 = 2 ** 32;

export interface RecordHeader {
  length: number;
  rows: number;
  epoch: number;
  seq: number;
  payloadCrc: number;
}

export function crc32c(data: Uint8Array): number {
  return CRC32C.buf(data) >>> 0;
}

export function encodeHeader(payload: Uint8Array, rows: number, epoch: number, seq: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(MAGIC_U32, 0);
  h.writeUInt32LE(payload.length, 4);
  h.writeUInt32LE(rows, 8);
  h.writeUInt32LE(epoch >>> 0, 12);
  h.writeUInt32LE(seq % U32, 16);
  h.writeUInt32LE(Math.floor(seq / U32), 20);
  h.writeUInt32LE(crc32c(payload), 24);
  h.writeUInt32LE(crc32c(h.subarray(0, 28)), 28);
  return h;
}

/** The header at `off` of `buf`, or null when it is not an intact header. */
export function parseHeader(buf: Uint8Array, off = 0): RecordHeader | null {
  if (off < 0 || off + HEADER_BYTES > buf.length) return null;
  const b = Buffer.from(buf.buffer, buf.byteOffset + off, HEADER_BYTES);
  if (b.readUInt32LE(0) !== MAGIC_U32) return null;
  if (crc32c(b.subarray(0, 28)) !== b.readUInt32LE(28)) return null;
  const length = b.readUInt32LE(4);
  if (length > MAX_PAYLOAD_BYTES) return null;
  return {
    length,
    rows: b.readUInt32LE(8),
    epoch: b.readUInt32LE(12),
    seq: b.readUInt32LE(16) + b.readUInt32LE(20) * U32,
    payloadCrc: b.readUInt32LE(24),
  };
}

/**
 * Offset of the first intact header in buf[from, to) that starts before `to`, or -1. Headers may
 * extend up to buf.length.
 */
export function findHeader(buf: Uint8Array, from: number, to = buf.length): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  for (let i = b.indexOf(MAGIC, from); i >= 0 && i < to; i = b.indexOf(MAGIC, i + 1)) {
    if (parseHeader(b, i)) return i;
  }
  return -1;
}
