/**
 * web/build.ts's pages: the student records page styled by Tailwind CSS (its document asks
 * for it), built at site-build time from the page's own sources and purged; every page's
 * stylesheet inlined in one `<style>` element that the CSP names by its SHA-256, and no
 * `style=` attribute anywhere (the CSP refuses those).
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSite, PAGES } from "../../web/build";
import { tailwindCss } from "../../web/tailwind";

const webRoot = path.resolve(import.meta.dirname, "..", "..", "web");

describe("site build: the student page's Tailwind CSS", function () {
  const site = buildSite();
  const text = (p: string) => site.files.find((f) => f.path === p)!.body.toString("utf8");
  const styleOf = (p: string) => {
    const found = [...text(p).matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(found, `${p}: one <style> element`).to.have.length(1);
    return found[0]!;
  };
  const tailwind = styleOf("student-records/index.html");

  it("inlines the student page's own Tailwind build, and the shared stylesheet in every other document; no stylesheet file remains", function () {
    expect(tailwind.startsWith("/*! tailwindcss v4.")).to.equal(true);
    const shared = styleOf("index.html");
    expect(shared).to.include(":focus-visible").and.not.include("tailwindcss");
    for (const p of PAGES.filter((x) => x.service !== "student-records")) expect(styleOf(`${p.service}/index.html`), p.service).to.equal(shared);
    expect(site.files.filter((f) => f.path.endsWith(".css")).map((f) => f.path)).to.deep.equal([]);
    for (const f of site.files.filter((x) => x.path.endsWith(".html"))) expect(f.body.toString("utf8"), f.path).to.not.include("<link rel=\"stylesheet\"");
  });

  it("names every document's <style> element, and only those, in styleHashes (the CSP's style-src)", function () {
    const hash = (css: string) => `'sha256-${createHash("sha256").update(css, "utf8").digest("base64")}'`;
    const expected = new Set(site.files.filter((f) => f.path.endsWith(".html")).map((f) => hash(styleOf(f.path))));
    expect(site.styleHashes).to.deep.equal([...expected].sort()).and.have.length(2);
  });

  it("is Tailwind's output with only the utilities the page uses", function () {
    const css = tailwind;
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

  it("puts no style= attribute in any document (the CSP admits only the hashed <style> elements)", function () {
    for (const f of site.files.filter((x) => x.path.endsWith(".html"))) {
      expect(f.body.toString("utf8"), f.path).to.not.match(/\sstyle=/);
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
      const style = /<style>[\s\S]*?<\/style>/.exec(html)![0];
      const expected = before.replaceAll("{{title}}", p.title).replace("{{style}}", style).replace("{{script}}", `/${site.scripts[p.service]}`) + body + after;
      expect(html, p.service).to.equal(expected);
      expect(html.match(/<h1>/g), p.service).to.have.length(1);
      expect(html).to.include(`<title>${p.title}</title>`).and.include('<p id="status" role="status" aria-live="polite"></p>').and.include('<p id="error" role="alert"></p>');
    }
  });
});
