// Delivery to real Prometheus Alertmanagers (Debian prometheus-alertmanager); fault servers only for a
// hung or failing target.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registry } from "../../src/metrics.js";
import { AlertTimes, alertsBodies, MAX_BODY_BYTES } from "../../src/notifier/alertmanager.js";
import { parseRelabelConfigs } from "../../src/notifier/relabel.js";
import { createNotifierSet } from "../../src/notifier/set.js";
import type { NotifierAlert } from "../../src/notifier/types.js";
import { type FaultServer, json, startFaultServer } from "../helpers/faults.js";
import { freePort, type RunningServer, startAlertmanager, waitFor } from "../helpers/servers.js";

const logger = pino({ level: "silent" });
let am1: RunningServer;
let am2: RunningServer;
let faults: FaultServer;

beforeAll(async () => {
  [am1, am2, faults] = await Promise.all([startAlertmanager(), startAlertmanager(), startFaultServer()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([am1?.stop(), am2?.stop(), faults?.stop()]);
});

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

async function amAlerts(am: RunningServer, name: string): Promise<AmAlert[]> {
  const res = await fetch(`${am.url}/api/v2/alerts`);
  const all = (await res.json()) as AmAlert[];
  return all.filter((a) => a.labels.alertname === name);
}

function alert(name: string, extra: Partial<NotifierAlert> = {}): NotifierAlert {
  const now = Date.now();
  return {
    labels: { alertname: name, alertgroup: "g", instance: "host:1" },
    annotations: { summary: `summary of ${name}` },
    startsAt: new Date(now - 60_000),
    endsAt: new Date(now + 10 * 60_000),
    generatorURL: "http://tsalert:8880/vmalert/alert?group_id=1&alert_id=2",
    ...extra,
  };
}

async function metric(name: string, addr: string): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const v = (await m.get()).values.find((x) => x.labels.addr === addr && !("quantile" in x.labels));
  return v?.value ?? 0;
}

describe("-notifier.url targets", () => {
  test("both Alertmanagers list a firing alert with labels, annotations and times", async () => {
    const set = await createNotifierSet({ logger, urls: [{ url: am1.url }, { url: `${am2.url}/` }] });
    const a = alert("BothSee", { startsAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 123)) });
    await Promise.all(set.notifiers().map((n) => n.send([a])));
    for (const am of [am1, am2]) {
      const got = await amAlerts(am, "BothSee");
      expect(got).toHaveLength(1);
      expect(got[0]?.labels).toEqual(a.labels);
      expect(got[0]?.annotations).toEqual(a.annotations);
      expect(got[0]?.generatorURL).toBe(a.generatorURL);
      expect(got[0]?.status.state).toBe("active");
      expect(Date.parse(got[0]?.startsAt ?? "")).toBe(a.startsAt.getTime());
    }
    expect(set.notifiers().map((n) => n.addr())).toEqual([`${am1.url}/api/v2/alerts`, `${am2.url}/api/v2/alerts`]);
    expect(set.notifiersView()).toEqual([
      {
        kind: "static",
        targets: [
          { address: `${am1.url}/api/v2/alerts`, labels: {}, lastError: "" },
          { address: `${am2.url}/api/v2/alerts`, labels: {}, lastError: "" },
        ],
      },
    ]);
    expect(await metric("vmalert_alerts_sent_total", `${am1.url}/api/v2/alerts`)).toBeGreaterThanOrEqual(1);
    await set.close();
  });

  test("a storm of alerts goes out in requests of at most MAX_BODY_BYTES, and every alert arrives", async () => {
    const requests: number[] = [];
    faults.handle((req, res) => {
      requests.push(Buffer.byteLength(req.body));
      res.writeHead(200).end();
    });
    // An Alertmanager of its own: the storm would slow down the other tests' queries of am1.
    const am = await startAlertmanager();
    try {
      const set = await createNotifierSet({ logger, urls: [{ url: faults.url }, { url: am.url }] });
      const [fake, real] = set.notifiers();
      if (!fake || !real) throw new Error("expected two notifiers");
      // About 230 bytes of JSON each: 25,000 alerts are about 6 MB, two requests or more.
      const many = Array.from({ length: 25_000 }, (_, i) =>
        alert("Storm", { labels: { alertname: "Storm", alertgroup: "g", instance: `host-${i}:9100` } }),
      );
      await Promise.all([fake.send(many), real.send(many)]);
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...requests)).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(fake.lastError()).toBe("");
      expect(real.lastError()).toBe("");
      expect(await amAlerts(am, "Storm")).toHaveLength(25_000);
      // A target that fails a request is not tried with the rest of the storm.
      const before = requests.length;
      faults.handle((_req, res) => {
        requests.push(0);
        res.writeHead(500).end("down");
      });
      await fake.send(many);
      expect(requests.length - before).toBe(1);
      expect(fake.lastError()).toMatch(/invalid SC 500/);
      // One body for a handful of alerts, and an alert larger than the limit goes alone.
      const bodies = [...alertsBodies(many.slice(0, 3), [], [], 10)];
      expect(bodies.map((b) => b.count)).toEqual([1, 1, 1]);
      expect(JSON.parse(bodies[1]?.body ?? "")[0].labels.instance).toBe("host-1:9100");
      expect([...alertsBodies(many.slice(0, 3))].map((b) => b.count)).toEqual([3]);
      await set.close();
    } finally {
      await am.stop();
    }
  }, 60_000);

  test("a resolved alert (endsAt in the past) is no longer listed as active", async () => {
    const set = await createNotifierSet({ logger, urls: [{ url: am1.url }] });
    const [n] = set.notifiers();
    if (!n) throw new Error("no notifier");
    const a = alert("Resolves");
    await n.send([a]);
    expect(await amAlerts(am1, "Resolves")).toHaveLength(1);
    await n.send([{ ...a, endsAt: new Date(Date.now() - 1000) }]);
    await waitFor(async () => (await amAlerts(am1, "Resolves")).length === 0, 10_000, "alert resolved in alertmanager");
    await set.close();
  });

  test("a hung and a down Alertmanager do not hold up the real one; errors are recorded per target", async () => {
    faults.handle(() => {
      /* hangs */
    });
    const downPort = await freePort();
    const set = await createNotifierSet({
      logger,
      urls: [{ url: faults.url, sendTimeout: 1500 }, { url: `http://127.0.0.1:${downPort}` }, { url: am2.url }],
    });
    const [hung, down, real] = set.notifiers();
    if (!hung || !down || !real) throw new Error("expected three notifiers");
    const a = alert("NotBlocked");
    let hungDone = false;
    const hungSend = hung.send([a]).then(() => {
      hungDone = true;
    });
    await Promise.all([down.send([a]), real.send([a])]);
    // The real target got the alert while the hung one is still waiting for its answer.
    expect(hungDone).toBe(false);
    expect(await amAlerts(am2, "NotBlocked")).toHaveLength(1);
    expect(down.lastError()).toMatch(/ECONNREFUSED|connect/);
    expect(real.lastError()).toBe("");
    await hungSend;
    expect(hung.lastError()).toMatch(/timed out after 1500ms/);
    expect(await metric("vmalert_alerts_send_errors_total", hung.addr())).toBe(1);
    expect(await metric("vmalert_alerts_send_errors_total", down.addr())).toBe(1);
    expect(set.notifiersView()[0]?.targets.map((t) => t.lastError !== "")).toEqual([true, true, false]);
    await set.close();
  });

  test("non-2xx is an error 'invalid SC N from addr'; the next success clears lastError", async () => {
    faults.handle((_r, res) => json(res, 503, "overloaded"));
    const set = await createNotifierSet({ logger, urls: [{ url: faults.url }] });
    const [n] = set.notifiers();
    if (!n) throw new Error("no notifier");
    await n.send([alert("Sc")]);
    expect(n.lastError()).toBe(`invalid SC 503 from ${faults.url}/api/v2/alerts; response body: overloaded`);
    faults.handle((_r, res) => json(res, 200, ""));
    await n.send([alert("Sc")]);
    expect(n.lastError()).toBe("");
    await set.close();
  });

  test("request shape: JSON body, sanitized label names, RFC3339Nano, auth and headers (group headers win)", async () => {
    faults.handle((_r, res) => json(res, 200, ""));
    const set = await createNotifierSet({
      logger,
      urls: [
        {
          url: `${faults.url}/am`,
          basicAuth: { username: "u", password: "p" },
          headers: { "X-Team": "flag", "X-Env": "e" },
        },
      ],
    });
    const [n] = set.notifiers();
    if (!n) throw new Error("no notifier");
    await n.send(
      [
        alert("Shape", {
          labels: { alertname: "Shape", "bad-name.x": "v", zz: "1", aa: "2" },
          startsAt: new Date(Date.UTC(2026, 7, 20, 8, 22, 0, 0)),
          endsAt: new Date(Date.UTC(2026, 7, 20, 8, 27, 41, 120)),
        }),
      ],
      { "X-Team": "group" },
    );
    const r = faults.seen.at(-1);
    expect(r?.method).toBe("POST");
    expect(r?.url).toBe("/am/api/v2/alerts");
    expect(r?.headers["content-type"]).toBe("application/json");
    expect(r?.headers.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(r?.headers["x-team"]).toBe("group");
    expect(r?.headers["x-env"]).toBe("e");
    const body = JSON.parse(r?.body ?? "[]");
    expect(body).toEqual([
      {
        startsAt: "2026-08-20T08:22:00Z",
        generatorURL: "http://tsalert:8880/vmalert/alert?group_id=1&alert_id=2",
        endsAt: "2026-08-20T08:27:41.12Z",
        labels: { aa: "2", alertname: "Shape", bad_name_x: "v", zz: "1" },
        annotations: { summary: "summary of Shape" },
      },
    ]);
    expect(Object.keys(body[0].labels)).toEqual(["aa", "alertname", "bad_name_x", "zz"]);
    await set.close();
  });

  test("caller cancellation rejects instead of recording a target error", async () => {
    faults.handle(() => {});
    const set = await createNotifierSet({ logger, urls: [{ url: faults.url }] });
    const [n] = set.notifiers();
    if (!n) throw new Error("no notifier");
    const ctl = new AbortController();
    const reason = new Error("shutdown");
    setTimeout(() => ctl.abort(reason), 50);
    await expect(n.send([alert("Cancel")], undefined, ctl.signal)).rejects.toBe(reason);
    expect(n.lastError()).toBe("");
    await set.close();
  });
});

