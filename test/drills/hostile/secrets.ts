// Hostile input: secrets. More than 20 distinct credentials are given to the built tsalert through every
// flag and file that can carry one (basic auth passwords and password files, bearer tokens and token
// files, OAuth2 client secrets and the access tokens a token server issues, -*.headers, group `headers`,
// `notifier_headers` and `params`, a -notifier.config file, URL userinfo and URL-encoded `token` values
// of every URL flag and of -rule URLs, -httpAuth.password and the auth keys). The peers echo every
// header, the URL and the body they receive in their error answers (also on a 200: `status: error` and
// non-JSON), token endpoints echo too, and further runs start with an unparseable -remoteWrite.url, an
// invalid -datasource.url and conflicting auth flags. Then every byte the processes printed (stdout and
// stderr, crash and fatal lines included) and every route they serve (JSON API, UI pages, rule and alert
// pages, /metrics, /flags, /-/reload, unknown paths) is searched for each secret in every encoding:
// raw, URL-encoded, form-encoded, JSON-escaped, and base64 of user:password. Zero hits.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, type FaultServer as PeerServer, startFaultServer } from "../../helpers/faults.js";
import { waitFor } from "../../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../../helpers/tsalert.js";
import { recordFigures } from "../lib/report.js";
import { type FakeServer, findSecrets, secretForms, startEchoServer, startTokenServer } from "../lib/secrets.js";

/** Distinct, none a part of another, with the characters URL, form and JSON encodings change. */
const S = {
  dsURLPass: "hsDsUrlPass+7Kq/2=",
  dsURLToken: "hsDsUrlTok+3Wz/8=",
  dsHeader: "hsDsHeader+5Lm/1=",
  dsBearerFile: "hsDsBearerFile+9Pt/4=",
  dsPassword: "hsDsPassword+2Hx/6=",
  groupHeader: "hsGroupHeader+4Rb/3=",
  groupNotifierHeader: "hsGroupNtfHeader+8Qc/5=",
  groupParamToken: "hsGroupParamTok+1Vd/7=",
  rwBearer: "hsRwBearer+6Nf/9=",
  rwHeader: "hsRwHeader+0Jg/2=",
  rwURLToken: "hsRwUrlTok+7Sh/4=",
  rwClientSecret: "hsRwClientSecret+3Tk/8=",
  rrClientSecretFile: "hsRrClientSecFile+5Yl/1=",
  rrAccessToken: "hsRrAccessTok+9Um/3=",
  rrHeader: "hsRrHeader+2Bn/6=",
  rrURLPass: "hsRrUrlPass+4Cp/0=",
  amPasswordFile: "hsAmPassFile+8Dq/5=",
  amHeader: "hsAmHeader+1Er/7=",
  amURLToken: "hsAmUrlTok+6Fs/2=",
  amConfigPassword: "hsAmCfgPass+0Gt/9=",
  amConfigHeader: "hsAmCfgHeader+3Hu/4=",
  ruleURLToken: "hsRuleUrlTok+7Iv/1=",
  ruleURLPass: "hsRuleUrlPass+5Jw/8=",
  httpPassword: "hsHttpPassword+9Kx/3=",
  metricsKey: "hsMetricsKey+2Ly/6=",
  flagsKey: "hsFlagsKey+4Mz/0=",
  reloadKey: "hsReloadKey+8Na/5=",
  rwBadPass: "hsRwBadPass+1Ob/7=",
  rwBadToken: "hsRwBadTok+6Pc/2=",
  dsBadPass: "hsDsBadPass+0Qd/9=",
  amConflictPass: "hsAmConflictPass+3Re/4=",
  amConflictToken: "hsAmConflictTok+7Sf/1=",
};
const BASIC_PAIRS: [string, string][] = [
  ["dsurl", S.dsURLPass],
  ["dsuser", S.dsPassword],
  ["rruser", S.rrURLPass],
  ["rrclient", S.rrClientSecretFile],
  ["rwclient", S.rwClientSecret],
  ["amuser", S.amPasswordFile],
  ["cfguser", S.amConfigPassword],
  ["ruleuser", S.ruleURLPass],
  ["admin", S.httpPassword],
  ["rwbad", S.rwBadPass],
  ["dsbad", S.dsBadPass],
  ["amconflict", S.amConflictPass],
];
const FORMS = secretForms(S, BASIC_PAIRS);
const ADMIN = { Authorization: `Basic ${Buffer.from(`admin:${S.httpPassword}`).toString("base64")}` };
const enc = encodeURIComponent;
const b64 = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString("base64");

