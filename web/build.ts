/**
 * Builds the site: one page per service under `/<service>/`, a landing page at `/`, and the
 * shared assets under `/assets/` with content-hashed names (esbuild's `[hash]`), so a
 * deploy changes exactly the files whose bytes changed and needs no invalidation.
 *
 * Each page's document is one shared template, web/lib/page.html (the head, the heading,
 * the status and alert regions), around the page's own `web/<service>/body.html`.
 *
 * Each document carries its stylesheet inline, in one `<style>` element: a render-blocking
 * stylesheet fetch was most of the student page's first paint (measured in Chromium, see
 * README's benchmarks). The CSP admits exactly these elements by their SHA-256
 * (`Site.styleHashes`); `style=` attributes stay refused.
 *
 * Pure and synchronous (esbuild's buildSync, nothing written to disk): the site stack calls
 * it during synth (through web/site-cache.ts), the local web server on start and on every
 * change under web/. `buildSiteAsync` gives the same bytes with esbuild's asynchronous API.
 * `config.json` is not part of the build: Terraform (or the local server) writes it.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { build, buildSync, type BuildOptions as EsbuildOptions, type BuildResult } from "esbuild";
import { tailwindCss, tailwindWorker } from "./tailwind";

/** A service that has a page, its folder under web/ and its heading. */
export interface Page {
  readonly service: string;
  readonly title: string;
  /**
   * `tailwind`: the page's own `style.css`, compiled by Tailwind CSS against the page's
   * sources (web/tailwind.ts), instead of the shared site.css.
   * @default "site"
   */
  readonly stylesheet?: "site" | "tailwind";
}

export const PAGES: readonly Page[] = [
  // The student records document asks for "the web interface (using Tailwind CSS ...)".
  { service: "student-records", title: "Student records", stylesheet: "tailwind" },
  { service: "todos", title: "Todo App" },
  { service: "items-catalog", title: "Items catalog" },
  { service: "music-library", title: "Music library" },
  { service: "image-gallery", title: "Image gallery" },
];

export interface SiteFile {
  /** Path under the site root, without a leading slash: `todos/index.html`, `assets/todos-ABC123.js`. */
  readonly path: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
  /** SHA-256 of the body, hex. */
  readonly sha256: string;
}

/** Hashed assets never change under their name; documents are revalidated every time. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
export const NO_CACHE = "no-cache";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** The Content-Type an S3 object or a local response carries for a file name. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

const webRoot = import.meta.dirname;
/** The document every page shares; `{{title}}`, `{{style}}` (the `<style>` element), `{{script}}` and `{{body}}` are filled in. */
const PAGE_TEMPLATE = path.join(webRoot, "lib", "page.html");
const FAVICON = path.join(webRoot, "lib", "favicon.svg");
/** A page's own markup, inside `<main>` after the heading and the status regions. */
const BODY = "body.html";

/** A page's document: the shared template around its body.html. */
function pageDocument(template: string, page: Page, style: string, script: string): string {
  const values: Record<string, string> = {
    title: escapeHtml(page.title),
    style,
    script,
    body: readFileSync(path.join(webRoot, page.service, BODY), "utf8"),
  };
  return template.replace(/\{\{(title|style|script|body)\}\}/g, (_, key: string) => values[key]!);
}

/** Whether the pages' sources are beside this file (in the repository; not in the npm package's bundles). */
export function pageSourcesPresent(): boolean {
  return PAGES.every((p) => existsSync(path.join(webRoot, p.service)));
}

function file(p: string, body: Buffer | string, cacheControl: string): SiteFile {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  return { path: p, body: bytes, contentType: contentTypeOf(p), cacheControl, sha256: createHash("sha256").update(bytes).digest("hex") };
}

export interface BuildOptions {
  /** @default true */
  readonly minify?: boolean;
  /** Pages to build. @default PAGES */
  readonly pages?: readonly Page[];
}

export interface Site {
  readonly files: readonly SiteFile[];
  /** Per service: the JavaScript asset path of its page. */
  readonly scripts: Readonly<Record<string, string>>;
  /**
   * CSP sources (`'sha256-…'`, sorted, distinct) of every document's inline `<style>`
   * element, for `style-src` (web/csp.ts).
   */
  readonly styleHashes: readonly string[];
  /** Every source file the build read (absolute paths, sorted; packages left out), for caches of it (web/site-cache.ts). */
  readonly inputs: readonly string[];
}