describe("blackhole and flag checks", () => {
  test("blackhole counts and never fails", async () => {
    const set = await createNotifierSet({ logger, blackhole: true });
    const before = await metric("vmalert_alerts_sent_total", "blackhole");
    await set.notifiers()[0]?.send([alert("B"), alert("C")]);
    expect(await metric("vmalert_alerts_sent_total", "blackhole")).toBe(before + 2);
    expect(set.notifiersView()).toEqual([
      { kind: "static", targets: [{ address: "blackhole", labels: {}, lastError: "" }] },
    ]);
    await set.close();
  });

  test("-notifier.url, -notifier.config and -notifier.blackhole are mutually exclusive", async () => {
    await expect(createNotifierSet({ logger, blackhole: true, urls: [{ url: am1.url }] })).rejects.toThrow(
      /only one of -notifier.url, -notifier.config, -notifier.blackhole/,
    );
  });

  test("credentials in -notifier.url are hidden in addr unless showURL", async () => {
    const hidden = await createNotifierSet({ logger, urls: [{ url: "http://user:pass@127.0.0.1:9/" }] });
    expect(hidden.notifiers()[0]?.addr()).toBe("http://127.0.0.1:9/api/v2/alerts");
    await hidden.close();
    const shown = await createNotifierSet({ logger, urls: [{ url: "http://user:pass@127.0.0.1:9/", showURL: true }] });
    expect(shown.notifiers()[0]?.addr()).toBe("http://user:pass@127.0.0.1:9/api/v2/alerts");
    await shown.close();
  });
});

