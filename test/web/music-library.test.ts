/** The music page in Chromium: type the key, create a table, put, get, update and delete a song, delete the table. */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { cleanRun, launch, open, screenshot, seriousViolations, type Watched } from "./support/browser";
import { environment, startWebApp, type WebApp } from "./support/site";

describe("web: music library page (Chromium)", function () {
  let app: WebApp;
  let browser: Browser;
  let tab: Watched;
  const table = "MusicWebSongs"; // the logical name; the API maps it to the environment's table (dev-MusicWebSongs)

  before(async function () {
    [app, browser] = await Promise.all([startWebApp(), launch()]);
    tab = await open(browser, app.page("music-library"));
  });

  after(async function () {
    await tab?.close();
    await browser?.close();
    await app?.close();
  });

  it("creates the table, puts, gets, updates and deletes a song, then deletes the table", async function () {
    const { page } = tab;
    const api = app.endpoints.apis.find((a) => a.stack === `music-library-${environment.name}`)!;
    const key = Object.entries(api.apiKeys).find(([name]) => name.endsWith("DemoApiKey"))![1];
    await page.getByLabel("DemoApiKey value").fill(key);
    await page.getByRole("button", { name: "Use key" }).click();
    const status = (text: string | RegExp) => page.getByRole("status").filter({ hasText: text }).waitFor();

    await page.getByLabel("Table name").fill(table);
    await page.getByRole("button", { name: "Create table" }).click();
    await status(`Table created: ${table}.`);

    await page.getByLabel("Artist").fill("No One You Know");
    await page.getByLabel("Song title").fill("Call Me Today");
    await page.getByLabel(/^Album title/).fill("Somewhat Famous");
    await page.getByRole("button", { name: "Put song" }).click();
    await status("Item added.");

    await page.getByLabel(/^Album title/).fill("");
    await page.getByRole("button", { name: "Get song" }).click();
    await status('Found "Call Me Today".');
    expect(await page.locator("#song dd").allTextContents()).to.deep.equal(["No One You Know", "Call Me Today", "Somewhat Famous"]);

    await page.getByLabel(/^Album title/).fill("Louder Than Ever");
    await page.getByRole("button", { name: "Update song" }).click();
    await status("Item updated.");
    expect(await page.locator("#song dd").allTextContents()).to.deep.equal(["No One You Know", "Call Me Today", "Louder Than Ever"]);
    await screenshot(page, "music-library");

    await page.getByRole("button", { name: "Delete song" }).click();
    await status("Item deleted.");
    await page.getByRole("button", { name: "Delete table" }).click();
    await status(new RegExp(`: ${table}\\.$`));
  });

  it("had no console errors, no failed requests, and every CORS preflight allowed the page's origin", async function () {
    expect(cleanRun(tab, app.origin)).to.deep.equal({ consoleErrors: [], failedRequests: [], refusedPreflights: [] });
    expect(tab.preflights.length).to.be.greaterThan(0);
  });

  it("has no serious or critical accessibility violations (axe-core)", async function () {
    expect(await seriousViolations(tab.page)).to.deep.equal([]);
  });

  it("shows the API's 400 message naming the missing parameter", async function () {
    const { page } = tab;
    await page.getByLabel("Table name").fill("OutsideThePrefix");
    await page.getByRole("button", { name: "Create table" }).click();
    await page.getByRole("alert").filter({ hasText: /^400: / }).waitFor();
    expect(await page.getByRole("alert").textContent()).to.include("table");
  });
});
