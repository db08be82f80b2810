// Bench section "web": each page's JavaScript, minified and compressed as CloudFront serves
// it (gzip and brotli), and its first render in headless Chromium on loopback against the
// local gateway (median of RUNS fresh browser contexts): first contentful paint, and the
// time until the page shows what its API answered.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startGateway } from "../local/gateway";
import { buildSite, PAGES } from "../../web/build";
import { kb, median, printTable } from "./support";

const RUNS = 5;
const GOAL_GZIP_BYTES = 30 * 1024;
const GOAL_RENDER_MS = 100;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const root = path.resolve(import.meta.dirname, "..", "..");

/** What shows that a page rendered its first answer (or, without a key, its prompt). */
const READY: Record<string, string> = {
  "student-records": "#status:not(:empty)",
  todos: "#todos li",
  "items-catalog": "#status:not(:empty)",
  "music-library": "#key-form",
  "image-gallery": "#signin:not([hidden])",
};

function sizes(): string[][] {
  const site = buildSite();
  const rows = PAGES.map((p) => {
    const js = site.files.find((f) => f.path === site.scripts[p.service])!;
    const gz = gzipSync(js.body, { level: 9 }).length;
    const br = brotliCompressSync(js.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    return [p.service, kb(js.body.length), kb(gz), kb(br), gz < GOAL_GZIP_BYTES ? "yes" : "NO"];
  });
  // The stylesheets are inline in the documents (web/build.ts): each document's size, compressed.
  for (const p of [{ service: "todos", label: "(document with the shared CSS inline, todos)" }, { service: "student-records", label: "(document with Tailwind CSS inline, student-records)" }]) {
    const doc = site.files.find((f) => f.path === `${p.service}/index.html`)!.body;
    rows.push([p.label, kb(doc.length), kb(gzipSync(doc, { level: 9 }).length), kb(brotliCompressSync(doc).length), "-"]);
  }
  return rows;
}

export async function run(): Promise<void> {
  console.log(`\nJavaScript per page (goal < ${kb(GOAL_GZIP_BYTES)} gzipped):`);
  printTable(["page", "minified", "gzip -9", "brotli 11", "< goal"], sizes());

  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-web-"));
  const outdir = path.join(tmp, "cdktf.out");
  const port = 15173 + Math.floor(Math.random() * 1000);
  const origin = `http://localhost:${port}`;
  await promisify(execFile)(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ENVIRONMENTS: "dev", DEV_WEB_ORIGINS: origin },
    maxBuffer: 64 << 20,
  });
  const gateway = await startGateway({ outdir, env: "dev", port: 0, stateDir: path.join(tmp, "state"), log: () => undefined, web: { origin } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const rows: string[][] = [];
    for (const p of PAGES) {
      const url = gateway.endpoints.web![p.service]!;
      const fcp: number[] = [];
      const ready: number[] = [];
      const doc: number[] = [];
      for (let i = 0; i < RUNS + 1; i += 1) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto("about:blank"); // the renderer process exists before the clock starts
        await page.goto(url);
        await page.waitForSelector(READY[p.service]!);
        const t = await page.evaluate(`(() => {
          const paint = performance.getEntriesByName("first-contentful-paint")[0];
          const nav = performance.getEntriesByType("navigation")[0];
          return { fcp: paint ? paint.startTime : NaN, now: performance.now(), doc: nav ? nav.responseEnd : NaN };
        })()`) as { fcp: number; now: number; doc: number };
        if (i > 0) {
          // the first visit warms the gateway's function workers; it is not counted
          fcp.push(t.fcp);
          ready.push(t.now);
          doc.push(t.doc);
        }
        await context.close();
      }
      const f = median(fcp);
      rows.push([p.service, `${median(doc).toFixed(0)} ms`, `${f.toFixed(0)} ms`, `≤ ${median(ready).toFixed(0)} ms`, f < GOAL_RENDER_MS ? "yes" : "NO"]);
    }
    console.log(`\nFirst render on loopback, median of ${RUNS} fresh contexts, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores (goal: first contentful paint < ${GOAL_RENDER_MS} ms):`);
    printTable(["page", "HTML received", "first contentful paint", "content shown (upper bound)", "< goal"], rows);
  } finally {
    await browser.close();
    await gateway.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
