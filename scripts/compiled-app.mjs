// @ts-check
/**
 * Runs the cdktf app (`modules/services/app.ts`) from a CommonJS bundle of its TypeScript files that esbuild
 * compiles once and caches under `.build/app/`, instead of letting a TypeScript loader transform and resolve
 * the ~90 project files in every synth. Installed packages stay outside the bundle (`require`d
 * from node_modules as before), so a synth loads the same cdktf, constructs and provider code;
 * only the project's own files are pre-joined.
 *
 * Plain JavaScript on purpose: cdktf.json's app (`node scripts/run-app.mjs`) runs it with no
 * TypeScript loader at all, so a synth whose bundle is up to date starts as fast as Node does.
 * `main.ts` (through tsx) runs the same function.
 *
 * - The cache is valid while every input esbuild read (and every folder holding one, so an
 *   added file is noticed) keeps its size and mtime, and esbuild, Node and the options are the
 *   same; otherwise esbuild rebuilds it (a tenth of a second). Bundles are named by their
 *   digest, so concurrent synths never pair one build's bundle with another's record, and the
 *   newest three are kept, so a synth started before an edit still finds its own.
 * - `import.meta.url` and `import.meta.dirname` keep meaning the original file (the zip worker
 *   and the pages are found beside their sources).
 * - Source maps are off while the app runs (cdktf captures a full stack trace for every token;
 *   mapping each one was a fifth of the synth), and those traces are formatted only when read
 *   (lazy-token-stacks.mjs). An error leaving the app has its stack mapped back to the
 *   TypeScript sources from the bundle's source map.
 * - If the bundle cannot be built (say, a syntax error), the app is imported through tsx as
 *   before, so the error reads as it always did.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire, SourceMap } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { installLazyTokenStacks } from "./lazy-token-stacks.mjs";

const requireHere = createRequire(import.meta.url);

/** The cdktf app main.ts and `npm run synth` run, relative to the project root. */
export const APP_ENTRY = "modules/services/app.ts";

/**
 * What `.build/app/<entry>.json` records about the last build.
 * @typedef {object} CacheRecord
 * @property {string} key
 * @property {string} bundle Bundle file name inside the cache folder.
 * @property {[string, number, number][]} stamps `[path relative to the project root, size, mtimeMs]`; folders have size -1.
 */

/**
 * @typedef {object} CompiledApp
 * @property {string} file Absolute path of the bundle.
 * @property {boolean} built True when esbuild ran in this call.
 */

/** Files esbuild reads without listing them as inputs. */
const CONFIG_INPUTS = ["tsconfig.json", "package.json"];

/** @param {string} file @param {string} data */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** @param {string} root @param {string} rel @param {boolean} folder @returns {[string, number, number] | undefined} */
function stampOf(root, rel, folder) {
  const st = statSync(path.join(root, rel), { throwIfNoEntry: false });
  return st ? [rel, folder ? -1 : st.size, st.mtimeMs] : undefined;
}

/** @param {string} root @param {readonly string[]} inputs @returns {[string, number, number][]} */
function stampsFor(root, inputs) {
  const files = [...new Set([...CONFIG_INPUTS.filter((f) => existsSync(path.join(root, f))), ...inputs])].sort();
  const folders = [...new Set(files.map((f) => path.dirname(f)))].sort();
  return /** @type {[string, number, number][]} */ ([...files.map((f) => stampOf(root, f, false)), ...folders.map((d) => stampOf(root, d, true))]);
}

/** @param {string} root @param {CacheRecord["stamps"]} stamps */
function stillValid(root, stamps) {
  return stamps.every(([rel, size, mtimeMs]) => {
    const now = stampOf(root, rel, size === -1);
    return now !== undefined && now[1] === size && now[2] === mtimeMs;
  });
}

