// The web UI in a real browser (Debian chromium): pages load cleanly, alerts show, filters work, and
// script/attribute payloads in labels and annotations render as text without executing.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchChromium } from "../helpers/browser.js";
import { fakeData, fakeView, XSS_LABEL } from "./fake-view.js";
import { type Started, start } from "./start.js";

let s: Started;
let browser: Browser;
let page: Page;
let errors: string[];
const data = fakeData();

beforeAll(async () => {
  data.reloadError = "bad.yml: <script>window.__xss=3</script>";
  s = await start({ vmuiURL: (e) => `http://127.0.0.1:1/vmui/#/?g0.expr=${encodeURIComponent(e)}` }, fakeView(data));
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  errors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await s?.server.close();
});

async function xssFired(): Promise<unknown> {
  return page.evaluate("window.__xss");
}

describe("web UI in chromium", () => {
  it.each([
    "/",
    "/vmalert/",
    "/vmalert/groups",
    "/vmalert/alerts",
    "/vmalert/notifiers",
    "/vmalert/rule?group_id=1001&rule_id=11",
    "/vmalert/alert?group_id=1001&alert_id=9001",
  ])("%s loads without console errors and styled", async (path) => {
    errors.length = 0;
    const res = await page.goto(s.url + path);
    expect(res?.status()).toBe(200);
    expect(errors).toEqual([]);
    // the stylesheet from /vmalert/static/ applied
    const bg = await page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor");
    expect(bg).toBe("rgb(29, 36, 51)");
    expect(await xssFired()).toBeUndefined();
  });

  it("shows the firing alert with its labels and the script payload as text", async () => {
    await page.goto(`${s.url}/vmalert/alerts`);
    const firing = page.locator('tr.alert[data-state="firing"]');
    await expect(firing.count()).resolves.toBe(1);
    const text = await firing.textContent();
    expect(text).toContain('instance="web-1"');
    expect(text).toContain(`payload=${JSON.stringify(XSS_LABEL)}`);
    expect(await page.locator("script").count()).toBe(0);
    // hover everything that could carry an injected handler
    for (const el of await page.locator(".label, dd pre").all()) await el.hover();
    expect(await xssFired()).toBeUndefined();
    expect(await page.locator(".banner").textContent()).toContain("<script>window.__xss=3</script>");
  });

  it("alert detail page shows annotations as text", async () => {
    await page.goto(`${s.url}/vmalert/alert?group_id=1001&alert_id=9001`);
    const body = await page.locator("main").textContent();
    expect(body).toContain(XSS_LABEL);
    expect(body).toContain('"onmouseover="window.__xss=2"');
    for (const el of await page.locator("dd").all()) await el.hover();
    expect(await xssFired()).toBeUndefined();
  });

  it("filters on the groups page work through the form", async () => {
    await page.goto(`${s.url}/vmalert/groups`);
    expect(await page.locator("tr.rule").count()).toBe(6);
    await page.check('input[name="state"][value="firing"]');
    await page.click('button[type="submit"]');
    await page.waitForURL(/state=firing/);
    expect(await page.locator("tr.rule").allInnerTexts()).toHaveLength(1);
    expect(await page.locator("tr.rule a").first().textContent()).toBe("HighLoad");

    await page.goto(`${s.url}/vmalert/groups`);
    await page.selectOption('select[name="type"]', "record");
    await page.fill('input[name="search"]', "APP");
    await page.click('button[type="submit"]');
    await page.waitForURL(/type=record/);
    const names = await page.locator("tr.rule td:nth-child(2) a").allInnerTexts();
    expect(names).toEqual(["app:req:rate"]);
    expect(await page.locator('select[name="type"]').inputValue()).toBe("record");
  });

  it("links navigate: group rule -> rule page with timeline and vmui link", async () => {
    await page.goto(`${s.url}/vmalert/groups`);
    await page.click('tr.rule a:text-is("HighLoad")');
    await page.waitForURL(/\/vmalert\/rule\?group_id=1001&rule_id=11/);
    expect(await page.locator(".timeline span").count()).toBe(6);
    expect(await page.locator("a.vmui").getAttribute("href")).toContain("g0.expr=load%20%3E%200.9");
    await page.click('a:text-is("Alerts")');
    await page.waitForURL(/\/vmalert\/alerts$/);
    expect(errors.filter((e) => !e.includes("127.0.0.1:1/"))).toEqual([]);
  });
});
