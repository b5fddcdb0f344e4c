// -notifier.config: parsing errors with file:line, static and DNS targets delivering to real
// Alertmanagers, relabeling of targets and alerts, reload.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TsalertError } from "../../src/errors.js";
import { parseNotifierConfig } from "../../src/notifier/config.js";
import type { DnsResolver } from "../../src/notifier/discovery.js";
import { createNotifierSet } from "../../src/notifier/set.js";
import type { NotifierAlert } from "../../src/notifier/types.js";
import { type FaultServer, json, startFaultServer } from "../helpers/faults.js";
import { type RunningServer, startAlertmanager } from "../helpers/servers.js";

const logger = pino({ level: "silent" });
let am1: RunningServer;
let am2: RunningServer;
let faults: FaultServer;
let dir: string;

beforeAll(async () => {
  [am1, am2, faults] = await Promise.all([startAlertmanager(), startAlertmanager(), startFaultServer()]);
  dir = mkdtempSync(join(tmpdir(), "tsalert-notifier-cfg-"));
}, 60_000);
afterAll(async () => {
  await Promise.all([am1?.stop(), am2?.stop(), faults?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function host(s: { url: string }): string {
  return new URL(s.url).host;
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function alert(name: string): NotifierAlert {
  return {
    labels: { alertname: name, severity: "page" },
    annotations: {},
    startsAt: new Date(Date.now() - 1000),
    endsAt: new Date(Date.now() + 600_000),
    generatorURL: "http://tsalert/x",
  };
}

async function amLabels(am: RunningServer, name: string): Promise<Record<string, string>[]> {
  const all = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
  return all.filter((a) => a.labels.alertname === name).map((a) => a.labels);
}

function parseError(text: string): string {
  try {
    parseNotifierConfig(text, "/etc/am.yml");
  } catch (err) {
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).code).toBe("TSA_CONFIG");
    return (err as Error).message;
  }
  throw new Error("expected a parse error");
}

describe("parse errors name file and line", () => {
  test("unknown top-level field", () => {
    expect(parseError("static_configs:\n  - targets: [a:1]\nalert_relable_configs: []\n")).toBe(
      "/etc/am.yml:3: unknown fields in /etc/am.yml: alert_relable_configs",
    );
  });

  test("bad relabel entry points at the entry", () => {
    const text = `alert_relabel_configs:
  - source_labels: [a]
    target_label: b
  - action: hashmod
    source_labels: [a]
    target_label: shard
`;
    expect(parseError(text)).toBe(
      "/etc/am.yml:4: alert_relabel_configs[1]: relabel action hashmod requires a non-zero modulus",
    );
  });

  test("per-target relabel, timeout, dns port, header, consul", () => {
    expect(
      parseError("static_configs:\n  - targets: [a:1]\n    alert_relabel_configs:\n      - action: nope\n"),
    ).toMatch(/^\/etc\/am.yml:4: alert_relabel_configs\[0\]: unknown relabel action "nope"/);
    expect(parseError("timeout: soon\n")).toBe('/etc/am.yml:1: invalid timeout "soon"');
    expect(parseError("dns_sd_configs:\n  - names: [am.example]\n    type: A\n")).toMatch(
      /^\/etc\/am.yml:2: dns_sd_configs with type A need a port/,
    );
    expect(parseError("headers:\n  - 'no colon'\n")).toBe('/etc/am.yml:2: header "no colon" must be "Name: value"');
    expect(parseError("consul_sd_configs:\n  - server: localhost:8500\n")).toMatch(
      /^\/etc\/am.yml:1: consul_sd_configs are not supported by tsalert yet/,
    );
    expect(parseError("static_configs:\n  - targets: [a:1]\n  oops: [\n")).toMatch(
      /^\/etc\/am.yml:\d+: cannot parse notifier config/,
    );
  });

  test("defaults and inherited client settings", () => {
    const cfg = parseNotifierConfig(
      `basic_auth: {username: u, password: p}
tls_config: {insecure_skip_verify: true}
timeout: 2s
path_prefix: /am/
static_configs:
  - targets: [a:1]
  - targets: [b:1]
    authorization: {credentials: tok}
`,
      "f.yml",
    );
    expect(cfg.scheme).toBe("http");
    expect(cfg.pathPrefix).toBe("/am");
    expect(cfg.timeoutMs).toBe(2000);
    expect(cfg.static[0]?.client.basicAuth).toEqual({ username: "u", password: "p", passwordFile: undefined });
    expect(cfg.static[0]?.client.tls?.insecureSkipVerify).toBe(true);
    expect(cfg.static[1]?.client.basicAuth).toBeUndefined();
    expect(cfg.static[1]?.client.bearerToken).toBe("tok");
    expect(cfg.static[1]?.client.tls?.insecureSkipVerify).toBe(true);
  });
});

describe("targets from the config file", () => {
  test("static targets to two real Alertmanagers with target relabeling and global + own alert relabeling", async () => {
    const file = writeConfig(
      "static.yml",
      `static_configs:
  - targets: ["${host(am1)}", "127.0.0.1:1"]
  - targets: ["http://${host(am2)}"]
    alert_relabel_configs:
      - target_label: team
        replacement: b
relabel_configs:
  - source_labels: [__address__]
    regex: "127\\\\.0\\\\.0\\\\.1:1"
    action: drop
alert_relabel_configs:
  - target_label: env
    replacement: prod
  - regex: severity
    action: labeldrop
`,
    );
    const set = await createNotifierSet({ logger, configFile: file });
    expect(set.notifiers().map((n) => n.addr())).toEqual([
      `http://${host(am1)}/api/v2/alerts`,
      `http://${host(am2)}/api/v2/alerts`,
    ]);
    await Promise.all(set.notifiers().map((n) => n.send([alert("FromConfig")])));
    expect(await amLabels(am1, "FromConfig")).toEqual([{ alertname: "FromConfig", env: "prod" }]);
    expect(await amLabels(am2, "FromConfig")).toEqual([{ alertname: "FromConfig", env: "prod", team: "b" }]);
    const view = set.notifiersView();
    expect(view).toHaveLength(1);
    expect(view[0]?.kind).toBe("static");
    expect(view[0]?.targets[0]?.labels).toEqual({
      __address__: host(am1),
      __scheme__: "http",
      __alerts_path__: "/api/v2/alerts",
    });
    await set.close();
  });

  test("path_prefix, a target's own path, default port, config headers and auth", async () => {
    faults.handle((_r, res) => json(res, 200, ""));
    const file = writeConfig(
      "paths.yml",
      `path_prefix: /am-proxy/
bearer_token: top-secret
headers: ["X-Org: 7"]
static_configs:
  - targets: ["${host(faults)}", "${host(faults)}/custom/alerts"]
`,
    );
    const set = await createNotifierSet({ logger, configFile: file });
    expect(set.notifiers().map((n) => n.addr())).toEqual([
      `http://${host(faults)}/am-proxy/api/v2/alerts`,
      `http://${host(faults)}/custom/alerts`,
    ]);
    const before = faults.seen.length;
    await Promise.all(set.notifiers().map((n) => n.send([alert("P")])));
    const seen = faults.seen.slice(before);
    expect(seen.map((r) => r.url).sort()).toEqual(["/am-proxy/api/v2/alerts", "/custom/alerts"]);
    for (const r of seen) {
      expect(r.headers.authorization).toBe("Bearer top-secret");
      expect(r.headers["x-org"]).toBe("7");
    }
    await set.close();
    const noPort = await createNotifierSet({
      logger,
      configFile: writeConfig("noport.yml", "scheme: https\nstatic_configs:\n  - targets: [am.example]\n"),
    });
    expect(noPort.notifiers()[0]?.addr()).toBe("https://am.example:443/api/v2/alerts");
    await noPort.close();
  });

  test("duplicate targets (same final URL) are kept once", async () => {
    const file = writeConfig(
      "dup.yml",
      `static_configs:\n  - targets: ["${host(am1)}", "http://${host(am1)}/api/v2/alerts"]\n  - targets: ["${host(am1)}"]\n`,
    );
    const set = await createNotifierSet({ logger, configFile: file });
    expect(set.notifiers().map((n) => n.addr())).toEqual([`http://${host(am1)}/api/v2/alerts`]);
    await set.close();
  });

  test("an alert whose labels are all dropped is not sent to that target", async () => {
    faults.handle((_r, res) => json(res, 200, ""));
    const file = writeConfig(
      "dropall.yml",
      `static_configs:
  - targets: ["${host(faults)}"]
alert_relabel_configs:
  - source_labels: [alertname]
    regex: Quiet
    action: drop
`,
    );
    const set = await createNotifierSet({ logger, configFile: file });
    const before = faults.seen.length;
    await set.notifiers()[0]?.send([alert("Quiet")]);
    expect(faults.seen.length).toBe(before);
    await set.notifiers()[0]?.send([alert("Loud"), alert("Quiet")]);
    expect(
      JSON.parse(faults.seen.at(-1)?.body ?? "[]").map((a: { labels: { alertname: string } }) => a.labels.alertname),
    ).toEqual(["Loud"]);
    await set.close();
  });

  test("reload: unchanged file is a no-op, a new file replaces targets, a bad file keeps the old ones", async () => {
    const file = writeConfig("reload.yml", `static_configs:\n  - targets: ["${host(am1)}"]\n`);
    const set = await createNotifierSet({ logger, configFile: file });
    expect(await set.reload()).toBe(false);
    writeFileSync(file, `static_configs:\n  - targets: ["${host(am2)}"]\n`);
    expect(await set.reload()).toBe(true);
    expect(set.notifiers().map((n) => n.addr())).toEqual([`http://${host(am2)}/api/v2/alerts`]);
    await set.notifiers()[0]?.send([alert("AfterReload")]);
    expect(await amLabels(am2, "AfterReload")).toHaveLength(1);
    writeFileSync(file, "static_configs: {broken\n");
    await expect(set.reload()).rejects.toThrow(/reload.yml:\d+: cannot parse notifier config/);
    expect(set.notifiers().map((n) => n.addr())).toEqual([`http://${host(am2)}/api/v2/alerts`]);
    await set.close();
  });
});

describe("dns_sd_configs", () => {
  function resolver(table: {
    a?: Record<string, string[]>;
    srv?: Record<string, { name: string; port: number }[]>;
  }): DnsResolver {
    const miss = (n: string) =>
      Promise.reject(Object.assign(new Error(`queryA ENOTFOUND ${n}`), { code: "ENOTFOUND" }));
    return {
      resolve4: (n) => (table.a?.[n] ? Promise.resolve(table.a[n]) : miss(n)),
      resolve6: (n) => miss(n),
      resolveSrv: (n) => (table.srv?.[n] ? Promise.resolve(table.srv[n]) : miss(n)),
      resolveMx: (n) => miss(n),
    };
  }

  test("A and SRV records become targets with __meta_dns labels usable in relabel_configs", async () => {
    const file = writeConfig(
      "dns.yml",
      `dns_sd_configs:
  - names: [am-a.test]
    type: A
    port: ${am1.port}
  - names: [_am._tcp.test, missing.test]
relabel_configs:
  - source_labels: [__meta_dns_name]
    target_label: dns_name
`,
    );
    const table = {
      a: { "am-a.test": ["127.0.0.1"] },
      srv: { "_am._tcp.test": [{ name: "127.0.0.1", port: am2.port }] },
    };
    const set = await createNotifierSet({ logger, configFile: file, resolver: resolver(table) });
    expect(set.notifiers().map((n) => n.addr())).toEqual([
      `http://${host(am1)}/api/v2/alerts`,
      `http://${host(am2)}/api/v2/alerts`,
    ]);
    await Promise.all(set.notifiers().map((n) => n.send([alert("ViaDNS")])));
    expect(await amLabels(am1, "ViaDNS")).toHaveLength(1);
    expect(await amLabels(am2, "ViaDNS")).toHaveLength(1);
    const view = set.notifiersView();
    expect(view.map((g) => g.kind)).toEqual(["DNSSD"]);
    expect(view[0]?.targets.map((t) => t.labels.dns_name)).toEqual(["am-a.test", "_am._tcp.test"]);
    expect(view[0]?.targets.every((t) => !Object.keys(t.labels).some((k) => k.startsWith("__meta_")))).toBe(true);

    // The A record moves away: the next refresh drops that target and keeps the other object.
    const kept = set.notifiers()[1];
    table.a["am-a.test"] = [];
    await set.refreshDiscovery();
    expect(set.notifiers()).toEqual([kept]);
    await set.close();
  });
});
