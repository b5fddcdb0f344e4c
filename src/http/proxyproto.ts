// -httpListenAddr.useProxyProtocol: every connection starts with a PROXY protocol header (v1 text or v2
// binary, as HAProxy defines them) naming the real client; connections without one are closed, as in
// VictoriaMetrics. The header is read and removed before HTTP (or TLS) sees the stream.
import { isIP, type Socket } from "node:net";
import { Duplex } from "node:stream";

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** v1 headers are at most 107 bytes; v2 ones 16 + 216 for the addresses we read, more with TLVs. */
const MAX_HEADER_BYTES = 4096;

/** The client the header names; no address for v1 `UNKNOWN` and v2 `LOCAL` (the proxy's health checks). */
export interface ProxiedClient {
  address?: string;
  port?: number;
}

type Parsed = { ok: true; length: number; client: ProxiedClient } | { ok: false; why: string } | null;

/** Parses a header at the start of buf; null = need more bytes. */
export function parseProxyHeader(buf: Buffer): Parsed {
  if (buf.length >= 1 && buf[0] === 0x0d) return parseV2(buf);
  if (buf.length >= 1 && buf[0] === 0x50) return parseV1(buf);
  return { ok: false, why: "missing PROXY protocol header" };
}

function parseV1(buf: Buffer): Parsed {
  const end = buf.indexOf("\r\n");
  if (end < 0) return buf.length > 107 ? { ok: false, why: "PROXY v1 header too long" } : null;
  const parts = buf.subarray(0, end).toString("latin1").split(" ");
  if (parts[0] !== "PROXY") return { ok: false, why: "missing PROXY protocol header" };
  if (parts[1] === "UNKNOWN") return { ok: true, length: end + 2, client: {} };
  if ((parts[1] !== "TCP4" && parts[1] !== "TCP6") || parts.length !== 6) {
    return { ok: false, why: "malformed PROXY v1 header" };
  }
  const [, family, src, , sport] = parts as [string, string, string, string, string, string];
  const port = Number(sport);
  if (isIP(src) !== (family === "TCP4" ? 4 : 6) || !Number.isInteger(port) || port < 0 || port > 65535) {
    return { ok: false, why: "malformed PROXY v1 header" };
  }
  return { ok: true, length: end + 2, client: { address: src, port } };
}

function parseV2(buf: Buffer): Parsed {
  if (buf.length < 16)
    return buf.subarray(0, V2_SIGNATURE.length).equals(V2_SIGNATURE.subarray(0, Math.min(buf.length, 12)))
      ? null
      : { ok: false, why: "missing PROXY protocol header" };
  if (!buf.subarray(0, 12).equals(V2_SIGNATURE)) return { ok: false, why: "missing PROXY protocol header" };
  const verCmd = buf[12] as number;
  if (verCmd >> 4 !== 2) return { ok: false, why: "unsupported PROXY protocol version" };
  const length = 16 + buf.readUInt16BE(14);
  if (length > MAX_HEADER_BYTES) return { ok: false, why: "PROXY v2 header too long" };
  if (buf.length < length) return null;
  const cmd = verCmd & 0x0f;
  if (cmd === 0) return { ok: true, length, client: {} }; // LOCAL
  if (cmd !== 1) return { ok: false, why: "unsupported PROXY v2 command" };
  const family = (buf[13] as number) >> 4;
  if (family === 1 && length >= 16 + 12) {
    const a = buf.subarray(16, 20).join(".");
    return { ok: true, length, client: { address: a, port: buf.readUInt16BE(24) } };
  }
  if (family === 2 && length >= 16 + 36) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(16 + i).toString(16));
    return { ok: true, length, client: { address: groups.join(":"), port: buf.readUInt16BE(48) } };
  }
  // AF_UNSPEC or UNIX sockets: no address to report.
  return { ok: true, length, client: {} };
}

/**
 * Reads the header of a fresh connection, then hands the rest of the stream to `accept`: the socket itself
 * with the bytes after the header put back (plain HTTP), or, for TLS, a stream over it (`asStream`), since
 * node's TLS reads a socket's native handle directly and would miss bytes already read. A connection
 * without a valid header within `timeoutMs` is destroyed.
 */
export function acceptProxied(
  socket: Socket,
  timeoutMs: number,
  asStream: boolean,
  accept: (conn: Socket | Duplex) => void,
): void {
  let buf = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const r = buf.length > MAX_HEADER_BYTES ? ({ ok: false, why: "too long" } as const) : parseProxyHeader(buf);
    if (r === null) return;
    done();
    if (!r.ok) {
      socket.destroy();
      return;
    }
    const rest = buf.subarray(r.length);
    socket.pause();
    if (asStream) {
      accept(streamOver(socket, rest));
      return;
    }
    if (rest.length > 0) socket.unshift(rest);
    accept(socket);
    // The HTTP parser takes over the socket's handle; the bytes put back still come through "data".
    socket.resume();
  };
  const done = () => {
    clearTimeout(timer);
    socket.off("data", onData);
  };
  socket.on("data", onData);
  socket.once("close", done);
}

function streamOver(socket: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, enc, cb) {
      socket.write(chunk, enc, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  socket.on("data", (c: Buffer) => {
    if (!d.push(c)) socket.pause();
  });
  socket.on("end", () => d.push(null));
  socket.on("error", (e) => d.destroy(e));
  socket.on("close", () => d.destroy());
  if (first.length > 0) d.push(first);
  return d;
}
