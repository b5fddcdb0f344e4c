// The flag → ClientOptions mapping of every outbound client: single-target prefixes (-datasource,
// -remoteRead, -remoteWrite) and the per-URL -notifier.* arrays (one item applies to every URL, item i
// to URL i), oauth2 checks and the `^^` header syntax.
import { describe, expect, it } from "vitest";
import { clientOptionsFromFlags, notifierURLsFromFlags, remoteWriteClientOptions } from "../../src/cli/clientflags.js";
import { parseFlags } from "../../src/cli/flagset.js";
import { TsalertError } from "../../src/errors.js";

const flagsOf = (argv: string[]) => parseFlags(argv, {}).flags;

function flagError(fn: () => unknown): TsalertError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TsalertError) return err;
    throw err;
  }
  throw new Error("expected a TsalertError");
}

describe("clientOptionsFromFlags", () => {
  it("maps auth, TLS, headers and connection flags of one prefix", () => {
    const flags = flagsOf([
      "-datasource.basicAuth.username=u",
      "-datasource.basicAuth.password=p",
      "-datasource.tlsCAFile=/ca.pem",
      "-datasource.tlsInsecureSkipVerify",
      "-datasource.headers=X-Scope-OrgID: 7^^ X-Trace : on ",
      "-datasource.idleConnTimeout=15s",
      "-datasource.maxIdleConnections=3",
      "-datasource.showURL",
    ]);
    expect(clientOptionsFromFlags(flags, "datasource")).toEqual({
      basicAuth: { username: "u", password: "p", usernameFile: undefined, passwordFile: undefined },
      bearerToken: undefined,
      bearerTokenFile: undefined,
      oauth2: undefined,
      tls: {
        caFile: "/ca.pem",
        insecureSkipVerify: true,
        certFile: undefined,
        keyFile: undefined,
        serverName: undefined,
      },
      headers: { "X-Scope-OrgID": "7", "X-Trace": "on" },
      idleConnTimeout: 15_000,
      maxIdleConnections: 3,
      disableKeepAlive: false,
      showURL: true,
      enableTCP6: false,
    });
  });

  it("leaves out what is not set, and reads each prefix's own flags", () => {
    const flags = flagsOf(["-remoteWrite.bearerToken=rw", "-datasource.bearerTokenFile=/tok"]);
    const rw = remoteWriteClientOptions(flags, 0, 1);
    expect(rw.bearerToken).toBe("rw");
    expect(rw.bearerTokenFile).toBeUndefined();
    expect(rw.basicAuth).toBeUndefined();
    expect(rw.tls).toBeUndefined();
    expect(rw.headers).toEqual({});
    const ds = clientOptionsFromFlags(flags, "datasource");
    expect(ds.bearerToken).toBeUndefined();
    expect(ds.bearerTokenFile).toBe("/tok");
    // -remoteRead has no keep-alive flags of its own.
    const rr = clientOptionsFromFlags(flags, "remoteRead");
    expect(rr.maxIdleConnections).toBeUndefined();
    expect(rr.disableKeepAlive).toBeUndefined();
  });

  it("maps oauth2 with ';'-separated scopes and JSON endpoint params", () => {
    const flags = flagsOf([
      "-remoteRead.oauth2.clientID=id",
      "-remoteRead.oauth2.clientSecretFile=/secret",
      "-remoteRead.oauth2.tokenUrl=http://127.0.0.1:1/token",
      "-remoteRead.oauth2.scopes=read; write;",
      '-remoteRead.oauth2.endpointParams={"audience":"vm","n":1}',
    ]);
    expect(clientOptionsFromFlags(flags, "remoteRead").oauth2).toEqual({
      clientID: "id",
      tokenURL: "http://127.0.0.1:1/token",
      clientSecret: undefined,
      clientSecretFile: "/secret",
      scopes: ["read", "write"],
      endpointParams: { audience: "vm", n: "1" },
    });
  });

  it("refuses half-set oauth2 and bad endpoint params, naming the flags", () => {
    for (const argv of [["-datasource.oauth2.clientID=id"], ["-datasource.oauth2.tokenUrl=http://t"]]) {
      const err = flagError(() => clientOptionsFromFlags(flagsOf(argv), "datasource"));
      expect(err.code).toBe("TSA_FLAG");
      expect(err.message).toBe("-datasource.oauth2.clientID and -datasource.oauth2.tokenUrl must be set together");
    }
    for (const params of ["[1]", "not json", "null"]) {
      const err = flagError(() =>
        clientOptionsFromFlags(
          flagsOf([
            "-datasource.oauth2.clientID=id",
            "-datasource.oauth2.tokenUrl=http://t",
            `-datasource.oauth2.endpointParams=${params}`,
          ]),
          "datasource",
        ),
      );
      expect(err.message).toContain("-datasource.oauth2.endpointParams: want a JSON object of strings");
    }
  });

  it("refuses a header without ':' naming the flag", () => {
    const err = flagError(() => remoteWriteClientOptions(flagsOf(["-remoteWrite.headers=A: 1^^broken"]), 0, 1));
    expect(err.code).toBe("TSA_FLAG");
    expect(err.message).toContain("-remoteWrite.headers");
    expect(err.message).toContain('"broken"');
  });
});

