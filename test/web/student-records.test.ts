/**
 * The student records page in Chromium: type the key, add a student, see it listed, look it
 * up, back up and restore (each job followed to the end, its report in the mailbox); a
 * wrong key and a refused body are shown to the person.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { cleanRun, launch, open, screenshot, seriousViolations, type Watched } from "./support/browser";
import { environment, startWebApp, type WebApp } from "./support/site";

describe("web: student records page (Chromium)", function () {
  let app: WebApp;
  let browser: Browser;
  let tab: Watched;
  let key: string;

  before(async function () {
    [app, browser] = await Promise.all([startWebApp(), launch()]);
    const api = app.endpoints.apis.find((a) => a.stack === `student-records-${environment.name}`)!;
    key = Object.entries(api.apiKeys).find(([name]) => name.endsWith("StudentApiKey"))![1];
    tab = await open(browser, app.page("student-records"));
  });

  after(async function () {
    await tab?.close();
    await browser?.close();
    await app?.close();
  });

  it("asks for the key, then adds a student, lists it and looks it up", async function () {
    const { page } = tab;
    await page.getByRole("status").filter({ hasText: "Enter the API key" }).waitFor();
    await page.getByLabel("StudentApiKey value").fill(key);
    await page.getByRole("button", { name: "Use key" }).click();
    await page.getByRole("status").filter({ hasText: "API key saved" }).waitFor();
    expect(await page.evaluate("Object.keys(sessionStorage)")).to.deep.equal(["apiKey:student-records"]);

    await page.getByLabel("Student id").first().fill("S-1001");
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Class").fill("10B");
    await page.getByLabel("Birth date").fill("2009-04-17");
    await page.getByLabel("Email").fill("ada@school.example.com");
    await page.getByRole("button", { name: "Add student" }).click();
    await page.getByRole("status").filter({ hasText: "Added Ada Lovelace (S-1001)." }).waitFor();
    const row = page.locator('#students tr[data-id="S-1001"]');
    await row.waitFor();
    expect(await row.locator("td").allTextContents()).to.deep.equal(["S-1001", "Ada Lovelace", "10B", "2009-04-17", "ada@school.example.com"]);

    await page.locator("#lookup-id").fill("S-1001");
    await page.getByRole("button", { name: "Look up" }).click();
    await page.locator("#found dd").first().waitFor();
    expect(await page.locator("#found dd").allTextContents()).to.deep.equal(["S-1001", "Ada Lovelace", "10B", "2009-04-17", "ada@school.example.com"]);
  });

  it("backs up, following the job until it finishes, and the report lands in the mailbox", async function () {
    const { page } = tab;
    const polled: string[] = [];
    page.on("response", (r) => {
      if (/\/backups\/students-\d{8}-\d{6}$/.test(r.url())) polled.push(`${r.status()}`);
    });
    const started = page.waitForResponse((r) => r.url().endsWith("/backup") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Back up now" }).click();
    expect((await started).status(), "POST /backup starts a job").to.equal(202);
    await page.locator("#backup-result").filter({ hasText: "Backup finished" }).waitFor();
    expect(polled.length, "the page followed the job at GET /backups/{backupId}").to.be.greaterThan(0);
    expect(polled.every((s) => s === "200")).to.equal(true);
    expect(await page.locator("#backup-progress").evaluate((p) => (p as unknown as { value: number }).value)).to.equal(100);
    const result = (await page.locator("#backup-result").textContent())!;
    expect(result).to.match(/1 students in backups\/students-\d{8}-\d{6}\.json/);
    const backupKey = /(backups\/\S+\.json)/.exec(result)![1]!;
    expect(await page.locator("#restore-key").inputValue()).to.equal(backupKey);
    // the worker sends the report as the job ends: wait for it to land
    const mailbox = () => (existsSync(app.endpoints.mailbox) ? readdirSync(app.endpoints.mailbox).filter((f) => f.endsWith(".json")) : []);
    for (let i = 0; i < 500 && mailbox().length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    const mails = mailbox();
    expect(mails).to.have.length(1);
    const mail = JSON.parse(readFileSync(path.join(app.endpoints.mailbox, mails[0]!), "utf8")) as { to: string[]; text: string };
    expect(mail.to).to.deep.equal([environment.adminEmail]);
    expect(mail.text).to.include(backupKey);
    await screenshot(page, "student-records");
  });

  it("restores the backup, following the restore job until it finishes, skipping the student that exists", async function () {
    const { page } = tab;
    const polled: string[] = [];
    page.on("response", (r) => {
      if (/\/restores\/restore-\d{8}-\d{6}-[0-9a-f]{8}$/.test(r.url())) polled.push(`${r.status()}`);
    });
    const started = page.waitForResponse((r) => r.url().endsWith("/restore") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Restore" }).click();
    expect((await started).status(), "POST /restore starts a job").to.equal(202);
    await page.getByRole("status").filter({ hasText: "Restored 0 of 1 students (1 skipped)." }).waitFor();
    expect(polled.length, "the page followed the job at GET /restores/{restoreId}").to.be.greaterThan(0);
    expect(polled.every((s) => s === "200")).to.equal(true);
    expect(await page.locator("#restore-progress").evaluate((p) => (p as unknown as { value: number }).value)).to.equal(100);
    expect(await page.locator("#restore-result").textContent()).to.match(/^Restore finished: 0 of 1 students restored from backups\/students-\d{8}-\d{6}\.json\.$/);
    // the worker reports the restore too: a second email, naming the job
    const mailbox = () => readdirSync(app.endpoints.mailbox).filter((f) => f.endsWith(".json"));
    for (let i = 0; i < 500 && mailbox().length < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
    const subjects = mailbox().map((f) => (JSON.parse(readFileSync(path.join(app.endpoints.mailbox, f), "utf8")) as { subject: string }).subject);
    expect(subjects.some((s) => /^Restore of \S+ from students-\d{8}-\d{6}: 0 restored, 1 skipped$/.test(s)), subjects.join("; ")).to.equal(true);
  });

  it("had no console errors, no failed requests, and every CORS preflight allowed the page's origin", async function () {
    expect(cleanRun(tab, app.origin)).to.deep.equal({ consoleErrors: [], failedRequests: [], refusedPreflights: [] });
    expect(tab.preflights.length).to.be.greaterThan(0);
  });

  it("has no serious or critical accessibility violations (axe-core)", async function () {
    expect(await seriousViolations(tab.page)).to.deep.equal([]);
  });

  it("asks for the birth date as YYYY-MM-DD with a hint, and refuses another form on the page without calling the API", async function () {
    const { page } = tab;
    const birthdate = page.getByLabel("Birth date");
    // a text field with its format in the accessible description, not a date picker (see body.html)
    expect(await birthdate.getAttribute("type")).to.equal(null);
    const hint = await birthdate.getAttribute("aria-describedby");
    expect(await page.locator(`#${hint}`).textContent()).to.include("2009-04-17");
    await page.getByLabel("Student id").first().fill("S-1003");
    await page.getByLabel("Name").fill("Wrong Format");
    await page.getByLabel("Class").fill("10B");
    await birthdate.fill("17/04/2009");
    await page.getByLabel("Email").fill("wrong@school.example.com");
    const posts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => r.method() === "POST" && posts.push(r.url());
    page.on("request", onRequest);
    await page.getByRole("button", { name: "Add student" }).click();
    expect(await birthdate.evaluate((input) => (input as unknown as { validity: { patternMismatch: boolean } }).validity.patternMismatch)).to.equal(true);
    page.off("request", onRequest);
    expect(posts, "no request leaves the page").to.deep.equal([]);
  });

  it("shows a refused body's 400 message and a wrong key's 403 to the person", async function () {
    const { page } = tab;
    await page.getByLabel("Student id").first().fill("S-1002");
    await page.getByLabel("Name").fill("Bad Date");
    await page.getByLabel("Class").fill("10B");
    await page.getByLabel("Birth date").fill("2009-04-17");
    // a type="email" input refuses a bad address itself; an over-long class gets through to the API
    await page.getByLabel("Class").evaluate((input) => input.removeAttribute("maxlength"));
    await page.getByLabel("Class").fill("X".repeat(300));
    await page.getByLabel("Email").fill("bad@school.example.com");
    await page.getByRole("button", { name: "Add student" }).click();
    await page.getByRole("alert").filter({ hasText: /^400: / }).waitFor();

    await page.getByLabel("StudentApiKey value").fill("not-the-key");
    await page.getByRole("button", { name: "Use key" }).click();
    await page.getByRole("alert").filter({ hasText: "Forbidden (403)" }).waitFor();
    // the browser reports the refused responses in the console, and nothing else
    expect(tab.consoleErrors.every((e) => /status of (400|403)/.test(e)), tab.consoleErrors.join("\n")).to.equal(true);
  });
});