/** @param {string} root @param {string} entry @param {string} outfile @returns {import("esbuild").BuildOptions} */
function buildOptions(root, entry, outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node}`,
    // As tsx does: class and function names survive, whatever esbuild renames to avoid clashes.
    keepNames: true,
    sourcemap: "external",
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: "silent",
  };
}

/**
 * esbuild plugin: in each project file that uses `import.meta`, replace `import.meta.url`,
 * `.dirname` and `.filename` with the file's own values (the bundle's would be wrong).
 * @param {typeof import("esbuild")} esbuild @param {string} tsconfigRaw @returns {import("esbuild").Plugin}
 */
function importMetaPlugin(esbuild, tsconfigRaw) {
  return {
    name: "import-meta-of-source",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path.split(path.sep).includes("node_modules")) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const { code } = await esbuild.transform(source, {
          loader: args.path.endsWith("x") ? "tsx" : "ts",
          format: "esm",
          sourcefile: args.path,
          sourcemap: "inline",
          tsconfigRaw,
          define: {
            "import.meta.url": JSON.stringify(pathToFileURL(args.path).href),
            "import.meta.dirname": JSON.stringify(path.dirname(args.path)),
            "import.meta.filename": JSON.stringify(args.path),
          },
        });
        return { contents: code, loader: "js" };
      });
    },
  };
}

/** esbuild's version, read from its package.json (loading esbuild itself costs more than a synth's check). */
function esbuildVersion() {
  return /** @type {{ version: string }} */ (JSON.parse(readFileSync(requireHere.resolve("esbuild/package.json"), "utf8"))).version;
}

/** @param {string} root @param {string} entry @param {string} version */
function cacheKey(root, entry, version) {
  const options = buildOptions(root, entry, "x");
  return createHash("sha256").update(JSON.stringify({ esbuildVersion: version, node: process.versions.node, options, format: 1 })).digest("hex").slice(0, 16);
}

/** @param {string} cacheDir @param {string} entry */
function recordFileOf(cacheDir, entry) {
  return path.join(cacheDir, `${path.basename(entry, path.extname(entry))}.json`);
}

/**
 * The cached bundle of `entry` when no input changed since it was built, else undefined.
 * Reads a few stamps; loads no esbuild.
 * @param {string} root @param {string} entry @param {string} [cacheDir]
 * @returns {string | undefined}
 */
export function cachedApp(root, entry, cacheDir = path.join(root, ".build", "app")) {
  try {
    const record = /** @type {CacheRecord} */ (JSON.parse(readFileSync(recordFileOf(cacheDir, entry), "utf8")));
    const file = path.join(cacheDir, record.bundle);
    if (record.key === cacheKey(root, entry, esbuildVersion()) && existsSync(file) && existsSync(`${file}.map`) && stillValid(root, record.stamps)) {
      return file;
    }
  } catch {
    // no record yet, or an unreadable one: build
  }
  return undefined;
}

/**
 * The bundle of `entry` (relative to `root`), from the cache when no input changed, else
 * built now. Throws esbuild's error when the sources do not compile.
 * @param {string} root @param {string} entry @param {string} [cacheDir]
 * @returns {Promise<CompiledApp>}
 */
export async function compileApp(root, entry, cacheDir = path.join(root, ".build", "app")) {
  const cached = cachedApp(root, entry, cacheDir);
  if (cached) return { file: cached, built: false };

  const esbuild = /** @type {typeof import("esbuild")} */ (requireHere("esbuild"));
  const key = cacheKey(root, entry, esbuild.version);
  const tsconfig = path.join(root, "tsconfig.json");
  const tsconfigRaw = existsSync(tsconfig) ? readFileSync(tsconfig, "utf8") : "{}";
  const outfile = path.join(cacheDir, "bundle.cjs");
  const result = await esbuild.build({ ...buildOptions(root, entry, outfile), plugins: [importMetaPlugin(esbuild, tsconfigRaw)] });
  const outputs = result.outputFiles ?? [];
  const js = /** @type {import("esbuild").OutputFile} */ (outputs.find((f) => f.path.endsWith(".cjs")));
  const map = /** @type {import("esbuild").OutputFile} */ (outputs.find((f) => f.path.endsWith(".map")));
  const base = path.basename(entry, path.extname(entry));
  const name = `${base}-${createHash("sha256").update(js.contents).digest("hex").slice(0, 16)}.cjs`;
  const inputs = Object.keys(result.metafile?.inputs ?? {}).filter((f) => !f.includes(":"));

  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, name);
  // The map's paths are relative to its own folder, which the bundle's name does not change.
  writeAtomic(`${file}.map`, map.text);
  writeAtomic(file, js.text);
  writeAtomic(recordFileOf(cacheDir, entry), JSON.stringify(/** @type {CacheRecord} */ ({ key, bundle: name, stamps: stampsFor(root, inputs) })));
  removeOldBundles(cacheDir, `${base}-`, name);
  return { file, built: true };
}

/** Bundles kept besides the newest: a synth started just before an edit may still load its own. */
const KEEP_BUNDLES = 3;

/** @param {string} cacheDir @param {string} prefix @param {string} newest */
function removeOldBundles(cacheDir, prefix, newest) {
  const bundles = readdirSync(cacheDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".cjs") && f !== newest)
    .map((f) => ({ f, mtimeMs: statSync(path.join(cacheDir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { f } of bundles.slice(KEEP_BUNDLES - 1)) {
    rmSync(path.join(cacheDir, f), { force: true });
    rmSync(path.join(cacheDir, `${f}.map`), { force: true });
  }
}

/**
 * `error.stack` with every position inside `bundle` replaced by the source position.
 * @param {string} stack @param {string} bundle @returns {string}
 */
export function mapStack(stack, bundle) {
  /** @type {SourceMap | undefined} */
  let map;
  const mapDir = path.dirname(bundle);
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, "g"), (whole, line, column) => {
    map ??= new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
    const entry = /** @type {Partial<{ originalSource: string; originalLine: number; originalColumn: number }>} */ (map.findEntry(Number(line) - 1, Number(column) - 1));
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
    return `${path.resolve(mapDir, entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/**
 * Calls (and awaits) the bundle's exported `run()` with source maps off and token stacks
 * formatted lazily; an error leaving it has its stack mapped back to the sources.
 * @param {string} file @returns {Promise<void>}
 */
async function runBundle(file) {
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  installLazyTokenStacks(createRequire(file));
  try {
    const app = /** @type {{ run(): void | Promise<void> }} */ (requireHere(file));
    await app.run();
  } catch (err) {
    // Back on first: the stack is formatted when first read, and the frames outside the bundle
    // (main.ts, under tsx) are mapped by the loader's own source maps.
    process.setSourceMapsEnabled(sourceMaps);
    if (err instanceof Error && typeof err.stack === "string") {
      const mapped = mapStack(err.stack, file);
      Object.defineProperty(err, "stack", { value: mapped, writable: true, configurable: true });
    }
    throw err;
  }
  process.setSourceMapsEnabled(sourceMaps);
}

/**
 * Compiles (or reuses) the bundle of `entry` and calls (and awaits) its exported `run()`; when
 * it cannot be compiled, imports `entry` through tsx and calls the same function.
 * @param {string} root @param {string} entry @returns {Promise<void>}
 */
export async function runApp(root, entry) {
  /** @type {CompiledApp} */
  let compiled;
  try {
    compiled = await compileApp(root, entry);
  } catch {
    const { tsImport } = await import("tsx/esm/api");
    const app = /** @type {{ run(): void | Promise<void> }} */ (await tsImport(pathToFileURL(path.join(root, entry)).href, import.meta.url));
    await app.run();
    return;
  }
  await runBundle(compiled.file);
}
