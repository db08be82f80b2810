/**
 * The image gallery page in Chromium: sign in through the local hosted UI (the
 * authorization-code grant with PKCE: the password is typed only into the user pool's own
 * form) with the seeded user that `npm start` prints, upload a PNG from the file input, see
 * it in the gallery through its presigned URL; a wrong password is told to the person; a
 * forged return is refused; an expired ID token is refreshed at the token endpoint; sign-out
 * goes through /logout and back.
 *
 * The endpoints' shapes are those of the Amazon Cognito Developer Guide ("The authorize
 * endpoint", "The token issuer endpoint", "The logout endpoint"); test/local/web/hosted-ui.test.ts
 * checks them one by one.
 */
import { expect } from "chai";
import type { Browser, Request } from "playwright-core";
import { cleanRun, launch, open, screenshot, seriousViolations, type Watched } from "./support/browser";
import { signInWithCode } from "./support/hosted-ui";
import { png } from "./support/png";
import { startWebApp, type WebApp } from "./support/site";

/** A page-side condition: the gallery's image `alt` has loaded and decoded at `width` pixels. */
const loaded = (alt: string, width: number) => `(() => { const i = document.querySelector('#gallery img[alt="${alt}"]'); return i !== null && i.complete && i.naturalWidth === ${width}; })()`;

