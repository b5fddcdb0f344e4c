// Several -remoteWrite.url and their per-URL flags (vmagent's array style), the outbox directories
// of -remoteWrite.tmpDataPath, and vmalert's single-URL command lines read as before.
import { describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/flagset.js";
import { remoteWriterOptions } from "../../src/cli/options.js";
import { TsalertError } from "../../src/errors.js";

const optionsOf = (argv: string[], sel = {}) => remoteWriterOptions(parseFlags(argv, {}).flags, sel);

describe("-remoteWrite.url and its per-URL flags", () => {
  it("one destination per URL, each with its own item of the per-URL flags", () => {
    const list = optionsOf([
      "-remoteWrite.url=http://a:8428",
      "-remoteWrite.url=http://b:8428/insert/0/prometheus",
      "-remoteWrite.headers=X-Scope-OrgID: a",
      "-remoteWrite.headers=X-Scope-OrgID: b^^X-Extra: 1",
      "-remoteWrite.bearerToken=tok-a,tok-b",
      "-remoteWrite.tlsInsecureSkipVerify=false,true",
      "-remoteWrite.concurrency=3",
    ]);
    expect(list.map((o) => o.url)).toEqual(["http://a:8428", "http://b:8428/insert/0/prometheus"]);
    expect(list.map((o) => o.client?.headers)).toEqual([
      { "X-Scope-OrgID": "a" },
      { "X-Scope-OrgID": "b", "X-Extra": "1" },
    ]);
    expect(list.map((o) => o.client?.bearerToken)).toEqual(["tok-a", "tok-b"]);
    expect(list.map((o) => o.client?.tls?.insecureSkipVerify)).toEqual([undefined, true]);
    expect(list.map((o) => o.concurrency)).toEqual([3, 3]);
    expect(list.every((o) => o.outbox === undefined)).toBe(true);
  });

  it("a single item applies to every URL", () => {
    const list = optionsOf(["-remoteWrite.url=http://a,http://b", "-remoteWrite.basicAuth.username=u"]);
    expect(list.map((o) => o.client?.basicAuth?.username)).toEqual(["u", "u"]);
  });

  it("with one URL a value is read whole, commas included, as vmalert reads it", () => {
    const [o] = optionsOf([
      "-remoteWrite.url=http://a",
      "-remoteWrite.basicAuth.password=pa,ss",
      "-remoteWrite.headers=Accept: a, b",
    ]);
    expect(o.client?.basicAuth?.password).toBe("pa,ss");
    expect(o.client?.headers).toEqual({ Accept: "a, b" });
  });

  it("refuses more values than URLs, naming the flag", () => {
    try {
      optionsOf(["-remoteWrite.url=http://a,http://b", "-remoteWrite.bearerToken=x,y,z"]);
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(TsalertError);
      expect((err as TsalertError).message).toContain("-remoteWrite.bearerToken has 3 values for 2 -remoteWrite.url");
    }
  });

  it("with one URL, a size or bool flag with two values is refused", () => {
    expect(() => optionsOf(["-remoteWrite.url=http://a", "-remoteWrite.maxDiskUsagePerURL=1GiB,2GiB"])).toThrow(
      /-remoteWrite.maxDiskUsagePerURL has 2 values for 1 -remoteWrite.url/,
    );
  });

  it("-remoteWrite.tmpDataPath: one outbox directory per URL, with its own disk bound; the tenant's URL for -clusterMode", () => {
    const argv = [
      "-remoteWrite.url=http://a:8428,http://b:8428",
      "-remoteWrite.tmpDataPath=/var/lib/tsalert",
      "-remoteWrite.maxDiskUsagePerURL=1GiB,0",
    ];
    const list = optionsOf(argv);
    expect(list.map((o) => o.outbox?.maxDiskBytes)).toEqual([1024 ** 3, 0]);
    const dirs = list.map((o) => o.outbox?.dir ?? "");
    expect(dirs[0]).toMatch(/^\/var\/lib\/tsalert\/persistent-queue\/[0-9a-f]{16}$/);
    expect(new Set(dirs).size).toBe(2);
    // Stable across restarts and URL order.
    expect(optionsOf([...argv, "-remoteWrite.url=http://b:8428,http://a:8428"]).map((o) => o.outbox?.dir)).toEqual(
      expect.arrayContaining(dirs),
    );
    const tenant = optionsOf(argv, { tenant: "7" });
    expect(tenant[0].url).toBe("http://a:8428/insert/7/prometheus");
    expect(tenant[0].outbox?.dir).not.toBe(dirs[0]);
    // Replay writes through memory queues.
    expect(optionsOf(argv, { outbox: false }).every((o) => o.outbox === undefined)).toBe(true);
  });

  it("the same URL twice gets two outboxes", () => {
    const list = optionsOf(["-remoteWrite.url=http://a,http://a", "-remoteWrite.tmpDataPath=/d"]);
    expect(list[0].outbox?.dir).not.toBe(list[1].outbox?.dir);
  });

  it("no URL, no destination", () => {
    expect(optionsOf(["-remoteWrite.tmpDataPath=/d"])).toEqual([]);
  });
});
