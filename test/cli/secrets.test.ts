// Credentials on the command line: /flags hides them as newest vmalert does, they are registered with
// the scrubber before anything is logged, and the startup errors that quote a URL do not carry them.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/flagset.js";
import { createQuerierFactory } from "../../src/datasource/index.js";
import { tenantURL } from "../../src/datasource/tenant.js";
import { createLogger } from "../../src/log.js";
import { createNotifierSet } from "../../src/notifier/set.js";
import { createRemoteWriter } from "../../src/remotewrite/index.js";
import { findSecrets, secretForms } from "../drills/lib/secrets.js";

const S = {
  header: "flagHdr+Val/3Zx=",
  notifierHeader: "amHdrFlag+7Qp",
  pushHeader: "pushHdrFlag+1Ws",
  urlPassword: "flagUrlPa+ss5",
  urlToken: "flagUrl+Tok/9=",
  secretListed: "listedFlag-Val8",
};
const FORMS = secretForms(S);

describe("/flags", () => {
  const { flags } = parseFlags(
    [
      `-datasource.headers=X-Scope:${S.header}^^X-Other:plain-value`,
      `-notifier.url=http://am:9093`,
      `-notifier.headers=X-Notify:${S.notifierHeader}`,
      `-pushmetrics.header=X-Push: ${S.pushHeader}`,
      "-datasource.tlsKeyFile=/etc/tsalert/key.pem",
      "-remoteWrite.oauth2.tokenUrl=http://idp/token",
      `-remoteWrite.url=http://u:${encodeURIComponent(S.urlPassword)}@[bad/x?token=${encodeURIComponent(S.urlToken)}`,
      `-rule=http://rules.example/r.yml?token=${encodeURIComponent(S.urlToken)}`,
      `-http.header.csp=${S.secretListed}`,
      "-secret.flags=http.header.csp",
      "-datasource.url=http://ds:8428/?authKey=dskey123",
      "-remoteRead.url=http://reader:rrPass12@rr:8428",
      "-remoteRead.showURL",
    ],
    {},
  );
  const shown = Object.fromEntries(flags.redactedFlags().map((f) => [f.name, f.value]));

  it("hides header flags, names with pass/key/secret/token and -secret.flags, as newest vmalert", () => {
    for (const name of [
      "datasource.headers",
      "notifier.headers",
      "pushmetrics.header",
      "datasource.tlsKeyFile",
      "remoteWrite.oauth2.tokenUrl",
      "http.header.csp",
      "secret.flags",
    ]) {
      expect(shown[name], name).toBe("secret");
    }
    expect(findSecrets("/flags", JSON.stringify(shown), FORMS)).toEqual([]);
  });

  it("shows URL flags redacted, even unparseable ones, unless their -*.showURL is set", () => {
    expect(shown["remoteWrite.url"]).not.toMatch(/flagUrl/);
    expect(shown["remoteWrite.url"]).toMatch(/\[bad\/x\?token=secret/);
    expect(shown.rule).toBe("http://rules.example/r.yml?token=secret");
    expect(shown["datasource.url"]).toBe("http://ds:8428/?authKey=secret");
    expect(shown["remoteRead.url"]).toBe("http://reader:rrPass12@rr:8428");
    expect(shown["notifier.url"]).toBe("http://am:9093");
  });

  it("parsing registers the command line's credentials, so the log safety net scrubs them", () => {
    const lines: string[] = [];
    const log = createLogger({ output: { write: (s: string) => lines.push(s) }, format: "json" });
    log.error(`peer said: ${Object.values(S).join(" ")} ${Buffer.from("x").toString()}`);
    log.info({ detail: `quoted ${S.urlToken}` }, "in a field");
    expect(lines.join("")).toContain("peer said");
    // Ordinary header values are scrubbed from peers' answers; credential-like ones (and URL credentials,
    // -secret.flags values) from every log line.
    const credentialForms = secretForms({
      urlPassword: S.urlPassword,
      urlToken: S.urlToken,
      secretListed: S.secretListed,
    });
    expect(findSecrets("log", lines.join(""), credentialForms)).toEqual([]);
  });
});

describe("startup errors quoting a URL", () => {
  const password = "startPa+ss/7Q=";
  const forms = secretForms({ password });
  const messageOf = async (f: () => unknown): Promise<string> => {
    try {
      await f();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected an error");
  };

  it("conflicting auth flags of a -notifier.url with userinfo", async () => {
    const msg = await messageOf(() =>
      createNotifierSet({
        logger: pino({ level: "silent" }),
        urls: [
          {
            url: `http://am:${encodeURIComponent(password)}@127.0.0.1:9093`,
            bearerToken: "tok-1234567",
            basicAuth: { username: "u", password: "p-1234567" },
          },
        ],
      }),
    );
    expect(msg).toMatch(/only one of/);
    expect(findSecrets("error", msg, forms)).toEqual([]);
  });

  it("an invalid -datasource.url", async () => {
    const msg = await messageOf(() =>
      createQuerierFactory({ url: `http://u:${encodeURIComponent(password)}@ds:99999` }),
    );
    expect(msg).toMatch(/invalid URL/);
    expect(findSecrets("error", msg, forms)).toEqual([]);
  });

  it("an invalid base URL of a remote-read tenant", async () => {
    const msg = await messageOf(() => tenantURL(`http://u:${encodeURIComponent(password)}@rr:99999`, "select", "1"));
    expect(msg).toMatch(/invalid base URL/);
    expect(findSecrets("error", msg, forms)).toEqual([]);
  });

  it("every drop line of an unparseable -remoteWrite.url", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(s) });
    const w = createRemoteWriter(
      { url: `http://u:${encodeURIComponent(password)}@[rw:8428`, retryMaxTime: 10, retryMinInterval: 1 },
      logger,
    );
    w.push([{ labels: [{ name: "__name__", value: "x" }], samples: [{ value: 1, timestamp: Date.now() }] }]);
    await w.flush();
    await w.close(1000);
    expect(lines.join("")).toMatch(/dropped/);
    expect(findSecrets("log", lines.join(""), forms)).toEqual([]);
  });
});
