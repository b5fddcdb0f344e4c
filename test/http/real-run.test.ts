// A real run: the rule engine (src/rule) evaluates a rule file against a real VictoriaMetrics and our
// server serves it; chromium shows the firing alert, whose labels carry script payloads, as text.
// The querier here is a minimal instant-query client (the datasource package is not under test).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/config/index.js";
import type { QuerierFactory, QueryResult } from "../../src/datasource/types.js";
import { Engine, systemClock } from "../../src/rule/index.js";
import { collectPageErrors, launchChromium } from "../helpers/browser.js";
import { importSeries, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { getJSON, type Started, start } from "./start.js";

const PAYLOAD = "<script>window.__xss=1</script>";
const RULES = `groups:
  - name: real-run
    interval: 1s
    rules:
      - alert: ProbeFiring
        expr: tsa_probe > 0
        labels:
          payload: '${PAYLOAD}'
        annotations:
          summary: '"onmouseover="window.__xss=2" x="'
      - alert: ProbeNoMatch
        expr: tsa_probe > 100
`;

let vm: RunningServer;
let ours: Started;
let engine: Engine;
let browser: Browser;
let dir: string;

function querierFactory(vmURL: string): QuerierFactory {
  return {
    forGroup: () => ({
      async query(expr, { time, signal }): Promise<QueryResult> {
        const url = `${vmURL}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time / 1000}`;
        const res = await fetch(url, { signal });
        const body = (await res.json()) as {
          status: string;
          error?: string;
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        if (body.status !== "success") throw new Error(`query ${expr}: ${body.error}`);
        return {
          data: body.data.result.map((r) => ({ labels: r.metric, timestamp: r.value[0], value: Number(r.value[1]) })),
          seriesFetched: null,
        };
      },
      curl: (expr, time) => `curl '${vmURL}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time / 1000}'`,
    }),
  };
}

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  const now = Date.now();
  await importSeries(vm.url, [
    { labels: { __name__: "tsa_probe", instance: "probe-1" }, values: [1, 1], timestamps: [now - 2000, now] },
  ]);
  dir = await mkdtemp(join(tmpdir(), "http-real-run-"));
  const file = join(dir, "rules.yml");
  await writeFile(file, RULES);
  const loaded = await loadRules([file], {
    groupDefaults: { evaluationInterval: 1000, evalDelay: 0, resultsLimit: 0 },
  });
  expect(loaded.problems).toEqual([]);
  engine = new Engine({
    querierFactory: querierFactory(vm.url),
    notifiers: { notifiers: () => [], close: async () => {} },
    compileTemplate: (text) => ({ render: async () => text }),
    clock: systemClock,
    logger: pino({ level: "silent" }),
    settings: {
      resendDelay: 0,
      maxResolveDuration: 0,
      externalLabels: {},
      externalURL: "http://127.0.0.1:8880",
      externalURLRaw: "",
      disableAlertgroupLabel: false,
      maxStartDelay: 0,
      updateEntriesLimit: 20,
      maxActiveAlerts: 0,
    },
  });
  await engine.start(loaded.groups);
  ours = await start({}, engine);
  await waitFor(
    async () => (await getJSON(`${ours.url}/api/v1/alerts`)).json.data.alerts.some((a) => a.state === "firing"),
    20_000,
    "the engine to fire ProbeFiring",
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  await ours?.server.close();
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("real engine run", () => {
  it("the API lists the firing alert with the engine's ids", async () => {
    const { json } = await getJSON(`${ours.url}/api/v1/alerts`);
    const alert = json.data.alerts.find((a) => a.name === "ProbeFiring")!;
    expect(alert.labels).toMatchObject({ alertname: "ProbeFiring", instance: "probe-1", payload: PAYLOAD });
    const rules = await getJSON(`${ours.url}/api/v1/rules?extended_states=true`);
    const states = Object.fromEntries(rules.json.data.groups[0].rules.map((r) => [r.name, r.state]));
    expect(states).toEqual({ ProbeFiring: "firing", ProbeNoMatch: "nomatch" });
  });

  it("chromium shows the firing alert with the payload as text, nothing executes", async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const errors = collectPageErrors(page);
    await page.goto(`${ours.url}/vmalert/alerts`);
    const row = page.locator('tr.alert[data-state="firing"]');
    expect(await row.count()).toBe(1);
    const text = (await row.textContent()) ?? "";
    expect(text).toContain(`payload=${JSON.stringify(PAYLOAD)}`);
    expect(text).toContain('"onmouseover="window.__xss=2" x="');
    for (const el of await page.locator(".label, dd pre").all()) await el.hover();
    await page.click('a:text-is("details")');
    await page.waitForURL(/\/vmalert\/alert\?/);
    expect(await page.locator("main h1").textContent()).toContain("ProbeFiring");
    await page.click('dd a:text-is("ProbeFiring")');
    await page.waitForURL(/\/vmalert\/rule\?/);
    expect(await page.locator(".timeline span").count()).toBeGreaterThan(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });
});
