// `-httpListenAddr` values as Go writes them: `:8880`, `host:port`, `[::1]:8880`.
import { TsalertError } from "../errors.js";

export interface ListenAddr {
  host: string;
  port: number;
  tls?: boolean;
}

export function parseListenAddr(addr: string, enableTCP6 = false): ListenAddr {
  const bad = (why: string): never => {
    throw new TsalertError("TSA_FLAG", `-httpListenAddr=${JSON.stringify(addr)}: ${why}`);
  };
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]*)\]:(\d*)$/.exec(addr);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else {
    const i = addr.lastIndexOf(":");
    if (i < 0) bad("want host:port");
    host = addr.slice(0, i);
    portText = addr.slice(i + 1);
    if (host.includes(":")) bad("IPv6 hosts must be in brackets, as [::1]:8880");
  }
  if (!/^\d+$/.test(portText)) bad("the port must be a number");
  const port = Number(portText);
  if (port > 65535) bad("the port must be at most 65535");
  // Go listens on IPv4 only unless -enableTCP6 is set.
  if (host === "") host = enableTCP6 ? "::" : "0.0.0.0";
  return { host, port };
}

/** A URL a client on this machine can use to reach the address. */
export function localURL(a: ListenAddr): string {
  const host =
    a.host === "0.0.0.0" ? "127.0.0.1" : a.host === "::" ? "[::1]" : a.host.includes(":") ? `[${a.host}]` : a.host;
  return `${a.tls ? "https" : "http"}://${host}:${a.port}`;
}