const RULES = `
groups:
  - name: hostile-secrets
    interval: 1s
    headers: [${JSON.stringify(`X-Team: ${S.groupHeader}`)}]
    notifier_headers: [${JSON.stringify(`X-Notify-Team: ${S.groupNotifierHeader}`)}]
    params:
      authToken: [${JSON.stringify(S.groupParamToken)}]
    rules:
      - alert: HostileSecret
        expr: vector(1) > 0
        annotations:
          summary: "value {{ $value }}"
      - alert: HostilePending
        expr: vector(1) > 0
        for: 1h
      - record: hostile:secret
        expr: vector(1)
`;
const urlRules = (name: string) =>
  `groups:\n  - name: ${name}\n    interval: 1s\n    rules:\n      - record: ${name.replace("-", "_")}:x\n        expr: vector(1)\n`;

interface Output {
  where: string;
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, text: await res.text() };
}

/** Every route a running tsalert serves (authorised), per group, rule and alert, plus everything it printed. */
async function outputsOf(name: string, t: TsalertProcess): Promise<Output[]> {
  const out: Output[] = [];
  const add = async (path: string) => {
    const r = await get(`${t.url}${path}`, ADMIN);
    out.push({ where: `${name} ${path} (${r.status})`, text: r.text });
    return r;
  };
  for (const p of [
    "/",
    "/vmalert",
    "/vmalert/",
    "/vmalert/groups",
    "/vmalert/rules",
    "/vmalert/alerts",
    "/vmalert/notifiers",
    "/vmalert/rule",
    "/vmalert/alert",
    "/api/v1/rules",
    "/api/v1/rules?type=alert",
    "/api/v1/alerts",
    "/api/v1/notifiers",
    "/vmalert/api/v1/rules",
    "/vmalert/api/v1/alerts",
    "/vmalert/api/v1/notifiers",
    "/api/v1/1/2/status",
    "/health",
    "/no/such/route",
  ]) {
    await add(p);
  }
  expect((await add(`/metrics?authKey=${enc(S.metricsKey)}`)).status).toBe(200);
  expect((await add(`/flags?authKey=${enc(S.flagsKey)}`)).status).toBe(200);
  await add(`/-/reload?authKey=${enc(S.reloadKey)}`);
  const rules = JSON.parse((await get(`${t.url}/api/v1/rules`, ADMIN)).text) as {
    data: { groups: { id: string; rules: { id: string; alerts?: { id: string }[] }[] }[] };
  };
  for (const g of rules.data.groups) {
    await add(`/api/v1/group?group_id=${g.id}`);
    for (const r of g.rules) {
      await add(`/api/v1/rule?group_id=${g.id}&rule_id=${r.id}`);
      await add(`/vmalert/rule?group_id=${g.id}&rule_id=${r.id}`);
      for (const a of r.alerts ?? []) {
        await add(`/api/v1/alert?group_id=${g.id}&alert_id=${a.id}`);
        await add(`/vmalert/alert?group_id=${g.id}&alert_id=${a.id}`);
        await add(`/${g.id}/${a.id}/status`);
      }
    }
  }
  out.push({ where: `${name} stdout+stderr`, text: t.logs() });
  return out;
}

