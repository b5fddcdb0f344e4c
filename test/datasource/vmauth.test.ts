// Authentication and TLS against real peers: victoria-metrics behind the real vmauth, which checks
// basic auth and bearer tokens and serves TLS with a certificate made by openssl. Only the OAuth2 token
// endpoint is a loopback stand-in (nothing in Debian issues client-credentials tokens).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createQuerierFactory, type DatasourceOptions } from "../../src/datasource/index.js";
import type { GroupQuerySettings } from "../../src/datasource/types.js";
import { TsalertError } from "../../src/errors.js";
import { createHttpClient } from "../../src/net/index.js";
import { type FaultServer, json, makeCerts, type SelfSignedCert, startFaultServer } from "../helpers/faults.js";
import { startVmauth } from "../helpers/remotewrite.js";
import { freePort, importSeries, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";

const group: GroupQuerySettings = { type: "prometheus", evaluationInterval: 60_000, params: {}, headers: [] };
const now = Math.floor(Date.now() / 1000) * 1000;
let vm: RunningServer;
let auth: RunningServer;
let tls: RunningServer;
let tokens: FaultServer;
let cert: SelfSignedCert;
let dir: string;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  await importSeries(vm.url, [{ labels: { __name__: "auth_probe", k: "v" }, values: [3], timestamps: [now - 10_000] }]);
  const users = `users:
  - username: alice
    password: wonderland
    url_prefix: "${vm.url}"
  - bearer_token: "oauth-issued-token"
    url_prefix: "${vm.url}"
  - bearer_token: "static-token"
    url_prefix: "${vm.url}"
`;
  cert = makeCerts();
  auth = await startVmauth(users);
  tls = await startTlsVmauth(users, cert);
  tokens = await startFaultServer((r, res) => {
    const form = new URLSearchParams(r.body);
    if (form.get("grant_type") !== "client_credentials") return json(res, 400, { error: "unsupported_grant_type" });
    json(res, 200, { access_token: "oauth-issued-token", token_type: "bearer", expires_in: 3600 });
  });
  dir = mkdtempSync(join(tmpdir(), "tsalert-ds-auth-"));
}, 60_000);

afterAll(async () => {
  await Promise.all([auth?.stop(), tls?.stop(), tokens?.stop()]);
  await vm?.stop();
  cert?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** vmauth with -tls; the shared helper polls plain http for readiness, so this one polls https. */
async function startTlsVmauth(config: string, c: SelfSignedCert): Promise<RunningServer> {
  const d = mkdtempSync(join(tmpdir(), "vmauth-tls-"));
  writeFileSync(join(d, "auth.yml"), config);
  const port = await freePort();
  let out = "";
  const proc = spawn(
    "vmauth",
    [
      `-auth.config=${join(d, "auth.yml")}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      "-tls",
      `-tlsCertFile=${c.certFile}`,
      `-tlsKeyFile=${c.keyFile}`,
      "-loggerLevel=ERROR",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout?.on("data", (b) => {
    out += b;
  });
  proc.stderr?.on("data", (b) => {
    out += b;
  });
  const stop = async () => {
    if (proc.exitCode === null) {
      const done = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await done;
    }
    rmSync(d, { recursive: true, force: true });
  };
  const client = createHttpClient({ tls: { caFile: c.caFile } });
  try {
    await waitFor(
      async () => (await client.request({ url: `https://127.0.0.1:${port}/health` })).status === 200,
      20_000,
      `vmauth -tls on ${port}: ${out}`,
    );
  } catch (err) {
    await stop();
    throw err;
  } finally {
    await client.close();
  }
  return { url: `https://127.0.0.1:${port}`, port, proc, dir: d, logs: () => out, stop };
}

async function probe(opts: DatasourceOptions): Promise<number[]> {
  const f = createQuerierFactory(opts);
  try {
    const res = await f.forGroup(group).query("auth_probe", { time: now });
    return res.data.map((m) => m.value);
  } finally {
    await f.close();
  }
}

describe("through real vmauth", () => {
  test("basic auth: password, password file; wrong password is an error without the credentials", async () => {
    expect(await probe({ url: auth.url, basicAuth: { username: "alice", password: "wonderland" } })).toEqual([3]);
    writeFileSync(join(dir, "pw"), "wonderland\n");
    expect(await probe({ url: auth.url, basicAuth: { username: "alice", passwordFile: join(dir, "pw") } })).toEqual([
      3,
    ]);
    const err = await probe({ url: auth.url, basicAuth: { username: "alice", password: "nope" } }).catch((e) => e);
    expect(err).toBeInstanceOf(TsalertError);
    // vmauth answers 400 and quotes the rejected Authorization value; it must not reach logs or the UI.
    expect((err as Error).message).toMatch(
      /^unexpected response code 400 for .*cannot find the provided auth token "<secret>"/,
    );
    expect((err as Error).message).not.toContain(Buffer.from("alice:nope").toString("base64"));
  });

  test("bearer token and bearer token file", async () => {
    expect(await probe({ url: auth.url, bearerToken: "static-token" })).toEqual([3]);
    writeFileSync(join(dir, "tok"), "static-token");
    expect(await probe({ url: auth.url, bearerTokenFile: join(dir, "tok") })).toEqual([3]);
    await expect(probe({ url: auth.url })).rejects.toThrow(/unexpected response code 401/);
  });

  test("oauth2 client credentials: the issued token is accepted by vmauth", async () => {
    const values = await probe({
      url: auth.url,
      oauth2: { clientID: "tsalert", clientSecret: "s", tokenURL: `${tokens.url}/token`, scopes: ["read"] },
    });
    expect(values).toEqual([3]);
  });

  test("TLS: trusted with the CA file, refused without it, insecureSkipVerify", async () => {
    const httpsURL = tls.url;
    const creds = { basicAuth: { username: "alice", password: "wonderland" } };
    expect(await probe({ url: httpsURL, ...creds, tls: { caFile: cert.caFile } })).toEqual([3]);
    expect(await probe({ url: httpsURL, ...creds, tls: { caFile: cert.caFile, serverName: "tsalert.test" } })).toEqual([
      3,
    ]);
    const err = await probe({ url: httpsURL, ...creds }).catch((e) => e);
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as Error).message).toMatch(/certificate/);
    expect(await probe({ url: httpsURL, ...creds, tls: { insecureSkipVerify: true } })).toEqual([3]);
  });
});
