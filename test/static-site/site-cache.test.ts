/**
 * web/site-cache.ts: the synth's site build kept on disk. The cached site is the built site,
 * byte for byte, built synchronously or with esbuild's asynchronous API; the record covers every file the pages are built from, the builder's own code
 * and the configuration esbuild reads; a changed digest of any input or of a source folder's
 * names, or another key, makes it a miss; and a build during which an input was written is not
 * recorded. (The real sources are never edited here: the record is.)
 */
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSite, buildSiteAsync, PAGES, type Site } from "../../web/build";
import { buildSiteCached, buildSiteCachedAsync, cachedSite, prepareSynthSite, synthSite } from "../../web/site-cache";

const root = path.resolve(import.meta.dirname, "..", "..");

interface Record {
  key: string;
  inputs: [string, string][];
}

function comparable(site: Site) {
  return { files: site.files.map((f) => ({ ...f, body: f.body.toString("base64") })), scripts: site.scripts, styleHashes: site.styleHashes };
}

describe("site build cache (web/site-cache.ts)", function () {
  let dir: string;
  const previous = process.env.SITE_BUILD_DIR;
  const recordFile = () => path.join(dir, readdirSync(dir).find((f) => /^site-[0-9a-f]{16}\.json$/.test(f))!);
  const readRecord = () => JSON.parse(readFileSync(recordFile(), "utf8")) as Record;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "site-cache-"));
    process.env.SITE_BUILD_DIR = dir;
  });
  after(() => {
    if (previous === undefined) delete process.env.SITE_BUILD_DIR;
    else process.env.SITE_BUILD_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  it("records the site once and gives back the same bytes as a build", function () {
    expect(cachedSite(), "nothing recorded yet").to.equal(undefined);
    const built = buildSiteCached();
    const fresh = buildSite();
    expect(comparable(built)).to.deep.equal(comparable(fresh));
    const cached = cachedSite();
    expect(cached, "recorded").to.not.equal(undefined);
    expect(comparable(cached!)).to.deep.equal(comparable(fresh));
    expect(cached!.files.every((f) => Buffer.isBuffer(f.body))).to.equal(true);
  });

  it("builds the same bytes with esbuild's asynchronous API, and records them alike", async function () {
    const fresh = comparable(buildSite());
    expect(comparable(await buildSiteAsync())).to.deep.equal(fresh);
    rmSync(recordFile());
    expect(comparable(await buildSiteCachedAsync())).to.deep.equal(fresh);
    expect(comparable(cachedSite()!), "recorded by the asynchronous build").to.deep.equal(fresh);
    await prepareSynthSite();
    expect(comparable(synthSite()), "the synth's site once prepared").to.deep.equal(fresh);
  });

  it("covers every file of every page and of web/lib, the builder and esbuild's configuration", function () {
    const recorded = new Set(readRecord().inputs.map(([rel]) => rel));
    const expected = [
      ...[...PAGES.map((p) => p.service), "lib"].flatMap((folder) => readdirSync(path.join(root, "web", folder)).map((f) => `web/${folder}/${f}`)),
      ...["web/build.ts", "web/tailwind.ts", "web/tailwind-worker.mjs", "web/site-cache.ts", "web/tsconfig.json", "tsconfig.json", "package.json"],
      ...PAGES.map((p) => `web/${p.service}/`),
      "web/lib/",
    ];
    for (const rel of expected) expect(recorded.has(rel), rel).to.equal(true);
  });

  it("misses when any input's digest, a source folder's names or the key differ", function () {
    const original = readFileSync(recordFile(), "utf8");
    const record = JSON.parse(original) as Record;
    const probes = ["web/todos/main.ts", "web/lib/page.html", "web/student-records/style.css", "web/build.ts", "web/tsconfig.json", "web/lib/"];
    try {
      for (const rel of probes) {
        const changed = { ...record, inputs: record.inputs.map(([r, d]): [string, string] => [r, r === rel ? "0".repeat(64) : d]) };
        expect(record.inputs.some(([r]) => r === rel), rel).to.equal(true);
        writeFileSync(recordFile(), JSON.stringify(changed));
        expect(cachedSite(), rel).to.equal(undefined);
      }
      writeFileSync(recordFile(), JSON.stringify({ ...record, key: "0".repeat(16) }));
      expect(cachedSite(), "another key").to.equal(undefined);
      writeFileSync(recordFile(), "{");
      expect(cachedSite(), "an unreadable record").to.equal(undefined);
    } finally {
      writeFileSync(recordFile(), original);
    }
    expect(cachedSite(), "the record as written").to.not.equal(undefined);
  });

  it("does not record a build during which an input was written", function () {
    rmSync(recordFile());
    const input = path.join(root, "web", "todos", "body.html");
    const { atime, mtime } = statSync(input);
    const later = new Date(Date.now() + 60_000);
    try {
      // Same content, written "after" the build started: the output may mix two versions.
      utimesSync(input, later, later);
      expect(comparable(buildSiteCached())).to.deep.equal(comparable(buildSite()));
      expect(readdirSync(dir).filter((f) => f.endsWith(".json")), "no record").to.deep.equal([]);
    } finally {
      utimesSync(input, atime, mtime);
    }
    buildSiteCached();
    expect(cachedSite(), "recorded once the inputs are older than the build").to.not.equal(undefined);
  });
});
