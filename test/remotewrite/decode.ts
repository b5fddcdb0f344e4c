// A small independent WriteRequest decoder for tests: reads what the encoder wrote, field by field,
// accepting fields in any order as protobuf allows.
import { uncompressSync } from "snappy";

export interface DecodedSample {
  value: number;
  /** Raw IEEE-754 bits, to check stale markers exactly. */
  bits: bigint;
  timestamp: number;
}

export interface DecodedSeries {
  labels: Record<string, string>;
  samples: DecodedSample[];
}

function readVarint(buf: Uint8Array, pos: { p: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos.p++];
    if (b === undefined) throw new Error("truncated varint");
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

type Pos = { p: number };

function fields(buf: Uint8Array, fn: (field: number, wire: number, pos: Pos) => void): void {
  const pos = { p: 0 };
  while (pos.p < buf.length) {
    const key = Number(readVarint(buf, pos));
    fn(key >> 3, key & 7, pos);
  }
}

function bytes(buf: Uint8Array, pos: Pos): Uint8Array {
  const len = Number(readVarint(buf, pos));
  const out = buf.subarray(pos.p, pos.p + len);
  if (out.length !== len) throw new Error("truncated field");
  pos.p += len;
  return out;
}

const text = new TextDecoder("utf-8", { fatal: true });

function decodeLabel(buf: Uint8Array): [string, string] {
  let name = "";
  let value = "";
  fields(buf, (f, w, pos) => {
    if (w !== 2) throw new Error(`Label: wire type ${w}`);
    const s = text.decode(bytes(buf, pos));
    if (f === 1) name = s;
    else if (f === 2) value = s;
  });
  return [name, value];
}

function decodeSample(buf: Uint8Array): DecodedSample {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const s: DecodedSample = { value: 0, bits: 0n, timestamp: 0 };
  fields(buf, (f, w, pos) => {
    if (f === 1 && w === 1) {
      s.bits = view.getBigUint64(pos.p, true);
      s.value = view.getFloat64(pos.p, true);
      pos.p += 8;
    } else if (f === 2 && w === 0) {
      s.timestamp = Number(BigInt.asIntN(64, readVarint(buf, pos)));
    } else throw new Error(`Sample: unexpected field ${f}/${w}`);
  });
  return s;
}

export function decodeWriteRequest(buf: Uint8Array): DecodedSeries[] {
  const out: DecodedSeries[] = [];
  fields(buf, (f, w, pos) => {
    if (f !== 1 || w !== 2) throw new Error(`WriteRequest: unexpected field ${f}/${w}`);
    const tsBuf = bytes(buf, pos);
    const ts: DecodedSeries = { labels: {}, samples: [] };
    fields(tsBuf, (f2, w2, pos2) => {
      if (w2 !== 2) throw new Error(`TimeSeries: wire type ${w2}`);
      const sub = bytes(tsBuf, pos2);
      if (f2 === 1) {
        const [n, v] = decodeLabel(sub);
        ts.labels[n] = v;
      } else if (f2 === 2) ts.samples.push(decodeSample(sub));
    });
    out.push(ts);
  });
  return out;
}

export function decodeBody(body: Uint8Array): DecodedSeries[] {
  return decodeWriteRequest(uncompressSync(Buffer.from(body)) as Buffer);
}