/** The `<style>` element of a document, and its CSP hash source. */
function inlineStyle(css: string, from: string): { element: string; hash: string } {
  const text = css.trim();
  // The element's text ends at the first `</style`: CSS that holds one cannot be inlined.
  if (/<\/style/i.test(text)) throw new Error(`${from}: the stylesheet contains "</style", which would end its <style> element; remove it`);
  return { element: `<style>${text}</style>`, hash: `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'` };
}

const outdir = path.join(webRoot, ".out");

/** esbuild's options for the pages' scripts and the shared stylesheet; starts Tailwind's worker thread, which loads while esbuild runs. */
function pagesBuild(options: BuildOptions): EsbuildOptions & { write: false; metafile: true } {
  const pages = options.pages ?? PAGES;
  if (pages.some((p) => p.stylesheet === "tailwind")) tailwindWorker();
  const entryPoints: Record<string, string> = { site: path.join(webRoot, "lib", "site.css") };
  for (const p of pages) entryPoints[p.service] = path.join(webRoot, p.service, "main.ts");
  return {
    entryPoints,
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    platform: "browser",
    minify: options.minify ?? true,
    legalComments: "none",
    charset: "utf8",
    outdir,
    entryNames: "assets/[name]-[hash]",
    metafile: true,
    logLevel: "silent",
  };
}

/** The whole site, sorted by path; the same sources always give the same bytes. */
export function buildSite(options: BuildOptions = {}): Site {
  return assemble(options, buildSync(pagesBuild(options)));
}

/** `buildSite` with esbuild's asynchronous API (esbuild works in its own process meanwhile); the same bytes. */
export async function buildSiteAsync(options: BuildOptions = {}): Promise<Site> {
  return assemble(options, await build(pagesBuild(options)));
}

/** The site from esbuild's output: documents around the scripts, the inlined stylesheets, the favicon. */
function assemble(options: BuildOptions, result: BuildResult<{ write: false; metafile: true }>): Site {
  const pages = options.pages ?? PAGES;
  const assets = new Map<string, string>(); // entry name → asset path
  const files: SiteFile[] = [];
  const inputs = new Set([PAGE_TEMPLATE, FAVICON, ...pages.map((p) => path.join(webRoot, p.service, BODY))]);
  for (const input of Object.keys(result.metafile.inputs)) {
    if (!input.includes(":") && !input.split("/").includes("node_modules")) inputs.add(path.resolve(input));
  }
  for (const out of result.outputFiles) {
    const rel = path.relative(outdir, out.path).split(path.sep).join("/");
    const name = /^assets\/(.+)-[A-Z0-9]+\.(js|css)$/.exec(rel)?.[1];
    if (name) assets.set(`${name}${path.extname(rel)}`, rel);
    files.push(file(rel, Buffer.from(out.contents), IMMUTABLE));
  }
  const siteCss = files.find((f) => f.path === assets.get("site.css"));
  if (!siteCss) throw new Error("web build produced no site.css");
  // Inlined into the documents, not served on its own.
  files.splice(files.indexOf(siteCss), 1);
  const shared = inlineStyle(siteCss.body.toString("utf8"), "web/lib/site.css");
  const hashes = new Set<string>([shared.hash]);
  const scripts: Record<string, string> = {};
  const template = readFileSync(PAGE_TEMPLATE, "utf8");
  for (const p of pages) {
    const script = assets.get(`${p.service}.js`);
    if (!script) throw new Error(`web build produced no script for ${p.service}`);
    scripts[p.service] = script;
    let style = shared;
    if (p.stylesheet === "tailwind") {
      const dir = path.join(webRoot, p.service);
      const sources = [PAGE_TEMPLATE, path.join(dir, BODY), path.join(dir, "main.ts")];
      const css = tailwindCss(path.join(dir, "style.css"), sources);
      for (const input of [path.join(dir, "style.css"), ...sources]) inputs.add(input);
      style = inlineStyle(css, `web/${p.service}/style.css`);
      hashes.add(style.hash);
    }
    files.push(file(`${p.service}/index.html`, pageDocument(template, p, style.element, `/${script}`), NO_CACHE));
  }
  files.push(file("index.html", landingPage(pages, shared.element), NO_CACHE));
  files.push(file("favicon.svg", readFileSync(FAVICON), "public, max-age=86400"));
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, scripts, styleHashes: [...hashes].sort(), inputs: [...inputs].sort() };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function landingPage(pages: readonly Page[], style: string): string {
  const links = pages.map((p) => `      <li><a href="/${p.service}/">${escapeHtml(p.title)}</a></li>`).join("\n");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>cdktf-rest-platform pages</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml">
    ${style}
  </head>
  <body>
    <main>
      <h1>The services' pages</h1>
      <ul>
${links}
      </ul>
    </main>
  </body>
</html>
`;
}
