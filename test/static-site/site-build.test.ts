/**
 * web/build.ts's pages: the student records page styled by Tailwind CSS (its document asks
 * for it), built at site-build time from the page's own sources, purged, content-hashed and
 * linked as a stylesheet (the CSP allows styles only from the site: no inline styles).
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSite, PAGES } from "../../web/build";
import { tailwindCss } from "../../web/tailwind";

const webRoot = path.resolve(import.meta.dirname, "..", "..", "web");

describe("site build: the student page's Tailwind CSS", function () {
  const site = buildSite();
  const text = (p: string) => site.files.find((f) => f.path === p)!.body.toString("utf8");
  const tailwind = site.files.find((f) => /^assets\/student-records-[A-Z2-7]{8}\.css$/.test(f.path));

  it("links the student page to its own hashed, immutable Tailwind stylesheet, and every other page to the shared one", function () {
    expect(tailwind, site.files.map((f) => f.path).join(", ")).to.not.equal(undefined);
    expect(tailwind!.cacheControl).to.equal("public, max-age=31536000, immutable");
    expect(tailwind!.contentType).to.equal("text/css; charset=utf-8");
    expect(text("student-records/index.html")).to.include(`<link rel="stylesheet" href="/${tailwind!.path}">`);
    const shared = site.files.find((f) => /^assets\/site-[A-Z0-9]{8}\.css$/.test(f.path))!;
    for (const p of PAGES.filter((x) => x.service !== "student-records")) expect(text(`${p.service}/index.html`), p.service).to.include(`href="/${shared.path}"`);
  });

  it("is Tailwind's output with only the utilities the page uses", function () {
    const css = tailwind!.body.toString("utf8");
    expect(css.startsWith("/*! tailwindcss v4.")).to.equal(true);
    // used in body.html: layout utilities, and sr-only for the table caption
    expect(css).to.include(".md\\:grid-cols-2").and.include(".md\\:col-span-2").and.include(".sr-only");
    // composed with @apply in style.css: the buttons' hover and the focus ring
    expect(css).to.match(/button\{[^}]*background-color:var\(--color-indigo-700\)/);
    expect(css).to.include("outline-color:var(--color-amber-500)");
    // not used anywhere in the page's sources
    expect(css).to.not.include(".grid-cols-7").and.not.include(".text-9xl").and.not.include(".bg-rose-500");
  });

  it("follows the sources: a class written into a page source is built, and the same sources give the same bytes", function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tailwind-"));
    try {
      const source = path.join(dir, "page.html");
      writeFileSync(source, '<p class="grid-cols-7 text-9xl">');
      const css = tailwindCss(path.join(webRoot, "student-records", "style.css"), [source]);
      expect(css).to.include(".grid-cols-7").and.include(".text-9xl");
      expect(tailwindCss(path.join(webRoot, "student-records", "style.css"), [source])).to.equal(css);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts no inline style in any document (the CSP's style-src is 'self')", function () {
    for (const f of site.files.filter((x) => x.path.endsWith(".html"))) {
      expect(f.body.toString("utf8"), f.path).to.not.match(/<style|\sstyle=/);
    }
  });
});

describe("site build: one shared document around each page's body", function () {
  const site = buildSite();
  const text = (p: string) => site.files.find((f) => f.path === p)!.body.toString("utf8");
  const template = readFileSync(path.join(webRoot, "lib", "page.html"), "utf8");

  it("gives every page the template's head, heading and status regions, with its title, stylesheet and script", function () {
    for (const p of PAGES) {
      const html = text(`${p.service}/index.html`);
      const body = readFileSync(path.join(webRoot, p.service, "body.html"), "utf8");
      expect(body, `${p.service}/body.html holds only the page's own markup`).to.not.match(/<!doctype|<head|<h1|id="status"|id="error"/i);
      const [before, after] = template.split("{{body}}") as [string, string];
      const style = /<link rel="stylesheet" href="([^"]+)">/.exec(html)![1]!;
      const expected = before.replaceAll("{{title}}", p.title).replace("{{style}}", style).replace("{{script}}", `/${site.scripts[p.service]}`) + body + after;
      expect(html, p.service).to.equal(expected);
      expect(html.match(/<h1>/g), p.service).to.have.length(1);
      expect(html).to.include(`<title>${p.title}</title>`).and.include('<p id="status" role="status" aria-live="polite"></p>').and.include('<p id="error" role="alert"></p>');
    }
  });
});
