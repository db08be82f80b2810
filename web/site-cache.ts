/**
 * The site build (web/build.ts) kept on disk for the synth, which would otherwise run esbuild
 * and start Tailwind's worker in every process for the same bytes. The site is a pure function
 * of the files the build read (`Site.inputs`), the build's own code and the packages' versions,
 * so the cache is valid while:
 *
 * - every input still has the content it had (SHA-256), and every folder holding one the same
 *   names (an added file may change what an import resolves to);
 * - this file, build.ts, tailwind.ts, the Tailwind worker and the tsconfig.json and package.json
 *   files esbuild reads are unchanged (they are inputs too);
 * - esbuild, Tailwind (`tailwindcss`, `@tailwindcss/node`, `@tailwindcss/oxide`) and Node are
 *   the same versions, and the options the same.
 *
 * One JSON file per options under `$SITE_BUILD_DIR` (default `.build/site`, relative to the
 * project root), written to a temporary name and renamed, so a concurrent synth reads either
 * the old record or the new one, never half. A build during which an input changed is not
 * recorded (its output may mix both versions).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildSite, buildSiteAsync, type BuildOptions, type Site, type SiteFile } from "./build";
import { tailwindWorker } from "./tailwind";

const webRoot = import.meta.dirname;
const projectRoot = path.dirname(webRoot);
const requireHere = createRequire(import.meta.url);

/** Bump when the record's shape or what it is keyed on changes. */
const FORMAT = 2;
/**
 * Inputs the build does not list: its own code (a change to it changes the output) and the
 * configuration esbuild reads beside the sources.
 */
const BUILDER = [
  ...["build.ts", "tailwind.ts", "tailwind-worker.mjs", "site-cache.ts", "tsconfig.json"].map((f) => path.join(webRoot, f)),
  ...["tsconfig.json", "package.json"].map((f) => path.join(projectRoot, f)),
];
const PACKAGES = ["esbuild", "tailwindcss", "@tailwindcss/node", "@tailwindcss/oxide"];

interface StoredFile extends Omit<SiteFile, "body"> {
  /** base64 */
  readonly body: string;
}

interface SiteRecord {
  readonly key: string;
  /** `[path relative to the project root, SHA-256 of the content or of the folder's sorted names]` */
  readonly inputs: readonly (readonly [string, string])[];
  readonly files: readonly StoredFile[];
  readonly scripts: Site["scripts"];
  readonly styleHashes: Site["styleHashes"];
}

function cacheDir(): string {
  const fromEnv = process.env.SITE_BUILD_DIR === "" ? undefined : process.env.SITE_BUILD_DIR;
  return path.resolve(projectRoot, fromEnv ?? path.join(".build", "site"));
}