test("-notifier.url must be an http(s) URL; a query string is kept after the alerts path", async () => {
  await expect(createNotifierSet({ logger, urls: [{ url: "am:9093" }] })).rejects.toThrow(
    /-notifier.url: invalid URL "am:9093": unsupported scheme am:/,
  );
  const set = await createNotifierSet({
    logger,
    urls: [{ url: "http://127.0.0.1:9/prefix/?tenant=1", showURL: true }],
  });
  expect(set.notifiers()[0]?.addr()).toBe("http://127.0.0.1:9/prefix/api/v2/alerts?tenant=1");
  await set.close();
});

describe("alertsBodies with a target's times", () => {
  test("labels sanitized and sorted, texts escaped, times as Go prints them; the same with the times of an earlier send; relabel drops stay dropped", () => {
    const times = new AlertTimes();
    const labels = { zone: "z\u00e9", alertname: 'Quote"d', "bad-name": "x\n" };
    let annotations: Record<string, string> = { summary: 'at "1"' };
    const drop = parseRelabelConfigs([{ action: "drop", source_labels: ["alertname"], regex: "Dropped" }]);
    const dropped = { alertname: "Dropped" };
    const sortedValid = { alertname: "Ok", zone: "z" };
    const send = (ms: number) => {
      const alerts: NotifierAlert[] = [
        {
          labels,
          annotations,
          startsAt: new Date(ms),
          endsAt: new Date(ms + 1500),
          generatorURL: 'http://x/?a=1&b="2"',
        },
        { labels: dropped, annotations: {}, startsAt: new Date(ms), endsAt: new Date(ms), generatorURL: "" },
        { labels: sortedValid, annotations: {}, startsAt: new Date(ms), endsAt: new Date(ms), generatorURL: "" },
      ];
      const [cached] = [...alertsBodies(alerts, drop, [], MAX_BODY_BYTES, times)];
      const [fresh] = [...alertsBodies(alerts, drop)];
      expect(cached?.body).toBe(fresh?.body);
      return JSON.parse(cached?.body ?? "[]");
    };
    const first = send(1_700_000_000_000);
    expect(first).toHaveLength(2);
    expect(first[1].labels).toEqual(sortedValid);
    expect(first[0]).toEqual({
      startsAt: "2023-11-14T22:13:20Z",
      generatorURL: 'http://x/?a=1&b="2"',
      endsAt: "2023-11-14T22:13:21.5Z",
      labels: { alertname: 'Quote"d', bad_name: "x\n", zone: "z\u00e9" },
      annotations: { summary: 'at "1"' },
    });
    expect(Object.keys(first[0].labels)).toEqual(["alertname", "bad_name", "zone"]);
    annotations = { summary: "at 2" };
    const second = send(1_700_000_010_000);
    expect(second[0].annotations).toEqual({ summary: "at 2" });
    expect(second[0].startsAt).toBe("2023-11-14T22:13:30Z");
  });
});
