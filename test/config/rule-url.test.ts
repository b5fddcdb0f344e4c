// -rule=http(s)://... with credentials: the token or password is used to fetch the file but never becomes
// the file name shown in the API `file` field, /metrics labels, the UI, problems or logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/config/load.js";
import { findSecrets, secretForms } from "../drills/lib/secrets.js";
import { type FaultServer, startFaultServer } from "../helpers/faults.js";

const S = { token: "ruleTok+en/4Xz=", password: "rulePa+ss/8Lw=" };
const FORMS = secretForms(S, [["reader", S.password]]);
const RULES = "groups:\n  - name: from-url\n    rules:\n      - record: r:x\n        expr: vector(1)\n";

let srv: FaultServer;
beforeAll(async () => {
  const basic = `Basic ${Buffer.from(`reader:${S.password}`).toString("base64")}`;
  srv = await startFaultServer((r, res) => {
    const u = new URL(r.url, "http://x");
    const ok = u.searchParams.get("token") === S.token || r.headers.authorization === basic;
    if (u.pathname === "/broken.yml" && ok) {
      res.writeHead(200);
      res.end(`groups:\n  - name: [${S.token}\n`);
      return;
    }
    res.writeHead(ok ? 200 : 401);
    res.end(ok ? RULES : `denied: ${r.url} ${r.headers.authorization ?? ""}`);
  });
});
afterAll(async () => {
  await srv?.stop();
});

describe("rule URLs with credentials", () => {
  it("a ?token= URL loads, and its file name carries no token", async () => {
    const url = `${srv.url}/rules.yml?token=${encodeURIComponent(S.token)}`;
    const res = await loadRules([url]);
    expect(res.problems).toEqual([]);
    expect(res.groups.map((g) => g.name)).toEqual(["from-url"]);
    expect(res.groups[0].file).toBe(`${srv.url}/rules.yml?token=secret`);
    expect(findSecrets("load result", JSON.stringify({ ...res, sources: undefined }), FORMS)).toEqual([]);
  });

  it("a user:pass@ URL is fetched with basic auth; the password appears nowhere", async () => {
    const u = new URL(srv.url);
    const url = `http://reader:${encodeURIComponent(S.password)}@${u.host}/rules.yml`;
    const res = await loadRules([url]);
    expect(res.problems).toEqual([]);
    expect(res.groups[0].file).toBe(`${srv.url}/rules.yml`);
    expect(findSecrets("load result", JSON.stringify({ ...res, sources: undefined }), FORMS)).toEqual([]);
  });

  it("problems of such a file (a refusal, a parse error) name the redacted URL", async () => {
    const u = new URL(srv.url);
    const refused = `http://reader:wrong-pass-1@${u.host}/rules.yml?token=wrong-token-1`;
    const broken = `${srv.url}/broken.yml?token=${encodeURIComponent(S.token)}`;
    const res = await loadRules([refused, broken]);
    const text = res.problems.map((p) => `${p.file}: ${p.message}`).join("\n");
    expect(text).toMatch(/unexpected HTTP status 401/);
    expect(text).toContain(`${srv.url}/broken.yml?token=secret`);
    expect(text).not.toMatch(/wrong-/);
    expect(findSecrets("problems", text, FORMS)).toEqual([]);
  });
});
