// `dns+` and `srv+` URLs (newest vmalert's load balancing for -datasource.url, -remoteRead.url and
// -remoteWrite.url): real dnsmasq answers the names, two real VictoriaMetrics serve the queries.
import { promises as dns } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQuerierFactory } from "../../src/datasource/querier.js";
import type { Querier } from "../../src/datasource/types.js";
import { createHttpClient } from "../../src/net/client.js";
import { freePort, importSeries, type RunningServer, startDnsmasq, startVictoriaMetrics } from "../helpers/servers.js";

function resolverFor(server: string): dns.Resolver {
  const r = new dns.Resolver({ timeout: 1000, tries: 1 });
  r.setServers([server]);
  return r;
}

/** Each VictoriaMetrics holds `who{vm="<name>"}`: an answer names the backend that served it. */
async function mark(vm: RunningServer, name: string): Promise<void> {
  const t = Date.now() - 60_000;
  await importSeries(vm.url, [{ labels: { __name__: "who", vm: name }, values: [1, 1], timestamps: [t - 60_000, t] }]);
}

async function servedBy(q: Querier, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const answers = await Promise.all(Array.from({ length: n }, () => q.query("who", { time: Date.now() })));
  for (const a of answers) {
    const vm = a.data[0]?.labels.vm ?? "none";
    out[vm] = (out[vm] ?? 0) + 1;
  }
  return out;
}

describe("dns+ URLs", () => {
  let a: RunningServer;
  let b: RunningServer;
  let dnsmasq: Awaited<ReturnType<typeof startDnsmasq>>;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    a = await startVictoriaMetrics([], { host: "127.0.0.1", port });
    b = await startVictoriaMetrics([], { host: "127.0.0.2", port });
    dnsmasq = await startDnsmasq({ hosts: { "vm.test": ["127.0.0.1", "127.0.0.2"] } });
    await Promise.all([mark(a, "a"), mark(b, "b")]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), dnsmasq?.stop()]);
  });

  it("spreads queries over every A record of the name, with the URL's port", async () => {
    const qf = createQuerierFactory({ url: `http://dns+vm.test:${port}`, resolver: resolverFor(dnsmasq.server) });
    const q = qf.forGroup({ type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [] });
    const served = await servedBy(q, 20);
    expect(served.a).toBeGreaterThan(0);
    expect(served.b).toBeGreaterThan(0);
    expect((served.a ?? 0) + (served.b ?? 0)).toBe(20);
  });

  it("moves on to the other address when one refuses, and skips it afterwards", async () => {
    const down = await freePort();
    const dm = await startDnsmasq({ hosts: { "vm.test": ["127.0.0.1", "127.0.0.3"] } });
    // 127.0.0.3:port has no server: the request must still succeed, on 127.0.0.1.
    const c = createHttpClient({ resolver: resolverFor(dm.server) }, "test");
    try {
      for (let i = 0; i < 6; i++) {
        const res = await c.request({ url: `http://dns+vm.test:${port}/api/v1/query?query=vector(1)` });
        expect(res.status).toBe(200);
      }
      const none = createHttpClient({ resolver: resolverFor(dm.server) }, "test");
      await expect(none.request({ url: `http://dns+vm.test:${down}/health` })).rejects.toThrow(
        /all 2 backend\(s\) of http:\/\/dns\+vm\.test:\d+\/health are unavailable/,
      );
      await none.close();
    } finally {
      await c.close();
      await dm.stop();
    }
  });

  it("names a name without records", async () => {
    const c = createHttpClient({ resolver: resolverFor(dnsmasq.server) }, "test");
    await expect(c.request({ url: "http://dns+nothing.test:80/health" })).rejects.toThrow(
      /no backends found for dns\+nothing\.test: cannot look up A records of nothing\.test/,
    );
    await c.close();
  });
});

describe("srv+ URLs", () => {
  let a: RunningServer;
  let b: RunningServer;
  let dnsmasq: Awaited<ReturnType<typeof startDnsmasq>>;

  beforeAll(async () => {
    a = await startVictoriaMetrics();
    b = await startVictoriaMetrics();
    dnsmasq = await startDnsmasq({
      hosts: { "a.vm.test": ["127.0.0.1"], "b.vm.test": ["127.0.0.1"] },
      srv: {
        "_vmselect._tcp.vm.test": [
          ["a.vm.test", a.port],
          ["b.vm.test", b.port],
        ],
      },
    });
    await Promise.all([mark(a, "a"), mark(b, "b")]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), dnsmasq?.stop()]);
  });

  it("takes targets and ports from the SRV records", async () => {
    const qf = createQuerierFactory({
      url: "http://srv+_vmselect._tcp.vm.test",
      resolver: resolverFor(dnsmasq.server),
    });
    const q = qf.forGroup({ type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [] });
    const served = await servedBy(q, 10);
    expect(served.a).toBeGreaterThan(0);
    expect(served.b).toBeGreaterThan(0);
  });
});
