// Secrets given as flags never leave the process: /flags shows "secret" for them, and neither the log
// nor the API, the UI or /metrics contains them, also while sends to an unreachable Alertmanager fail
// (the path that logs target URLs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST_ARGS, type Feeder, metricSamples, startFeeder, type TempDir, tempDir } from "../helpers/e2e.js";
import { freePort, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { startTsalert, type TsalertProcess } from "../helpers/tsalert.js";

const SECRETS = {
  dsPassword: "ds-pass-4f1c9e",
  dsURLPassword: "url-pass-77ab21",
  notifierToken: "nt-token-9d3b02",
  notifierPassword: "nt-pass-c0ffee",
  rwToken: "rw-token-5e6f70",
  oauthSecret: "oauth-secret-1a2b3c",
  reloadKey: "reload-key-445566",
};

let vm: RunningServer;
let feeder: Feeder;
let dir: TempDir;
let tsalert: TsalertProcess;
let deadNotifier: string;

beforeAll(async () => {
  dir = await tempDir("tsalert-e2e-secrets");
  vm = await startVictoriaMetrics();
  feeder = startFeeder(vm.url);
  feeder.set({ __name__: "e2e_secret", instance: "a" }, 1);
  await feeder.flush();
  const rules = await dir.write(
    "rules.yml",
    `groups:
  - name: e2e-secrets
    interval: 1s
    rules:
      - alert: SecretsFiring
        expr: e2e_secret > 0
      - record: e2e:secret:sum
        expr: sum(e2e_secret)
`,
  );
  // A closed port: every send fails and is logged with the target's address.
  deadNotifier = `http://127.0.0.1:${await freePort()}`;
  const dsURL = new URL(vm.url);
  dsURL.username = "reader";
  dsURL.password = SECRETS.dsURLPassword;
  tsalert = await startTsalert({
    args: [
      `-rule=${rules}`,
      `-datasource.url=${dsURL.toString()}`,
      "-datasource.basicAuth.username=reader",
      `-datasource.basicAuth.password=${SECRETS.dsPassword}`,
      `-notifier.url=${deadNotifier}`,
      `-notifier.bearerToken=${SECRETS.notifierToken}`,
      `-remoteWrite.url=${vm.url}`,
      `-remoteWrite.bearerToken=${SECRETS.rwToken}`,
      `-remoteRead.url=${vm.url}`,
      "-remoteRead.oauth2.clientID=tsalert",
      `-remoteRead.oauth2.clientSecret=${SECRETS.oauthSecret}`,
      `-remoteRead.oauth2.tokenUrl=http://127.0.0.1:${await freePort()}/token`,
      `-reloadAuthKey=${SECRETS.reloadKey}`,
      "-loggerLevel=INFO",
      ...FAST_ARGS,
    ],
  });
});

afterAll(async () => {
  await tsalert?.stop();
  await feeder?.stop();
  await vm?.stop();
  await dir?.remove();
});

function expectNoSecret(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${name} in ${where}`).toBe(false);
  }
}

describe("secrets in flags", () => {
  it("/flags names every flag but shows secret values as 'secret'", async () => {
    const res = await fetch(`${tsalert.url}/flags`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expectNoSecret("/flags", text);
    for (const name of [
      "datasource.basicAuth.password",
      "notifier.bearerToken",
      "remoteWrite.bearerToken",
      "remoteRead.oauth2.clientSecret",
      "reloadAuthKey",
    ]) {
      expect(text).toMatch(new RegExp(`-${name.replaceAll(".", "\\.")}="?secret"?`));
    }
    // URL flags lose their userinfo, nothing else.
    expect(text).toContain(`-datasource.url="http://127.0.0.1:${vm.port}/"`);
    // Plain flags stay readable.
    expect(text).toContain("-datasource.basicAuth.username");
    expect(text).toContain("reader");
  });

  it("the log, API, UI and /metrics never contain a secret, also when sends fail", async () => {
    // Let the failure paths run: sends to the dead notifier fail every evaluation.
    await waitFor(
      async () => {
        const errs = await metricSamples(tsalert.url, "vmalert_alerts_send_errors_total");
        return errs.some((s) => s.value >= 2);
      },
      15_000,
      "failed sends to the dead Alertmanager",
    );
    expect(tsalert.logs()).toContain("failed to send");
    // The datasource (with the URL and basic-auth passwords) answered: the rules evaluate fine.
    const rules = await tsalert.get<{ data: { groups: { rules: { health: string; lastError: string }[] }[] } }>(
      "/api/v1/rules",
    );
    for (const r of rules.data.groups.flatMap((g) => g.rules)) expect(r.lastError).toBe("");

    expectNoSecret("the log", tsalert.logs());
    for (const path of ["/api/v1/rules", "/api/v1/alerts", "/api/v1/notifiers", "/metrics", "/vmalert/groups"]) {
      const res = await fetch(tsalert.url + path);
      expectNoSecret(path, await res.text());
    }
    // The rule's history shows its request as curl, without the Authorization value.
    const groups = await tsalert.get<{ data: { groups: { id: string; rules: { id: string }[] }[] } }>("/api/v1/rules");
    const g = groups.data.groups[0];
    const res = await fetch(`${tsalert.url}/api/v1/rule?group_id=${g?.id}&rule_id=${g?.rules[0]?.id}`);
    const detail = await res.text();
    expect(res.status).toBe(200);
    expect(detail).toContain("curl");
    expectNoSecret("the rule history", detail);
  });
});
