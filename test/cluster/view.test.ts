// The merged view of a cluster over real HTTP on loopback: three members, each a real engine (fake
// datasource and clock) behind tsalert's HTTP server, asking each other through -cluster.memberURLTemplate.
// Peers that are down, hang, or answer garbage never break or block the answer.
import { createServer, type Server } from "node:http";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createCluster,
  createClusterView,
  createPeerClient,
  PEER_CACHE_MS,
  type PeerClient,
} from "../../src/cluster/index.js";
import type { EffectiveGroupConfig } from "../../src/config/types.js";
import { createHttpServer, type HttpServer } from "../../src/http/index.js";
import type { ApiAlert, ApiClusterStatus, ApiGroup, ApiRule } from "../../src/rule/api.js";
import { Engine } from "../../src/rule/engine.js";
import { groupConfigID } from "../../src/rule/index.js";
import { freePortBlock, type PortBlock } from "../helpers/cluster.js";
import { alertRule, group, makeDeps, series, type TestDeps } from "../rule/fakes.js";

const MIN = 60_000;
/** Generous: a member that does not answer costs a page at most the peer timeout, plus scheduling noise. */
const PEER_TIMEOUT_MS = 500;
const ANSWER_BOUND_MS = PEER_TIMEOUT_MS + 2_000;
const silent = pino({ level: "silent" });

const groups: EffectiveGroupConfig[] = Array.from({ length: 30 }, (_, i) =>
  group({
    name: `g-${String(i).padStart(2, "0")}`,
    file: "rules/cluster.yml",
    interval: MIN,
    rules: [alertRule({ alert: `A${i}`, expr: `v{i="${i}"} > 0`, labels: { team: i % 2 ? "odd" : "even" } })],
  }),
);

interface Member {
  n: number;
  deps: TestDeps;
  engine: Engine;
  http: HttpServer;
  peers?: PeerClient;
  url: string;
  owned: EffectiveGroupConfig[];
}

async function startMember(
  n: number,
  block: PortBlock,
  opts: { count?: number; replication?: number; template?: string; auth?: boolean } = {},
): Promise<Member> {
  const membership = {
    count: opts.count ?? 3,
    self: n,
    replication: opts.replication ?? 1,
    urlTemplate: opts.template ?? block.template,
  };
  const cluster = createCluster(membership, silent, { groupID: groupConfigID });
  const plan = cluster.plan(groups);
  const deps = makeDeps({ maxStartDelay: 0 });
  // Every even group fires.
  for (const [i] of groups.entries()) deps.q.set(`v{i="${i}"} > 0`, i % 2 === 0 ? [series({ i: String(i) })] : []);
  const engine = new Engine(deps);
  await engine.start(plan.owned);
  plan.commit();
  const auth = opts.auth ? { username: "admin", password: "cluster-pass-1" } : {};
  const peers = membership.urlTemplate
    ? createPeerClient({ membership, timeoutMs: PEER_TIMEOUT_MS, maxBytes: 1 << 20, logger: silent, ...auth })
    : undefined;
  const http = await createHttpServer(
    { listenAddrs: [`127.0.0.1:${block.port(n)}`], processMetrics: false, ...auth },
    engine,
    { reload: () => {}, flags: () => ({}), viewFor: createClusterView({ engine, cluster, peers }) },
    silent,
  );
  return { n, deps, engine, http, peers, url: http.urls[0] as string, owned: plan.owned };
}

async function stopMember(m: Member): Promise<void> {
  await m.http.close();
  await m.engine.stop();
  await m.peers?.close();
}

async function evaluate(members: Member[]): Promise<void> {
  for (const m of members) await m.deps.clock.advance(2 * MIN);
}

interface RulesBody {
  data: {
    groups: (ApiGroup & { states: Record<string, number> })[];
    cluster?: ApiClusterStatus;
    total_groups?: number;
    total_pages?: number;
    page?: number;
  };
}

async function getJSON<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
  return JSON.parse(body) as T;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

