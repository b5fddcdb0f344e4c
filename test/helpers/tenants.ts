// A two-tenant "cluster" from real servers: one single-node VictoriaMetrics per tenant behind a real
// vmauth that routes /insert/<t>/... and /select/<t>/... by path, as a vmauth in front of vminsert and
// vmselect would. Single-node VictoriaMetrics serves no cluster paths, so each instance runs with
// -http.pathPrefix=/insert/<t> (writes land as /insert/<t>/prometheus/api/v1/write) and a second vmauth
// with -http.pathPrefix=/select/<t> maps reads onto it. vmauth 1.79.5 has no unauthorized_user, so every
// request carries the bearer token.
import { startPrefixedVictoriaMetrics, startVmauth } from "./remotewrite.js";
import { type RunningServer, waitFor } from "./servers.js";

export const TENANT_TOKEN = "tsalert-tenants-e2e";

export interface ExportedSeries {
  metric: Record<string, string>;
  values: (number | null)[];
  timestamps: number[];
}

export interface TenantStack {
  /** The front vmauth: the base URL for -datasource.url, -remoteWrite.url and -remoteRead.url. */
  url: string;
  tenants: string[];
  /** Tenant → its own VictoriaMetrics (paths under `/insert/<t>`). */
  vms: Record<string, RunningServer>;
  /** Writes samples straight into one tenant's instance (bypassing vmauth) and waits until they are queryable. */
  importInto(
    tenant: string,
    series: { labels: Record<string, string>; values: number[]; timestamps: number[] }[],
  ): Promise<void>;
  /** Series of one tenant's instance matching `selector`, read straight from it. */
  exportFrom(tenant: string, selector: string): Promise<ExportedSeries[]>;
  stop(): Promise<void>;
}

function selectorOf(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const m = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name ?? ""}{${m.join(",")}}`;
}

export async function startTenantStack(tenants: string[]): Promise<TenantStack> {
  const servers: RunningServer[] = [];
  const stop = async () => {
    for (const s of servers.reverse()) await s.stop();
  };
  try {
    const vms: Record<string, RunningServer> = {};
    const routes: string[] = [];
    for (const t of tenants) {
      const vm = await startPrefixedVictoriaMetrics(`/insert/${t}`);
      servers.push(vm);
      vms[t] = vm;
      const sel = await startVmauth(
        `users:\n  - bearer_token: "${TENANT_TOKEN}"\n    url_prefix: "${vm.url}/insert/${t}"\n`,
        [`-http.pathPrefix=/select/${t}`],
      );
      servers.push(sel);
      routes.push(
        `      - src_paths: ["/insert/${t}/.*"]\n        url_prefix: "${vm.url}"`,
        `      - src_paths: ["/select/${t}/.*"]\n        url_prefix: "${sel.url}"`,
      );
    }
    const front = await startVmauth(
      `users:\n  - bearer_token: "${TENANT_TOKEN}"\n    url_map:\n${routes.join("\n")}\n`,
    );
    servers.push(front);

    const base = (t: string) => {
      const vm = vms[t];
      if (!vm) throw new Error(`no instance for tenant ${t}`);
      return `${vm.url}/insert/${t}`;
    };
    const exportFrom = async (t: string, selector: string): Promise<ExportedSeries[]> => {
      await fetch(`${base(t)}/internal/force_flush`);
      const res = await fetch(`${base(t)}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
      const text = await res.text();
      if (!res.ok) throw new Error(`export ${selector} from tenant ${t}: ${res.status} ${text}`);
      return text
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as ExportedSeries);
    };
    return {
      url: front.url,
      tenants,
      vms,
      async importInto(t, series) {
        const body = series
          .map((s) => JSON.stringify({ metric: s.labels, values: s.values, timestamps: s.timestamps }))
          .join("\n");
        const res = await fetch(`${base(t)}/api/v1/import`, { method: "POST", body });
        if (!res.ok) throw new Error(`import into tenant ${t}: ${res.status} ${await res.text()}`);
        // A brand-new series takes VictoriaMetrics about 10 s to become queryable.
        for (const s of series) {
          const sel = selectorOf(s.labels);
          await waitFor(
            async () => {
              await fetch(`${base(t)}/internal/force_flush`);
              const q = encodeURIComponent(`last_over_time(${sel}[3h])`);
              const r = (await (await fetch(`${base(t)}/api/v1/query?query=${q}`)).json()) as {
                data: { result: unknown[] };
              };
              return r.data.result.length > 0;
            },
            30_000,
            `${sel} queryable in tenant ${t}`,
          );
        }
      },
      exportFrom,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
