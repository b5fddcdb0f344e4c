// The scrubber (src/net/redact.ts): URL redaction, also of strings the WHATWG parser rejects, and the
// process-wide set of secrets scrubbed in every encoding a peer may echo them in.
import { describe, expect, it } from "vitest";
import {
  jsonErrorText,
  peerSnippet,
  redactURL,
  registerAuthorization,
  registerHeaderSecrets,
  registerSecret,
  registerURLSecrets,
  scrubPeerText,
  scrubSecrets,
} from "../../src/net/redact.js";
import { findSecrets, secretForms } from "../drills/lib/secrets.js";

describe("redactURL", () => {
  it("strips userinfo and credential-like parameters of parseable URLs", () => {
    expect(redactURL("http://user:pw1234@vm:8428/x?authKey=k123456&a=b")).toBe("http://vm:8428/x?authKey=secret&a=b");
    expect(redactURL("http://user:pw1234@vm:8428/x", true)).toBe("http://user:pw1234@vm:8428/x");
    expect(redactURL("http://vm:8428/x?a=b")).toBe("http://vm:8428/x?a=b");
  });

  it("redacts strings the URL parser rejects", () => {
    const garbage = [
      "http://user:Garb4gePass@vm:99999/x?token=Garb4geTok", // port out of range
      "http://user:Garb4ge/Pass@vm:8428/", // '/' in the password: host "user", port "Garb4ge"
      "http://user:Garb4gePass@[::1/x?api_key=Garb4geTok", // broken IPv6 bracket
      "http ://user:Garb4gePass@vm/ ?secret=Garb4geTok", // spaces
      "vm 8428/x?password=Garb4geTok&access_token=Garb4geTok", // no scheme at all
    ];
    for (const url of garbage) {
      expect(() => new URL(url), url).toThrow();
      const shown = redactURL(url);
      expect(shown, url).not.toMatch(/Garb4ge/);
    }
    expect(redactURL("http://u:Garb4gePass@vm:99999/x?token=T0k&a=b")).toBe("http://vm:99999/x?token=secret&a=b");
  });
});

describe("the process-wide scrubber", () => {
  it("scrubs a registered credential raw, URL-encoded, form-encoded, decoded, JSON- and HTML-escaped", () => {
    const secret = 'cred+Val/1 "x"&<y>=';
    registerSecret(secret);
    const forms = [...secretForms({ secret }).keys()];
    forms.push(
      secret.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;"),
    );
    for (const f of forms) expect(scrubSecrets(`a ${f} b`), f).toBe("a <secret> b");
  });

  it("scrubs URL-encoded query values in both spellings", () => {
    registerURLSecrets("http://vm/?token=ab%2Bcd%2Fef12");
    expect(scrubSecrets("token=ab%2Bcd%2Fef12 and ab+cd/ef12")).toBe("token=<secret> and <secret>");
  });

  it("scrubs basic auth as the base64 of user:pass and the password alone; bearer tokens", () => {
    const b64 = Buffer.from("alice:Wonder+land9").toString("base64");
    registerAuthorization(`Basic ${b64}`);
    registerAuthorization("Bearer tok-ABCDEF123");
    expect(scrubSecrets(`Authorization: Basic ${b64}; pw Wonder+land9; Bearer tok-ABCDEF123`)).toBe(
      "Authorization: <secret>; pw <secret>; <secret>",
    );
    expect(scrubSecrets("alice is not a secret")).toBe("alice is not a secret");
  });

  it("header values under ordinary names are scrubbed from peers' answers only", () => {
    registerHeaderSecrets({
      "X-Scope-OrgID": "tenant-blue",
      "X-Api-Key": "apikey-99887",
      "Content-Type": "text/plain",
    });
    expect(scrubPeerText("org tenant-blue key apikey-99887 type text/plain")).toBe(
      "org <secret> key <secret> type text/plain",
    );
    // The log safety net leaves ordinary header values alone (they are often words like a tenant name).
    expect(scrubSecrets("org tenant-blue key apikey-99887")).toBe("org tenant-blue key <secret>");
  });

  it("a value with a lone surrogate (hostile header) is registered without throwing", () => {
    expect(() => registerHeaderSecrets({ "X-Odd": "odd\uD800value-1" })).not.toThrow();
    expect(scrubPeerText("got odd\uD800value-1")).toBe("got <secret>");
  });

  it("does not scrub values too short to be told from ordinary text", () => {
    registerSecret("info");
    expect(scrubSecrets("level info")).toBe("level info");
  });

  it("peerSnippet never leaves part of a secret at the cut", () => {
    registerSecret("snippetSecret-12345");
    const body = `${"x".repeat(95)}snippetSecret-12345${"y".repeat(100)}`;
    const out = peerSnippet(body, 100);
    expect(out).not.toMatch(/snip/);
    expect(out).toMatch(/^x{95}<sec.*\(214 bytes\)$/);
    expect(peerSnippet(Buffer.from("short snippetSecret-12345"), 100)).toBe("short <secret>");
  });

  it("jsonErrorText drops the piece of input V8 quotes", () => {
    const err = (() => {
      try {
        JSON.parse("jsonErrSecret-1");
      } catch (e) {
        return e;
      }
    })();
    expect(String(err)).toContain("jsonErrSecret-1");
    expect(jsonErrorText(err)).toBe("Unexpected token 'j' is not valid JSON");
  });

  it("an all-digit secret is not matched inside a longer number", () => {
    registerSecret("73519246");
    expect(scrubSecrets('{"pin":"73519246","ts":1737351924600}')).toBe('{"pin":"<secret>","ts":1737351924600}');
  });

  it("finds nothing of a registered secret in its own forms (drill helper agrees)", () => {
    const secret = "agree+Me/42=";
    registerSecret(secret);
    const text = [...secretForms({ secret }).keys()].join(" | ");
    expect(findSecrets("x", scrubSecrets(text), secretForms({ secret }))).toEqual([]);
  });
});

// Last: from here on the set is large (the index matcher, not one regular expression).
describe("the scrubber with thousands of secrets", () => {
  it("still scrubs every form, longest first, all-digit ones only as whole numbers; the oldest go", () => {
    const tenant = (i: number) => `tenant-${i}-${(i * 7919) % 10007}`;
    for (let i = 0; i < 1500; i++) registerHeaderSecrets({ [`X-Tenant-${i}`]: tenant(i) });
    registerSecret("bigSet+Secret/1=");
    registerSecret("bigSet+Secret/1=-and-longer");
    registerSecret("86420975");
    expect(scrubPeerText(`a ${tenant(1499)} b ${tenant(600)} c`)).toBe("a <secret> b <secret> c");
    // The run-time set is bounded (1,024): the oldest went first.
    expect(scrubPeerText(`a ${tenant(7)}`)).toBe(`a ${tenant(7)}`);
    expect(scrubSecrets("x bigSet+Secret/1=-and-longer y bigSet%2BSecret%2F1%3D z")).toBe("x <secret> y <secret> z");
    expect(scrubSecrets("86420975 1864209751 (86420975)")).toBe("<secret> 1864209751 (<secret>)");
    expect(scrubSecrets(`${tenant(1499)} is a header value, not a credential`)).toBe(
      `${tenant(1499)} is a header value, not a credential`,
    );
    expect(peerSnippet(`${"x".repeat(10)}bigSet+Secret/1=${"y".repeat(20)}`, 12)).toBe("xxxxxxxxxx<s... (46 bytes)");
  });
});
