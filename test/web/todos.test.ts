/**
 * The todos page (the todo document's Phase 7) in Chromium against the local gateway: add,
 * complete and delete a todo as a person does, with text rendered as text.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { launch, open, screenshot, seriousViolations, type Watched } from "./support/browser";
import { startWebApp, type WebApp } from "./support/site";

describe("web: todos page (Chromium)", function () {
  let app: WebApp;
  let browser: Browser;
  let tab: Watched;

  before(async function () {
    [app, browser] = await Promise.all([startWebApp(), launch()]);
    tab = await open(browser, app.page("todos"));
  });

  after(async function () {
    await tab?.close();
    await browser?.close();
    await app?.close();
  });

  it("adds a todo, marks it complete, then deletes it; markup in a title stays text", async function () {
    const { page } = tab;
    await page.getByRole("heading", { name: "Todo App" }).waitFor();
    await page.getByLabel("Title").fill('<img src=x onerror="window.pwned=1">Buy milk');
    await page.getByLabel("Description").fill("two litres");
    await page.getByRole("button", { name: "Add Todo" }).click();
    const item = page.locator("#todos li.item");
    await item.first().waitFor();
    expect(await item.count()).to.equal(1);
    expect(await item.locator("h3").textContent()).to.equal('<img src=x onerror="window.pwned=1">Buy milk');
    expect(await item.locator("img").count(), "no element made from the title").to.equal(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).to.equal(undefined);

    await item.getByRole("button", { name: /^Mark complete/ }).click();
    await page.locator("#todos li.item.completed").waitFor();
    await screenshot(page, "todos");
    expect(await page.locator("#todos li.item.completed").getByRole("button", { name: /^Mark incomplete/ }).count()).to.equal(1);

    await page.locator("#todos li.item").getByRole("button", { name: /^Delete/ }).click();
    await page.getByText("Nothing to do.").waitFor();
    expect(await page.locator("#status").textContent()).to.match(/^Deleted/);
  });

  it("refuses an empty title on the page, telling the person, without calling the API", async function () {
    const { page } = tab;
    await page.getByLabel("Title").fill("   ");
    await page.getByRole("button", { name: "Add Todo" }).click();
    await page.getByRole("alert").filter({ hasText: "Title is required." }).waitFor();
    expect(await page.locator("#todos li.item").count()).to.equal(0);
  });

  it("had no console errors, no failed requests, and every CORS preflight allowed the page's origin", async function () {
    expect(tab.consoleErrors).to.deep.equal([]);
    expect(tab.failedRequests).to.deep.equal([]);
    expect(tab.preflights.length, "PUT and DELETE with JSON are preflighted").to.be.greaterThan(0);
    for (const p of tab.preflights) {
      expect(p.status, p.url).to.be.within(200, 299);
      expect(p.allowOrigin, p.url).to.equal(app.origin);
    }
  });

  it("has no serious or critical accessibility violations (axe-core)", async function () {
    expect(await seriousViolations(tab.page)).to.deep.equal([]);
  });

  it("is refused by the browser when the same page is served on a foreign origin", async function () {
    const foreign = await open(browser, app.page("todos").replace(app.origin, app.foreignOrigin));
    try {
      await foreign.page.getByRole("alert").filter({ hasText: "could not be reached" }).waitFor();
      expect(foreign.consoleErrors.join("\n")).to.include("blocked by CORS policy");
      expect(foreign.failedRequests.some((f) => f.includes("/todos"))).to.equal(true);
    } finally {
      await foreign.close();
    }
  });
});