/** An installed package's version, from its package.json (found as Node finds the package, whatever its `exports`). */
function versionOf(name: string): string {
  for (const dir of requireHere.resolve.paths(name) ?? []) {
    const file = path.join(dir, name, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  }
  throw new Error(`${name} is not installed`);
}

function keyOf(options: BuildOptions): string {
  const packages = PACKAGES.map((p) => [p, versionOf(p)]);
  const pages = options.pages ?? "default";
  const key = JSON.stringify({ format: FORMAT, node: process.versions.node, packages, minify: options.minify ?? true, pages });
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** Content digest of a file, or of a folder's sorted entry names; undefined when it is gone. */
function digestOf(abs: string, folder: boolean): string | undefined {
  try {
    const hash = createHash("sha256");
    if (folder) hash.update(readdirSync(abs).sort().join("\0"));
    else hash.update(readFileSync(abs));
    return hash.digest("hex");
  } catch {
    return undefined;
  }
}

function inputDigests(inputs: readonly string[]): [string, string][] {
  const files = [...new Set([...inputs, ...BUILDER])].sort();
  // The sources' folders only: an import resolves among them, never among the project root's entries.
  const folders = [...new Set(inputs.map((f) => path.dirname(f)))].sort();
  const rel = (abs: string) => path.relative(projectRoot, abs).split(path.sep).join("/");
  return [
    ...files.map((f): [string, string] => [rel(f), digestOf(f, false) ?? "missing"]),
    ...folders.map((d): [string, string] => [`${rel(d)}/`, digestOf(d, true) ?? "missing"]),
  ];
}

function stillValid(record: SiteRecord): boolean {
  return record.inputs.every(([rel, digest]) => {
    const folder = rel.endsWith("/");
    return digestOf(path.resolve(projectRoot, folder ? rel.slice(0, -1) : rel), folder) === digest;
  });
}

function recordFile(key: string): string {
  return path.join(cacheDir(), `site-${key}.json`);
}

/** The cached site for these options when none of its inputs changed, else undefined. */
export function cachedSite(options: BuildOptions = {}): Site | undefined {
  let record: SiteRecord;
  try {
    const key = keyOf(options);
    record = JSON.parse(readFileSync(recordFile(key), "utf8")) as SiteRecord;
    if (record.key !== key || !stillValid(record)) return undefined;
  } catch {
    return undefined; // no record yet, or an unreadable one
  }
  const files = record.files.map((f) => ({ ...f, body: Buffer.from(f.body, "base64") }));
  return { files, scripts: record.scripts, styleHashes: record.styleHashes, inputs: record.inputs.filter(([rel]) => !rel.endsWith("/")).map(([rel]) => path.resolve(projectRoot, rel)) };
}

/** Newest modification time among the files, milliseconds. */
function newestMtime(files: readonly string[]): number {
  return Math.max(...files.map((f) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY));
}

/** Records a site built from inputs none of which was written after `started` (else not: its output may mix two versions). */
function record(options: BuildOptions, site: Site, started: number): void {
  const inputs = inputDigests(site.inputs);
  if (newestMtime([...site.inputs, ...BUILDER]) >= started) return;
  const key = keyOf(options);
  const entry: SiteRecord = { key, inputs, files: site.files.map((f) => ({ ...f, body: f.body.toString("base64") })), scripts: site.scripts, styleHashes: site.styleHashes };
  const file = recordFile(key);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry));
  renameSync(tmp, file);
}

/** The site from the cache when valid; else built now (web/build.ts) and recorded. */
export function buildSiteCached(options: BuildOptions = {}): Site {
  const cached = cachedSite(options);
  if (cached) return cached;
  const started = Date.now();
  const site = buildSite(options);
  record(options, site, started);
  return site;
}

/** `buildSiteCached` with esbuild's asynchronous API; the same site and record. */
export async function buildSiteCachedAsync(options: BuildOptions = {}): Promise<Site> {
  const cached = cachedSite(options);
  if (cached) return cached;
  const started = Date.now();
  const site = await buildSiteAsync(options);
  record(options, site, started);
  return site;
}

let synth: Site | undefined;
let preparing: Promise<void> | undefined;

/**
 * The site a synth uploads (every environment's site stack the same files), from the cache or
 * built once per process; after `prepareSynthSite()` has settled, the site it built.
 */
export function synthSite(): Site {
  return (synth ??= buildSiteCached());
}

/**
 * Starts the synth's site build with esbuild's asynchronous API, so that it runs while the app
 * loads; `synthSite()` then returns its site. A build error is left for `synthSite()` to throw.
 */
export function prepareSynthSite(): Promise<void> {
  preparing ??= buildSiteCachedAsync().then(
    (site) => {
      synth ??= site;
    },
    () => undefined,
  );
  return preparing;
}

/**
 * Takes the synth's site from the cache when no input changed; otherwise, unless a prepared
 * build runs already, starts Tailwind's worker thread now, so that it loads (a quarter of a
 * second) while the service stacks are built, instead of while the first site stack waits.
 */
export function warmSynthSite(): void {
  synth ??= cachedSite();
  if (!synth && !preparing) tailwindWorker();
}
