/**
 * Headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH) through playwright-core,
 * a fresh profile per launch, and a page that records what the person never should see:
 * console errors, failed requests, refused CORS preflights.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from "playwright-core";

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export function launch(): Promise<Browser> {
  // launch() gives every browser a new temporary profile, removed when it closes.
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export interface Preflight {
  url: string;
  status: number;
  allowOrigin?: string;
}

export interface Watched {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly consoleErrors: string[];
  readonly failedRequests: string[];
  /** Every CORS preflight the browser sent, with its answer (from the DevTools protocol). */
  readonly preflights: Preflight[];
  close(): Promise<void>;
}

export async function open(browser: Browser, url: string): Promise<Watched> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const preflights: Preflight[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const pending = new Map<string, string>();
  cdp.on("Network.requestWillBeSent", (e) => {
    if (e.type === "Preflight" || e.request.method === "OPTIONS") pending.set(e.requestId, e.request.url);
  });
  cdp.on("Network.responseReceived", (e) => {
    const u = pending.get(e.requestId);
    if (u === undefined && e.type !== "Preflight") return;
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    preflights.push({ url: u ?? e.response.url, status: e.response.status, allowOrigin: headers["access-control-allow-origin"] });
  });
  await page.goto(url);
  return {
    page,
    context,
    consoleErrors,
    failedRequests,
    preflights,
    close: () => context.close(),
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core run in the page; the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Saves a screenshot of the page into $WEB_SCREENSHOTS/<name>.png when that folder is set (docs/screenshots). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.WEB_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** The checks every page's test ends with: nothing logged as an error, nothing failed, preflights allowed. */
export function cleanRun(tab: Watched, origin: string): { consoleErrors: string[]; failedRequests: string[]; refusedPreflights: Preflight[] } {
  return {
    consoleErrors: tab.consoleErrors,
    failedRequests: tab.failedRequests,
    refusedPreflights: tab.preflights.filter((p) => p.status < 200 || p.status > 299 || p.allowOrigin !== origin),
  };
}
