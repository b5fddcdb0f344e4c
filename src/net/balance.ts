// `dns+host` and `srv+host` in a URL: the requests go to every address the name resolves to, least-loaded
// first, as newest vmalert does for -datasource.url, -remoteRead.url and -remoteWrite.url (see
// "Load balancing" in vmalert's docs). `dns+` takes the A (and with -enableTCP6 AAAA) records with the
// URL's port; `srv+` takes the SRV records' targets and ports. Names are looked up again at most every
// 10 s; a failed lookup keeps the addresses found before. An address that refused or dropped a
// connection is skipped for 5 s, and the request moves on to the next address.

import type { promises as dns } from "node:dns";
import { isIP } from "node:net";
import { errorMessage } from "../errors.js";

export type Resolver = Pick<dns.Resolver, "resolve4" | "resolve6" | "resolveSrv">;

const DISCOVERY_INTERVAL_MS = 10_000;
const BROKEN_MS = 5_000;

export interface Backend {
  /** `host:port` to connect to (an IP address, or a name the system resolves). */
  readonly addr: string;
  inFlight: number;
  brokenUntil: number;
}

export interface BalancedURL {
  /** The name in the URL without the prefix: the Host header requests carry. */
  host: string;
  balancer: Balancer;
}

export class Balancer {
  private backends: Backend[] = [];
  private next = 0;
  private nextDiscovery = 0;
  private discovering: Promise<void> | null = null;
  private lastError = "";

  constructor(
    readonly kind: "dns" | "srv",
    readonly name: string,
    readonly port: string,
    private readonly resolver: Resolver,
    private readonly tcp6: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The addresses in use, sorted (for tests and the UI). */
  addresses(): string[] {
    return this.backends.map((b) => b.addr);
  }

  /** Starts a lookup when the last one is older than the interval; waits only while none has succeeded. */
  private async refresh(): Promise<void> {
    if (this.now() >= this.nextDiscovery && !this.discovering) {
      this.discovering = this.discover().finally(() => {
        this.nextDiscovery = this.now() + DISCOVERY_INTERVAL_MS;
        this.discovering = null;
      });
    }
    if (this.backends.length === 0 && this.discovering) await this.discovering;
  }

  private async discover(): Promise<void> {
    try {
      const addrs = this.kind === "dns" ? await this.lookupHosts() : await this.lookupSrv();
      addrs.sort();
      if (addrs.join() === this.addresses().join()) return;
      const old = new Map(this.backends.map((b) => [b.addr, b]));
      this.backends = addrs.map((addr) => old.get(addr) ?? { addr, inFlight: 0, brokenUntil: 0 });
      this.lastError = "";
    } catch (err) {
      this.lastError = errorMessage(err);
    }
  }

  private async lookupHosts(): Promise<string[]> {
    const v4 = await this.resolver.resolve4(this.name).catch((err: NodeJS.ErrnoException) => {
      if (!this.tcp6) throw lookupError("A", this.name, err);
      return [] as string[];
    });
    const v6 = this.tcp6 ? await this.resolver.resolve6(this.name).catch(() => [] as string[]) : [];
    const all = [...v4, ...v6.map((a) => `[${a}]`)];
    if (all.length === 0) throw new Error(`no A${this.tcp6 ? "/AAAA" : ""} records for ${this.name}`);
    return all.map((ip) => `${ip}:${this.port}`);
  }

  private async lookupSrv(): Promise<string[]> {
    let records: { name: string; port: number }[];
    try {
      records = await this.resolver.resolveSrv(this.name);
    } catch (err) {
      throw lookupError("SRV", this.name, err as NodeJS.ErrnoException);
    }
    if (records.length === 0) throw new Error(`no SRV records for ${this.name}`);
    return Promise.all(
      records.map(async (r) => {
        const port = r.port > 0 ? String(r.port) : this.port;
        return `${await this.targetAddress(r.name)}:${port}`;
      }),
    );
  }

  /** A SRV target through the same resolver, so the addresses come from the server that named them. */
  private async targetAddress(target: string): Promise<string> {
    const name = target.replace(/\.$/, "");
    if (isIP(name)) return isIP(name) === 6 ? `[${name}]` : name;
    const v4 = await this.resolver.resolve4(name).catch(() => [] as string[]);
    if (v4.length > 0) return v4[0] as string;
    if (this.tcp6) {
      const v6 = await this.resolver.resolve6(name).catch(() => [] as string[]);
      if (v6.length > 0) return `[${v6[0]}]`;
    }
    // Left to the system resolver when the connection is made.
    return name;
  }

  /**
   * The least-loaded working backend: an idle one in round-robin order, else the one with the fewest
   * requests in flight; when all are broken, the first. Its in-flight count is taken; give it back with
   * release().
   */
  async pick(): Promise<Backend> {
    await this.refresh();
    const list = this.backends;
    if (list.length === 0) {
      throw new Error(`no backends found for ${this.kind}+${this.name}${this.lastError ? `: ${this.lastError}` : ""}`);
    }
    const now = this.now();
    const start = this.next++ % list.length;
    let best: Backend | undefined;
    for (let i = 0; i < list.length; i++) {
      const b = list[(start + i) % list.length] as Backend;
      if (b.brokenUntil > now) continue;
      if (b.inFlight === 0) {
        best = b;
        break;
      }
      if (!best || b.inFlight < best.inFlight) best = b;
    }
    const chosen = best ?? (list[0] as Backend);
    chosen.inFlight++;
    return chosen;
  }

  release(b: Backend): void {
    b.inFlight = Math.max(0, b.inFlight - 1);
  }

  markBroken(b: Backend): void {
    b.brokenUntil = this.now() + BROKEN_MS;
  }

  /** Attempts a request may make: one per backend (at least one), after the first lookup. */
  async attempts(): Promise<number> {
    await this.refresh();
    return Math.max(1, this.backends.length);
  }
}

function lookupError(kind: string, name: string, err: NodeJS.ErrnoException): Error {
  return new Error(`cannot look up ${kind} records of ${name}: ${err.code ?? err.message}`);
}

/**
 * The balancer for a URL whose host is `dns+name[:port]` or `srv+name`, or null for an ordinary URL.
 * Balancers are kept per client in `cache`, keyed by the prefixed host.
 */
export function balancedURL(
  url: URL,
  cache: Map<string, Balancer>,
  resolver: Resolver,
  tcp6: boolean,
): BalancedURL | null {
  const host = url.hostname.toLowerCase();
  const kind = host.startsWith("dns+") ? "dns" : host.startsWith("srv+") ? "srv" : null;
  if (!kind) return null;
  const name = url.hostname.slice(4);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  let b = cache.get(url.host);
  if (!b) {
    b = new Balancer(kind, name, port, resolver, tcp6);
    cache.set(url.host, b);
  }
  return { host: url.port ? `${name}:${url.port}` : name, balancer: b };
}