describe("merged view of three members", () => {
  let block: PortBlock;
  let members: Member[];

  beforeAll(async () => {
    block = await freePortBlock(3);
    members = [];
    for (let n = 0; n < 3; n++) members.push(await startMember(n, block));
    await evaluate(members);
  });
  afterAll(async () => {
    for (const m of members) await stopMember(m);
  });

  it("any member lists all groups once, each with its owner; ?local=1 lists the member's own", async () => {
    for (const m of members) {
      const body = await getJSON<RulesBody>(`${m.url}/api/v1/rules`);
      const names = body.data.groups.map((g) => g.name);
      expect(names).toEqual(groups.map((g) => g.name));
      for (const g of body.data.groups) {
        const owner = members.find((x) => x.owned.some((o) => o.name === g.name));
        expect(g.owners).toEqual([owner?.n]);
      }
      expect(body.data.cluster?.members.map((x) => x.state)).toEqual([0, 1, 2].map((i) => (i === m.n ? "self" : "ok")));
      expect(body.data.cluster?.missing_groups).toEqual([]);
      const local = await getJSON<RulesBody>(`${m.url}/api/v1/rules?local=1`);
      expect(local.data.groups.map((g) => g.name)).toEqual(m.owned.map((g) => g.name).sort());
      expect(local.data.cluster).toBeUndefined();
    }
    // The shares are not empty and add up to all groups.
    expect(members.map((m) => m.owned.length).every((n) => n > 0)).toBe(true);
    expect(members.reduce((n, m) => n + m.owned.length, 0)).toBe(30);
  });

  it("filters and pagination work on the merged result", async () => {
    const m = members[0] as Member;
    const page = await getJSON<RulesBody>(`${m.url}/api/v1/rules?group_limit=7&page_num=2`);
    expect(page.data.total_groups).toBe(30);
    expect(page.data.total_pages).toBe(5);
    expect(page.data.groups.map((g) => g.name)).toEqual(groups.slice(7, 14).map((g) => g.name));
    // A group that runs on another member is found by name, by label and by state.
    const remote = members[2]?.owned[0] as EffectiveGroupConfig;
    const byName = await getJSON<RulesBody>(`${m.url}/api/v1/rules?rule_group[]=${remote.name}`);
    expect(byName.data.groups.map((g) => g.name)).toEqual([remote.name]);
    const odd = await getJSON<RulesBody>(`${m.url}/api/v1/rules?match[]={team="odd"}`);
    expect(odd.data.groups).toHaveLength(15);
    const firing = await getJSON<RulesBody>(`${m.url}/api/v1/rules?state=firing`);
    expect(firing.data.groups.map((g) => g.name)).toEqual(groups.filter((_, i) => i % 2 === 0).map((g) => g.name));
  });

  it("alerts of every member are listed, and a remote rule and alert are answered by their member", async () => {
    const m = members[1] as Member;
    const alerts = await getJSON<{ data: { alerts: ApiAlert[] } }>(`${m.url}/api/v1/alerts`);
    expect(alerts.data.alerts).toHaveLength(15);
    const remote = alerts.data.alerts.find((a) => !m.owned.some((g) => groupConfigID(g) === a.group_id));
    expect(remote).toBeDefined();
    const a = remote as ApiAlert;
    const rule = await getJSON<ApiRule>(`${m.url}/api/v1/rule?group_id=${a.group_id}&rule_id=${a.rule_id}`);
    expect(rule.name).toBe(a.name);
    expect(rule.updates?.length).toBeGreaterThan(0);
    const alert = await getJSON<ApiAlert>(`${m.url}/api/v1/alert?group_id=${a.group_id}&alert_id=${a.id}`);
    expect(alert.labels).toEqual(a.labels);
    const page = await fetch(`${m.url}/vmalert/rule?group_id=${a.group_id}&rule_id=${a.rule_id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(a.name);
    const missing = await fetch(`${m.url}/api/v1/rule?group_id=${a.group_id}&rule_id=123`);
    expect(missing.status).toBe(404);
  });

  it("the groups page shows every group with its members", async () => {
    const res = await fetch(`${members[0]?.url}/vmalert/groups`);
    const text = await res.text();
    for (const g of groups) expect(text).toContain(`<h2>${g.name}</h2>`);
    expect(text).toMatch(/Cluster: member 0 of 3, replication factor 1; 3 of 3 members answered/);
    expect(text).toMatch(/<span class="owners">member: [0-2]<\/span>/);
  });

  it("notifiers of all members are merged by address", async () => {
    const body = await getJSON<{ data: { notifiers: { kind: string; targets: { address: string }[] }[] } }>(
      `${members[2]?.url}/api/v1/notifiers`,
    );
    expect(body.data.notifiers).toEqual([
      { kind: "static", targets: [{ address: "http://am:9093/api/v2/alerts", labels: {}, lastError: "" }] },
    ]);
  });
});

describe("members that are down, hang or answer garbage", () => {
  let block: PortBlock;
  const started: Member[] = [];
  let bad: Server | undefined;
  let badRequests = 0;

  beforeAll(async () => {
    block = await freePortBlock(3);
    for (let n = 0; n < 2; n++) started.push(await startMember(n, block));
    await evaluate(started);
  });
  /** Stops the stand-in for member 2 and waits out the peer cache, so the next case starts fresh. */
  async function stopBad(): Promise<void> {
    const srv = bad;
    bad = undefined;
    if (srv) {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
    await new Promise((r) => setTimeout(r, PEER_CACHE_MS + 100));
  }
  afterEach(stopBad);
  afterAll(async () => {
    for (const m of started) await stopMember(m);
  });

  async function member2(answer: (res: import("node:http").ServerResponse) => void): Promise<void> {
    badRequests = 0;
    bad = createServer((_req, res) => {
      badRequests++;
      answer(res);
    });
    await new Promise<void>((r) => (bad as Server).listen(block.port(2), "127.0.0.1", r));
  }

  async function merged(): Promise<{ body: RulesBody; ms: number }> {
    const { value, ms } = await timed(() => getJSON<RulesBody>(`${started[0]?.url}/api/v1/rules`));
    return { body: value, ms };
  }

  function expectOthersShown(body: RulesBody, error: RegExp) {
    const st = body.data.cluster as ApiClusterStatus;
    expect(st.members[2]?.state).toBe("unreachable");
    expect(st.members[2]?.error).toMatch(error);
    expect(st.members[1]?.state).toBe("ok");
    const shown = started.flatMap((m) => m.owned.map((g) => g.name)).sort();
    expect(body.data.groups.map((g) => g.name)).toEqual(shown);
    // The rest are named, with their owner.
    expect(st.missing_groups.map((g) => g.name).sort()).toEqual(
      groups
        .map((g) => g.name)
        .filter((n) => !shown.includes(n))
        .sort(),
    );
    expect(st.missing_groups.every((g) => g.owners.length === 1 && g.owners[0] === 2)).toBe(true);
  }

  it("a member that is down is listed as unreachable; the others' groups are shown", async () => {
    const { body, ms } = await merged();
    expectOthersShown(body, /127\.0\.0\.1:\d+.*(ECONNREFUSED|connect)/);
    expect(ms).toBeLessThan(ANSWER_BOUND_MS);
    const page = await (await fetch(`${started[0]?.url}/vmalert/groups`)).text();
    expect(page).toContain("A member did not answer; the page shows the others.");
    expect(page).toMatch(
      /Groups not shown \(every member that runs them is unreachable\): "g-\d\d" \(rules\/cluster\.yml, members 2\)/,
    );
  });

  it("a member that hangs costs the answer one peer timeout, not more", async () => {
    await member2(() => {}); // accepts, never answers
    const { body, ms } = await merged();
    expectOthersShown(body, /timed out after 500ms/);
    expect(ms).toBeGreaterThanOrEqual(PEER_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(ANSWER_BOUND_MS);
  });

  it("garbage, wrong shapes and oversized answers are refused with the reason", async () => {
    const cases: [string, (res: import("node:http").ServerResponse) => void, RegExp][] = [
      ["not JSON", (res) => res.end("<html>oops"), /is not valid JSON/],
      ["a 500", (res) => res.writeHead(500).end("boom"), /answered 500: boom/],
      [
        "an ID that is not a number",
        (res) =>
          res.end(
            JSON.stringify({
              status: "success",
              data: {
                groups: [{ name: "x", rules: [], interval: 1, lastEvaluation: "", type: "p", id: "1; rm", file: "f" }],
              },
            }),
          ),
        /unexpected answer: \/data\/groups\/0\/id must match pattern/,
      ],
      [
        "a rule name that is not a string",
        (res) =>
          res.end(
            JSON.stringify({
              status: "success",
              data: {
                groups: [
                  {
                    name: "x",
                    interval: 1,
                    lastEvaluation: "",
                    type: "p",
                    id: "1",
                    file: "f",
                    rules: [
                      {
                        name: 5,
                        state: "",
                        query: "",
                        health: "ok",
                        type: "recording",
                        id: "2",
                        group_id: "1",
                        lastEvaluation: "",
                      },
                    ],
                  },
                ],
              },
            }),
          ),
        /\/data\/groups\/0\/rules\/0\/name must be string/,
      ],
      ["an endless answer", (res) => res.end("x".repeat(2 << 20)), /larger than 1048576 bytes/],
    ];
    for (const [what, answer, error] of cases) {
      await member2(answer);
      const { body, ms } = await merged();
      expect(ms, what).toBeLessThan(ANSWER_BOUND_MS);
      expectOthersShown(body, error);
      await stopBad();
    }
  });

  it("fields a peer adds are dropped, and concurrent requests share one request to each peer", async () => {
    const owned = groups.filter((g) => !started.some((m) => m.owned.includes(g)));
    const g0 = owned[0] as EffectiveGroupConfig;
    await member2((res) =>
      setTimeout(
        () =>
          res.end(
            JSON.stringify({
              status: "success",
              data: {
                groups: [
                  {
                    name: g0.name,
                    rules: [],
                    interval: 60,
                    lastEvaluation: new Date().toISOString(),
                    type: "prometheus",
                    id: groupConfigID(g0),
                    file: g0.file,
                    evil: "x".repeat(1000),
                    owners: [2],
                  },
                ],
              },
            }),
          ),
        100,
      ),
    );
    const answers = await Promise.all(Array.from({ length: 20 }, () => merged()));
    expect(badRequests).toBe(1);
    for (const { body } of answers) {
      const g = body.data.groups.find((x) => x.name === g0.name) as ApiGroup & { evil?: string };
      expect(g).toBeDefined();
      expect(g.evil).toBeUndefined();
      expect(g.owners).toEqual([2]);
      expect(body.data.cluster?.missing_groups.map((x) => x.name)).not.toContain(g0.name);
    }
  });
});

describe("replicas and credentials", () => {
  it("with R=2 a group run by two members is listed once, and stays listed when one of them is down", async () => {
    const block = await freePortBlock(3);
    const ms: Member[] = [];
    try {
      for (let n = 0; n < 3; n++) ms.push(await startMember(n, block, { replication: 2 }));
      await evaluate(ms);
      const body = await getJSON<RulesBody>(`${ms[0]?.url}/api/v1/rules`);
      expect(body.data.groups.map((g) => g.name)).toEqual(groups.map((g) => g.name));
      for (const g of body.data.groups) expect(g.owners).toHaveLength(2);
      await stopMember(ms.pop() as Member);
      await new Promise((r) => setTimeout(r, PEER_CACHE_MS + 100));
      const degraded = await getJSON<RulesBody>(`${ms[0]?.url}/api/v1/rules`);
      expect(degraded.data.groups).toHaveLength(30);
      expect(degraded.data.cluster?.members[2]?.state).toBe("unreachable");
      expect(degraded.data.cluster?.missing_groups).toEqual([]);
    } finally {
      for (const m of ms) await stopMember(m);
    }
  });

  it("members ask each other with their own -httpAuth credentials", async () => {
    const block = await freePortBlock(2);
    const ms: Member[] = [];
    try {
      for (let n = 0; n < 2; n++) ms.push(await startMember(n, block, { count: 2, auth: true }));
      const headers = { authorization: `Basic ${Buffer.from("admin:cluster-pass-1").toString("base64")}` };
      const body = await getJSON<RulesBody>(`${ms[0]?.url}/api/v1/rules`, { headers });
      expect(body.data.groups).toHaveLength(30);
      expect(body.data.cluster?.members.map((x) => x.state)).toEqual(["self", "ok"]);
    } finally {
      for (const m of ms) await stopMember(m);
    }
  });

  it("without -cluster.memberURLTemplate a member shows its own groups and says so", async () => {
    const block = await freePortBlock(3);
    const m = await startMember(1, block, { template: "" });
    try {
      const body = await getJSON<RulesBody>(`${m.url}/api/v1/rules`);
      expect(body.data.groups.map((g) => g.name)).toEqual(m.owned.map((g) => g.name).sort());
      expect(body.data.cluster?.members.map((x) => x.state)).toEqual(["unknown", "self", "unknown"]);
      const page = await (await fetch(`${m.url}/vmalert/groups`)).text();
      expect(page).toContain(
        "Cluster: member 1 of 3, replication factor 1; this member's groups only (no -cluster.memberURLTemplate)",
      );
    } finally {
      await stopMember(m);
    }
  });
});