describe("notifierURLsFromFlags", () => {
  it("gives one entry per -notifier.url; a single item applies to every URL", () => {
    const urls = notifierURLsFromFlags(
      flagsOf([
        "-notifier.url=http://am1:9093,http://am2:9093",
        "-notifier.bearerToken=shared",
        "-notifier.sendTimeout=3s",
        "-notifier.headers=X-A: 1^^X-B: 2",
      ]),
    );
    expect(urls.map((u) => u.url)).toEqual(["http://am1:9093", "http://am2:9093"]);
    for (const u of urls) {
      expect(u.bearerToken).toBe("shared");
      expect(u.sendTimeout).toBe(3000);
      expect(u.headers).toEqual({ "X-A": "1", "X-B": "2" });
    }
  });

  it("gives item i to URL i, and the flag default to URLs beyond the items", () => {
    const urls = notifierURLsFromFlags(
      flagsOf([
        "-notifier.url=http://am1,http://am2,http://am3",
        "-notifier.basicAuth.username=u1,u2",
        "-notifier.basicAuth.password=p1,p2",
        "-notifier.sendTimeout=1s,2s",
        "-notifier.tlsInsecureSkipVerify=true,false",
        "-notifier.headers=X-N: 1,X-N: 2",
      ]),
    );
    expect(urls.map((u) => u.basicAuth)).toEqual([
      { username: "u1", password: "p1", usernameFile: undefined, passwordFile: undefined },
      { username: "u2", password: "p2", usernameFile: undefined, passwordFile: undefined },
      undefined,
    ]);
    // -notifier.sendTimeout defaults to 10s.
    expect(urls.map((u) => u.sendTimeout)).toEqual([1000, 2000, 10_000]);
    expect(urls.map((u) => u.tls?.insecureSkipVerify)).toEqual([true, undefined, undefined]);
    expect(urls.map((u) => u.headers)).toEqual([{ "X-N": "1" }, { "X-N": "2" }, {}]);
  });

  it("checks oauth2 per URL: set for one URL, half-set for another is an error", () => {
    const ok = notifierURLsFromFlags(
      flagsOf([
        "-notifier.url=http://am1,http://am2",
        "-notifier.oauth2.clientID=c1,c2",
        "-notifier.oauth2.tokenUrl=http://t1,http://t2",
        "-notifier.oauth2.scopes=a;b",
      ]),
    );
    expect(ok.map((u) => [u.oauth2?.clientID, u.oauth2?.tokenURL, u.oauth2?.scopes])).toEqual([
      ["c1", "http://t1", ["a", "b"]],
      ["c2", "http://t2", ["a", "b"]],
    ]);
    const err = flagError(() =>
      notifierURLsFromFlags(
        flagsOf([
          "-notifier.url=http://am1,http://am2",
          "-notifier.oauth2.clientID=c1,c2",
          "-notifier.oauth2.tokenUrl=http://t1,",
        ]),
      ),
    );
    expect(err.message).toBe("-notifier.oauth2.clientID and -notifier.oauth2.tokenUrl must be set together");
  });

  it("has no entries without -notifier.url", () => {
    expect(notifierURLsFromFlags(flagsOf(["-notifier.bearerToken=t"]))).toEqual([]);
  });
});
