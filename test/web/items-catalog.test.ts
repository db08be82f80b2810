/** The items page in Chromium: type the key, list the catalog from the non-proxy API, open one item, on both stages. */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { cleanRun, launch, open, screenshot, seriousViolations, type Watched } from "./support/browser";
import { environment, startWebApp, type WebApp } from "./support/site";

describe("web: items catalog page (Chromium)", function () {
  let app: WebApp;
  let browser: Browser;
  let tab: Watched;

  before(async function () {
    [app, browser] = await Promise.all([startWebApp(), launch()]);
    tab = await open(browser, app.page("items-catalog"));
  });

  after(async function () {
    await tab?.close();
    await browser?.close();
    await app?.close();
  });

  it("lists the items and opens one, on each stage", async function () {
    const { page } = tab;
    const api = app.endpoints.apis.find((a) => a.stack === `items-catalog-${environment.name}` && a.stage === "dev")!;
    const key = Object.entries(api.apiKeys).find(([name]) => name.endsWith("LabKey"))![1];
    await page.getByLabel("LabKey value").fill(key);
    await page.getByRole("button", { name: "Use key" }).click();
    for (const stage of ["dev", "prod"]) {
      await page.getByLabel("Stage").selectOption({ label: stage });
      await page.getByRole("status").filter({ hasText: /^\d+ items\.$/ }).waitFor();
      const buttons = page.locator("#items button");
      expect(await buttons.count(), stage).to.be.greaterThan(0);
      const label = (await buttons.first().textContent())!;
      await buttons.first().click();
      await page.getByRole("status").filter({ hasText: /^Showing / }).waitFor();
      const [id, name, price] = await page.locator("#detail dd").allTextContents();
      expect(label).to.equal(`${name} (#${id})`);
      expect(price).to.match(/^\d+\.\d\d$/);
    }
    await screenshot(page, "items-catalog");
  });

  it("had no console errors, no failed requests, and every CORS preflight allowed the page's origin", async function () {
    expect(cleanRun(tab, app.origin)).to.deep.equal({ consoleErrors: [], failedRequests: [], refusedPreflights: [] });
    expect(tab.preflights.length, "x-api-key makes the GETs preflighted").to.be.greaterThan(0);
  });

  it("has no serious or critical accessibility violations (axe-core)", async function () {
    expect(await seriousViolations(tab.page)).to.deep.equal([]);
  });
});