export function secretsDrill(): void {
  describe("hostile input: secrets", () => {
    let dir: string;
    let echo: FakeServer;
    let echoErrorOn200: FakeServer;
    let echoTextOn200: FakeServer;
    let tokens: FakeServer;
    let datasource: PeerServer;
    let ruleServer: PeerServer;
    const running: TsalertProcess[] = [];
    const figures: Record<string, number | string> = {};
    const file = (name: string) => join(dir, name);

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "tsalert-hostile-secrets-"));
      await writeFile(file("rules.yml"), RULES);
      await writeFile(file("ds.token"), `${S.dsBearerFile}\n`);
      await writeFile(file("rr.secret"), `${S.rrClientSecretFile}\n`);
      await writeFile(file("am.pass"), `${S.amPasswordFile}\n`);
      await writeFile(file("reload.key"), `${S.reloadKey}\n`);
      [echo, echoErrorOn200, echoTextOn200, tokens] = await Promise.all([
        startEchoServer(400),
        startEchoServer(200),
        startEchoServer(200, "text"),
        startTokenServer("rrclient", S.rrClientSecretFile, S.rrAccessToken),
      ]);
      await writeFile(
        file("notifier.yml"),
        [
          "static_configs:",
          `  - targets: [${JSON.stringify(new URL(echo.url).host)}]`,
          "    basic_auth:",
          "      username: cfguser",
          `      password: ${JSON.stringify(S.amConfigPassword)}`,
          `    headers: [${JSON.stringify(`X-Am-Config: ${S.amConfigHeader}`)}]`,
          "",
        ].join("\n"),
      );
      // A datasource that answers every query with one sample, so alerts fire and results are written.
      datasource = await startFaultServer((_r, res) =>
        json(res, 200, {
          status: "success",
          data: { resultType: "vector", result: [{ metric: {}, value: [Date.now() / 1000, "1"] }] },
        }),
      );
      // Rule files by URL: only with the right token or basic auth.
      const basic = `Basic ${b64("ruleuser", S.ruleURLPass)}`;
      ruleServer = await startFaultServer((r, res) => {
        const u = new URL(r.url, "http://x");
        if (u.pathname === "/token.yml" && u.searchParams.get("token") === S.ruleURLToken) {
          res.end(urlRules("url-token"));
        } else if (u.pathname === "/basic.yml" && r.headers.authorization === basic) {
          res.end(urlRules("url-basic"));
        } else {
          res.writeHead(401);
          res.end(`denied ${r.url} ${r.headers.authorization ?? ""}`);
        }
      });
    });

    afterAll(async () => {
      for (const t of running) await t.kill();
      await Promise.all([
        echo?.stop(),
        echoErrorOn200?.stop(),
        echoTextOn200?.stop(),
        tokens?.stop(),
        datasource?.stop(),
        ruleServer?.stop(),
      ]);
      await rm(dir, { recursive: true, force: true });
      await recordFigures("hostile-secrets", { title: "hostile input: secrets", extra: figures });
    });

    const start = async (args: string[]) => {
      const ruleHost = new URL(ruleServer.url).host;
      const t = await startTsalert({
        args: [
          `-rule=${file("rules.yml")}`,
          `-rule=${ruleServer.url}/token.yml?token=${enc(S.ruleURLToken)}`,
          `-rule=http://ruleuser:${enc(S.ruleURLPass)}@${ruleHost}/basic.yml`,
          "-loggerLevel=INFO",
          "-rule.resendDelay=1s",
          "-remoteWrite.retryMaxTime=1s",
          "-remoteWrite.flushInterval=200ms",
          "-httpAuth.username=admin",
          `-httpAuth.password=${S.httpPassword}`,
          `-metricsAuthKey=${S.metricsKey}`,
          `-flagsAuthKey=${S.flagsKey}`,
          `-reloadAuthKey=file://${file("reload.key")}`,
          ...args,
        ],
      });
      running.push(t);
      return t;
    };

    it("credentials given through every flag and file never come out, while peers echo them", async () => {
      const echoHost = new URL(echo.url).host;
      const echoingDatasource = (peer: FakeServer) =>
        `http://dsurl:${enc(S.dsURLPass)}@${new URL(peer.url).host}/?token=${enc(S.dsURLToken)}`;
      // Remote read echoes; its OAuth2 token comes from a real token endpoint. (The restore runs inside a
      // group's first successful evaluation, so with a datasource that answers.)
      const remoteRead = [
        `-remoteRead.url=http://rruser:${enc(S.rrURLPass)}@${echoHost}`,
        `-remoteRead.headers=X-Rr-Tenant:${S.rrHeader}`,
        "-remoteRead.oauth2.clientID=rrclient",
        `-remoteRead.oauth2.clientSecretFile=${file("rr.secret")}`,
        `-remoteRead.oauth2.tokenUrl=${tokens.url}/token`,
      ];
      const remoteWrite = [
        `-remoteWrite.url=${echo.url}/?authKey=${enc(S.rwURLToken)}`,
        `-remoteWrite.bearerToken=${S.rwBearer}`,
        `-remoteWrite.headers=X-Rw-Tenant:${S.rwHeader}`,
      ];
      const notifier = [
        `-notifier.url=http://${echoHost}/am?token=${enc(S.amURLToken)}`,
        "-notifier.basicAuth.username=amuser",
        `-notifier.basicAuth.passwordFile=${file("am.pass")}`,
        `-notifier.headers=X-Am-Tenant:${S.amHeader}`,
      ];
      const dsHeaders = `-datasource.headers=X-Scope-OrgID:${S.dsHeader}`;
      const runs: [string, TsalertProcess][] = [];
      runs.push([
        "A (echoing datasource 400)",
        await start([
          `-datasource.url=${echoingDatasource(echo)}`,
          dsHeaders,
          ...remoteRead,
          ...remoteWrite,
          ...notifier,
        ]),
      ]);
      runs.push([
        "A2 (datasource 200 status error)",
        await start([
          `-datasource.url=${echoingDatasource(echoErrorOn200)}`,
          dsHeaders,
          "-notifier.blackhole",
          ...remoteWrite,
        ]),
      ]);
      runs.push([
        "A3 (datasource 200 non-JSON)",
        await start([
          `-datasource.url=${echoingDatasource(echoTextOn200)}`,
          dsHeaders,
          "-notifier.blackhole",
          ...remoteWrite,
        ]),
      ]);
      // B: queries answered, so alerts go to the echoing notifier, results to the echoing remote write,
      // and the restore to the echoing remote read.
      runs.push([
        "B (echoing notifier, remote write and remote read)",
        await start([
          `-datasource.url=${datasource.url}`,
          `-datasource.bearerTokenFile=${file("ds.token")}`,
          dsHeaders,
          ...remoteRead,
          ...remoteWrite,
          ...notifier,
        ]),
      ]);
      // C: echoing OAuth2 token endpoint (client secret by flag), notifier targets from -notifier.config.
      runs.push([
        "C (echoing token endpoint, -notifier.config)",
        await start([
          `-datasource.url=${datasource.url}`,
          "-datasource.basicAuth.username=dsuser",
          `-datasource.basicAuth.password=${S.dsPassword}`,
          `-remoteWrite.url=${echo.url}`,
          "-remoteWrite.oauth2.clientID=rwclient",
          `-remoteWrite.oauth2.clientSecret=${S.rwClientSecret}`,
          `-remoteWrite.oauth2.tokenUrl=${echo.url}/token`,
          `-notifier.config=${file("notifier.yml")}`,
        ]),
      ]);
      // D: an -remoteWrite.url the URL parser rejects (port out of range): every drop line names it.
      runs.push([
        "D (unparseable -remoteWrite.url)",
        await start([
          `-datasource.url=${datasource.url}`,
          "-notifier.blackhole",
          `-remoteWrite.url=http://rwbad:${enc(S.rwBadPass)}@127.0.0.1:99999/?token=${enc(S.rwBadToken)}`,
        ]),
      ]);

      // The credentials really reached the peers (else the search below proves nothing).
      const seenBy = (peers: { seen: { url: string; headers: unknown; body: string }[] }[]) =>
        peers.flatMap((p) => p.seen.map((r) => `${r.url} ${JSON.stringify(r.headers)} ${r.body}`)).join("\n");
      const expected: [string, () => string, string][] = [
        ["datasource URL userinfo", () => seenBy([echo]), b64("dsurl", S.dsURLPass)],
        ["datasource URL token", () => seenBy([echo]), `token=${enc(S.dsURLToken)}`],
        ["datasource header", () => seenBy([echo, echoErrorOn200, echoTextOn200]), S.dsHeader],
        ["group header", () => seenBy([echo]), S.groupHeader],
        ["group param", () => seenBy([echo]), enc(S.groupParamToken)],
        ["datasource bearer file", () => seenBy([datasource]), `Bearer ${S.dsBearerFile}`],
        ["datasource password", () => seenBy([datasource]), b64("dsuser", S.dsPassword)],
        ["remote read access token", () => seenBy([echo]), `Bearer ${S.rrAccessToken}`],
        ["remote read header", () => seenBy([echo]), S.rrHeader],
        ["remote read client secret file", () => seenBy([tokens]), b64("rrclient", enc(S.rrClientSecretFile))],
        ["remote write bearer", () => seenBy([echo]), `Bearer ${S.rwBearer}`],
        ["remote write header", () => seenBy([echo]), S.rwHeader],
        ["remote write URL token", () => seenBy([echo]), `authKey=${enc(S.rwURLToken)}`],
        ["remote write client secret", () => seenBy([echo]), b64("rwclient", enc(S.rwClientSecret))],
        ["notifier password file", () => seenBy([echo]), b64("amuser", S.amPasswordFile)],
        ["notifier header", () => seenBy([echo]), S.amHeader],
        ["notifier URL token", () => seenBy([echo]), `token=${enc(S.amURLToken)}`],
        ["group notifier header", () => seenBy([echo]), S.groupNotifierHeader],
        ["-notifier.config password", () => seenBy([echo]), b64("cfguser", S.amConfigPassword)],
        ["-notifier.config header", () => seenBy([echo]), S.amConfigHeader],
        ["rule URL token", () => seenBy([ruleServer]), `token=${enc(S.ruleURLToken)}`],
        ["rule URL userinfo", () => seenBy([ruleServer]), b64("ruleuser", S.ruleURLPass)],
      ];
      const missing = () => expected.filter(([, seen, what]) => !seen().includes(what)).map(([n]) => n);
      await waitFor(async () => missing().length === 0, 30_000, "every credential to reach a peer").catch(
        (err: Error) => {
          throw new Error(`${err.message}; missing: ${missing().join(", ")}`);
        },
      );
      // The failure paths ran: rule errors quote the echo, notifier and remote-write errors were logged.
      await waitFor(
        async () =>
          runs[1][1].logs().includes("response error") &&
          runs[3][1].logs().includes("failed to send") &&
          runs[3][1].logs().includes("remote write") &&
          runs[4][1].logs().includes("token endpoint") &&
          runs[5][1].logs().includes("dropped"),
        30_000,
        "the error paths to be logged",
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${runs.map(([n, t]) => `--- ${n}\n${t.logs().slice(-1500)}`).join("\n")}`);
      });
      const outputs: Output[] = [];
      for (const [name, t] of runs) outputs.push(...(await outputsOf(name, t)));
      // The rule errors are there, only scrubbed: "echo:" is what every echoing peer answered.
      const rulesA = outputs.find((o) => o.where.startsWith("A (echoing datasource 400) /api/v1/rules "));
      expect(rulesA?.text).toMatch(/echo: POST/);
      const found = outputs.flatMap((o) => findSecrets(o.where, o.text, FORMS));
      figures.secrets = Object.keys(S).length;
      figures.forms = FORMS.size;
      figures.instances = runs.length;
      figures.outputs = outputs.length;
      figures.bytesSearched = outputs.reduce((n, o) => n + o.text.length, 0);
      figures.peerRequests = [echo, echoErrorOn200, echoTextOn200, tokens, datasource, ruleServer].reduce(
        (n, p) => n + p.seen.length,
        0,
      );
      figures.leaks = found.length;
      if (found.length > 0) console.log(found.slice(0, 20).join("\n\n"));
      expect(found).toEqual([]);
    });

    it("fatal startup lines (invalid -datasource.url, conflicting auth, unreadable files) carry no credential", async () => {
      const base = [`-rule=${file("rules.yml")}`, "-remoteWrite.url=http://127.0.0.1:1", "-loggerLevel=INFO"];
      const cases: string[][] = [
        [
          `-datasource.url=http://dsbad:${enc(S.dsBadPass)}@127.0.0.1:99999/?token=${enc(S.dsURLToken)}`,
          "-notifier.blackhole",
        ],
        [
          `-datasource.url=http://dsurl:${enc(S.dsURLPass)}@127.0.0.1:1`,
          `-notifier.url=http://amconflict:${enc(S.amConflictPass)}@127.0.0.1:1/?token=${enc(S.amURLToken)}`,
          `-notifier.bearerToken=${S.amConflictToken}`,
          "-notifier.basicAuth.username=amuser",
          `-notifier.basicAuth.passwordFile=${file("am.pass")}`,
        ],
        [
          "-datasource.url=http://127.0.0.1:1",
          `-datasource.bearerToken=${S.dsBearerFile}`,
          `-datasource.bearerTokenFile=${file("ds.token")}`,
          "-notifier.blackhole",
        ],
        [
          "-datasource.url=http://127.0.0.1:1",
          "-notifier.blackhole",
          `-httpAuth.password=${S.httpPassword}`,
          `-reloadAuthKey=file://${file("missing.key")}`,
        ],
        [
          "-datasource.url=http://127.0.0.1:1",
          "-notifier.blackhole",
          "-remoteWrite.oauth2.clientID=rwclient",
          `-remoteWrite.oauth2.clientSecret=${S.rwClientSecret}`,
          `-remoteWrite.oauth2.endpointParams={"audience": "${S.rwURLToken}`,
          `-remoteWrite.oauth2.tokenUrl=http://rwclient:${enc(S.rwClientSecret)}@127.0.0.1:1/token`,
        ],
      ];
      const found: string[] = [];
      for (const extra of cases) {
        const t = await startTsalert({ args: [...base, ...extra], waitReady: false });
        running.push(t);
        const code = await Promise.race([t.exited, new Promise((r) => setTimeout(() => r("running"), 15_000))]);
        expect(code, `${extra.join(" ")}: ${t.logs()}`).not.toBe("running");
        expect(code, extra.join(" ")).not.toBe(0);
        // One clear line naming the problem, never a stack trace.
        expect(t.logs()).toMatch(/fatal|invalid|only one of|cannot read|want a JSON object/);
        expect(t.logs()).not.toMatch(/\n\s+at /);
        found.push(...findSecrets(`fatal run ${extra.join(" ")}`, t.logs(), FORMS));
      }
      figures.fatalRuns = cases.length;
      if (found.length > 0) console.log(found.join("\n\n"));
      expect(found).toEqual([]);
    });
  });
}