describe("web: image gallery page (Chromium)", function () {
  let app: WebApp;
  let browser: Browser;
  let tab: Watched;
  let cognitoOrigin: string;
  let pageUrl: string;
  /** grant_type of every POST to the token endpoint, in order. */
  const grants: string[] = [];
  /** Every request that carried the password, as "METHOD URL". */
  const carriedPassword: string[] = [];
  const userPoolApiCalls: string[] = [];

  before(async function () {
    [app, browser] = await Promise.all([startWebApp(), launch()]);
    cognitoOrigin = new URL(app.endpoints.cognito!.endpoint).origin;
    pageUrl = app.page("image-gallery");
    tab = await open(browser, pageUrl);
    const password = app.endpoints.cognito!.users[0]!.password;
    tab.page.on("request", (r: Request) => {
      const body = r.postData() ?? "";
      if (r.url().startsWith(`${cognitoOrigin}/oauth2/token`)) grants.push(new URLSearchParams(body).get("grant_type") ?? "");
      if (body.includes(encodeURIComponent(password)) || body.includes(password)) carriedPassword.push(`${r.method()} ${r.url().split("?")[0]}`);
      if (r.headers()["x-amz-target"]) userPoolApiCalls.push(r.headers()["x-amz-target"]!);
    });
  });

  after(async function () {
    await tab?.close();
    await browser?.close();
    await app?.close();
  });

  it("goes to the user pool's sign-in form, which tells the person when the password is wrong", async function () {
    const { page } = tab;
    const user = app.endpoints.cognito!.users[0]!;
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.origin === cognitoOrigin && u.pathname === "/oauth2/authorize");
    const asked = new URL(page.url()).searchParams;
    expect(Object.fromEntries([...asked].filter(([k]) => !["state", "code_challenge"].includes(k)))).to.deep.equal({
      response_type: "code",
      client_id: asked.get("client_id"),
      redirect_uri: pageUrl,
      scope: "openid email",
      code_challenge_method: "S256",
    });
    expect(asked.get("code_challenge")).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(await seriousViolations(page), "the local sign-in form").to.deep.equal([]);
    await page.getByLabel("Email").fill(user.username);
    await page.getByLabel("Password").fill(`${user.password}-wrong`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Incorrect username or password." }).waitFor();
    expect(new URL(page.url()).origin, "still on the user pool's form").to.equal(cognitoOrigin);
    expect(tab.consoleErrors.every((e) => /status of 400/.test(e)), tab.consoleErrors.join("\n")).to.equal(true);
    tab.consoleErrors.length = 0;
  });

  it("signs in with the right password, comes back to the page with a code it redeems with its verifier, and shows the user's pictures", async function () {
    // A picture the same user uploaded earlier (signed in outside the browser through the same code grant).
    const user = app.endpoints.cognito!.users[0]!;
    const config = (await (await fetch(new URL("/config.json", app.origin))).json()) as { cognito: { clientId: string; domain: string } };
    expect(config.cognito.domain).to.equal(cognitoOrigin);
    const { idToken } = await signInWithCode({ domain: config.cognito.domain, clientId: config.cognito.clientId, redirectUri: pageUrl }, user);
    const api = app.endpoints.apis.find((a) => a.stack.startsWith("image-gallery-"))!;
    const earlier = await fetch(`${api.url}/upload/earlier.png`, { method: "POST", headers: { Authorization: idToken, "Content-Type": "image/png" }, body: png(8, 8, [10, 107, 47, 255]) });
    expect(earlier.status).to.equal(201);

    const { page } = tab;
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(`Signed in as ${user.username}.`).waitFor();
    expect(page.url(), "the code and state are taken out of the address bar").to.equal(pageUrl);
    expect(grants).to.deep.equal(["authorization_code"]);
    expect(await page.evaluate(`sessionStorage.getItem("cognito:pkce")`), "the verifier is used once").to.equal(null);
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

  it("refreshes an expired ID token at the token endpoint, and the gallery still loads", async function () {
    const { page } = tab;
    // the ID token's expiry as the page keeps it, moved to the past
    await page.evaluate(`sessionStorage.setItem("cognito:tokens", JSON.stringify({ ...JSON.parse(sessionStorage.getItem("cognito:tokens")), expiresAt: 0 }))`);
    const listed = page.waitForResponse((r) => r.url().endsWith("/view-all") && r.request().method() === "GET");
    await page.getByRole("button", { name: "Refresh gallery" }).click();
    expect((await listed).status()).to.equal(200);
    expect(grants).to.deep.equal(["authorization_code", "refresh_token"]);
    await page.getByRole("img", { name: "earlier.png" }).waitFor();
    expect(await seriousViolations(page), "signed in").to.deep.equal([]);
  });

  it("never sent the password anywhere but the user pool's form, and never called USER_PASSWORD_AUTH", function () {
    expect(carriedPassword).to.deep.equal([`POST ${cognitoOrigin}/login`, `POST ${cognitoOrigin}/login`]);
    expect(userPoolApiCalls, "the page calls only the OAuth endpoints").to.deep.equal([]);
  });

  it("refuses an answer that no sign-in in this tab asked for (state), and says so", async function () {
    const { page } = tab;
    const other = await tab.context.newPage();
    await other.goto(`${pageUrl}?code=stolen&state=forged`);
    await other.getByRole("alert").filter({ hasText: "does not belong to a sign-in started in this tab" }).waitFor();
    expect(other.url()).to.equal(pageUrl);
    await other.close();
    expect(page.url()).to.equal(pageUrl);
    expect(grants, "the forged code was never sent").to.deep.equal(["authorization_code", "refresh_token"]);
  });

  it("signs out through the hosted UI's /logout and comes back signed out", async function () {
    const { page } = tab;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(page.url()).to.equal(pageUrl);
    expect(await page.evaluate(`sessionStorage.getItem("cognito:tokens")`)).to.equal(null);
    expect(await page.locator("#signed-in").isHidden()).to.equal(true);
  });

  it("had no console errors, no failed requests, and every CORS preflight allowed the page's origin", async function () {
    const { refusedPreflights, ...rest } = cleanRun(tab, app.origin);
    expect(rest).to.deep.equal({ consoleErrors: [], failedRequests: [] });
    expect(refusedPreflights).to.deep.equal([]);
    expect(tab.preflights.some((p) => p.url.startsWith(app.endpoints.gateway))).to.equal(true);
  });

  it("has no serious or critical accessibility violations (axe-core)", async function () {
    expect(await seriousViolations(tab.page)).to.deep.equal([]);
  });
});
