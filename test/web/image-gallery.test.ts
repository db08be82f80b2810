/**
 * The image gallery page in Chromium: sign in with the seeded local Cognito user that
 * `npm start` prints, upload a PNG from the file input, see it in the gallery through its
 * presigned URL; a wrong password is told to the person; an expired ID token is refreshed.
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { cleanRun, launch, open, screenshot, seriousViolations, type Watched } from "./support/browser";
import { png } from "./support/png";
import { startWebApp, type WebApp } from "./support/site";

/** A page-side condition: the gallery's image `alt` has loaded and decoded at `width` pixels. */
const loaded = (alt: string, width: number) => `(() => { const i = document.querySelector('#gallery img[alt="${alt}"]'); return i !== null && i.complete && i.naturalWidth === ${width}; })()`;

describe("web: image gallery page (Chromium)", function () {
  let app: WebApp;
  let browser: Browser;
  let tab: Watched;
  const authFlows: string[] = [];

  before(async function () {
    [app, browser] = await Promise.all([startWebApp(), launch()]);
    tab = await open(browser, app.page("image-gallery"));
    tab.page.on("request", (r) => {
      if (r.headers()["x-amz-target"] === "AWSCognitoIdentityProviderService.InitiateAuth") authFlows.push(String((r.postDataJSON() as { AuthFlow: string }).AuthFlow));
    });
  });

  after(async function () {
    await tab?.close();
    await browser?.close();
    await app?.close();
  });

  it("tells the person when the password is wrong", async function () {
    const { page } = tab;
    const user = app.endpoints.cognito!.users[0]!;
    await page.getByLabel("Email").fill(user.username);
    await page.getByLabel("Password").fill(`${user.password}-wrong`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Incorrect username or password." }).waitFor();
    expect(await page.locator("#signed-in").isHidden()).to.equal(true);
    expect(tab.consoleErrors.every((e) => /status of 400/.test(e)), tab.consoleErrors.join("\n")).to.equal(true);
    tab.consoleErrors.length = 0;
  });

  it("signs in and shows the user's pictures through presigned URLs", async function () {
    // A picture the same user uploaded earlier (signed in through the AWS SDK against the local user-pool API).
    const user = app.endpoints.cognito!.users[0]!;
    const config = (await (await fetch(new URL("/config.json", app.origin))).json()) as { cognito: { clientId: string; region: string } };
    const sdk = new CognitoIdentityProviderClient({ endpoint: app.endpoints.cognito!.endpoint, region: config.cognito.region, credentials: { accessKeyId: "unused", secretAccessKey: "unused" } });
    const auth = await sdk.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: config.cognito.clientId, AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }));
    sdk.destroy();
    const api = app.endpoints.apis.find((a) => a.stack.startsWith("image-gallery-"))!;
    const earlier = await fetch(`${api.url}/upload/earlier.png`, { method: "POST", headers: { Authorization: auth.AuthenticationResult!.IdToken!, "Content-Type": "image/png" }, body: png(8, 8, [10, 107, 47, 255]) });
    expect(earlier.status).to.equal(201);

    const { page } = tab;
    await page.getByLabel("Email").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(`Signed in as ${user.username}.`).waitFor();
    const img = page.getByRole("img", { name: "earlier.png" });
    await img.waitFor();
    const src = (await img.getAttribute("src"))!;
    expect(src.startsWith(`${app.endpoints.s3}/`), src).to.equal(true);
    expect(src).to.include("X-Amz-Signature=");
    await page.waitForFunction(loaded("earlier.png", 8));
  });

  it("uploads a PNG from the file input and shows it in the gallery at once", async function () {
    const { page } = tab;

    await page.getByLabel(/^Image file/).setInputFiles({ name: "square.png", mimeType: "image/png", buffer: png(16, 16, [11, 87, 208, 255]) });
    const uploaded = page.waitForResponse((r) => r.url().endsWith("/upload/square.png"));
    await page.getByRole("button", { name: "Upload" }).click();
    expect((await uploaded).status()).to.equal(201);
    await page.getByRole("img", { name: "square.png" }).waitFor();
    await page.waitForFunction(loaded("square.png", 16));
    expect(await page.locator("#gallery li").count(), "the earlier picture and the new one").to.equal(2);
    await screenshot(page, "image-gallery");
  });

  it("refreshes an expired ID token with the refresh token, and the gallery still loads", async function () {
    const { page } = tab;
    // the ID token's expiry as the page keeps it, moved to the past
    await page.evaluate(`sessionStorage.setItem("cognito:tokens", JSON.stringify({ ...JSON.parse(sessionStorage.getItem("cognito:tokens")), expiresAt: 0 }))`);
    const listed = page.waitForResponse((r) => r.url().endsWith("/view-all") && r.request().method() === "GET");
    await page.getByRole("button", { name: "Refresh gallery" }).click();
    expect((await listed).status()).to.equal(200);
    expect(authFlows).to.deep.equal(["USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"]);
    await page.getByRole("img", { name: "earlier.png" }).waitFor();
  });

  it("had no console errors, no failed requests, and every CORS preflight allowed the page's origin", async function () {
    const { refusedPreflights, ...rest } = cleanRun(tab, app.origin);
    expect(rest).to.deep.equal({ consoleErrors: [], failedRequests: [] });
    // the gateway's preflights name the page's origin; Cognito's user-pool API answers any origin, as on AWS
    const cognito = new URL(app.endpoints.cognito!.endpoint).origin;
    expect(refusedPreflights.filter((p) => !(p.url.startsWith(cognito) && p.allowOrigin === "*"))).to.deep.equal([]);
    expect(tab.preflights.some((p) => p.url.startsWith(app.endpoints.gateway))).to.equal(true);
  });

  it("has no serious or critical accessibility violations (axe-core)", async function () {
    expect(await seriousViolations(tab.page)).to.deep.equal([]);
  });
});
