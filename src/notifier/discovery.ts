// dns_sd_configs: names resolved with node:dns to target addresses plus Prometheus' __meta_dns_* labels.
import { promises as dns } from "node:dns";
import type { DnsGroup } from "./config.js";

/** The node:dns calls discovery needs; tests pass a table instead. */
export interface DnsResolver {
  resolveSrv(name: string): Promise<{ name: string; port: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<{ exchange: string }[]>;
}

export const systemResolver: DnsResolver = {
  resolveSrv: (n) => dns.resolveSrv(n),
  resolve4: (n) => dns.resolve4(n),
  resolve6: (n) => dns.resolve6(n),
  resolveMx: (n) => dns.resolveMx(n),
};

export interface DiscoveredTarget {
  address: string;
  meta: Record<string, string>;
}

function hostPort(host: string, port: number): string {
  const h = host.replace(/\.$/, "");
  return h.includes(":") ? `[${h}]:${port}` : `${h}:${port}`;
}

/** Resolves every name of a group; a failing name is reported and skipped, the others still count. */
export async function resolveDnsGroup(
  g: DnsGroup,
  resolver: DnsResolver,
  onError: (name: string, err: Error) => void,
): Promise<DiscoveredTarget[]> {
  const out: DiscoveredTarget[] = [];
  await Promise.all(
    g.names.map(async (name) => {
      try {
        switch (g.type) {
          case "SRV":
            for (const r of await resolver.resolveSrv(name)) {
              out.push({
                address: hostPort(r.name, r.port),
                meta: {
                  __meta_dns_name: name,
                  __meta_dns_srv_record_target: r.name,
                  __meta_dns_srv_record_port: String(r.port),
                },
              });
            }
            break;
          case "A":
          case "AAAA":
            for (const ip of await (g.type === "A" ? resolver.resolve4(name) : resolver.resolve6(name))) {
              out.push({ address: hostPort(ip, g.port), meta: { __meta_dns_name: name } });
            }
            break;
          case "MX":
            for (const r of await resolver.resolveMx(name)) {
              out.push({
                address: hostPort(r.exchange, g.port),
                meta: { __meta_dns_name: name, __meta_dns_mx_record_target: r.exchange },
              });
            }
            break;
        }
      } catch (err) {
        onError(name, err as Error);
      }
    }),
  );
  // Resolution order varies between lookups; a stable order keeps the target list stable.
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
