// One HTTP exchange over a raw TCP socket, for requests a client library refuses to send (bad methods,
// oversized or malformed headers, lying Content-Length) and to see exactly what the server answers.
import { connect } from "node:net";

export interface RawAnswer {
  /** Status of the first response line; 0 when the server closed without a status line. */
  status: number;
  /** Everything received (headers and body), cut at `maxBytes`. */
  text: string;
  /** The server neither answered nor closed within the timeout. */
  timedOut: boolean;
}

/** Writes `request` (string or bytes) to host:port and reads until close, `timeoutMs` or `maxBytes`. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  timeoutMs = 5000,
  maxBytes = 1 << 20,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const sock = connect(port, "127.0.0.1");
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    sock.on("data", (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      // One complete answer is enough; keep-alive would otherwise hold the socket open.
      const text = Buffer.concat(chunks).toString("latin1");
      const head = text.indexOf("\r\n\r\n");
      const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, head))?.[1];
      if (size >= maxBytes || (head >= 0 && len !== undefined && size >= head + 4 + Number(len))) finish(false);
    });
    sock.on("error", () => finish(false));
    sock.on("close", () => finish(false));
    sock.write(request, () => {
      // A request without a body end: leave the socket open, the server decides.
    });
  });
}
