/**
 * Runs the cdktf app (`modules/services/app.ts`) from a CommonJS bundle of its TypeScript files that esbuild
 * compiles once and caches under `.build/app/`, instead of letting tsx transform and resolve
 * the ~90 project files through its loader thread in every synth. Installed packages stay
 * outside the bundle (`require`d from node_modules as before), so a synth loads the same cdktf,
 * constructs and provider code; only the project's own files are pre-joined.
 *
 * - The cache is valid while every input esbuild read (and every folder holding one, so an
 *   added file is noticed) keeps its size and mtime, and esbuild, Node and the options are the
 *   same; otherwise esbuild rebuilds it (a tenth of a second). Bundles are named by their
 *   digest, so concurrent synths never pair one build's bundle with another's record, and the
 *   newest three are kept, so a synth started before an edit still finds its own.
 * - `import.meta.url` and `import.meta.dirname` keep meaning the original file (the zip worker
 *   and the pages are found beside their sources).
 * - Source maps are off while the app runs (cdktf captures a full stack trace for every token;
 *   mapping each one was a fifth of the synth). An error leaving the app has its stack mapped
 *   back to the TypeScript sources from the bundle's source map.
 * - If the bundle cannot be built (say, a syntax error), the app is imported through tsx as
 *   before, so the error reads as it always did.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire, SourceMap, type SourceMapPayload } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Esbuild from "esbuild";

const requireHere = createRequire(import.meta.url);

/** The cdktf app main.ts and `npm run synth` run, relative to the project root. */
export const APP_ENTRY = "modules/services/app.ts";

/** What `.build/app/<entry>.json` records about the last build. */
interface CacheRecord {
  readonly key: string;
  /** Bundle file name inside the cache folder. */
  readonly bundle: string;
  /** `[path relative to the project root, size, mtimeMs]`; folders have size -1. */
  readonly stamps: readonly (readonly [string, number, number])[];
}

export interface CompiledApp {
  /** Absolute path of the bundle. */
  readonly file: string;
  /** True when esbuild ran in this call. */
  readonly built: boolean;
}

/** Files esbuild reads without listing them as inputs. */
const CONFIG_INPUTS = ["tsconfig.json", "package.json"];

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function stampOf(root: string, rel: string, folder: boolean): [string, number, number] | undefined {
  const st = statSync(path.join(root, rel), { throwIfNoEntry: false });
  return st ? [rel, folder ? -1 : st.size, st.mtimeMs] : undefined;
}

function stampsFor(root: string, inputs: readonly string[]): [string, number, number][] {
  const files = [...new Set([...CONFIG_INPUTS.filter((f) => existsSync(path.join(root, f))), ...inputs])].sort();
  const folders = [...new Set(files.map((f) => path.dirname(f)))].sort();
  return [...files.map((f) => stampOf(root, f, false)!), ...folders.map((d) => stampOf(root, d, true)!)];
}

function stillValid(root: string, stamps: CacheRecord["stamps"]): boolean {
  return stamps.every(([rel, size, mtimeMs]) => {
    const now = stampOf(root, rel, size === -1);
    return now !== undefined && now[1] === size && now[2] === mtimeMs;
  });
}

function buildOptions(root: string, entry: string, outfile: string): Esbuild.BuildOptions {
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
 */
function importMetaPlugin(esbuild: typeof Esbuild, tsconfigRaw: string): Esbuild.Plugin {
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

function cacheKey(root: string, entry: string, esbuildVersion: string): string {
  const options = buildOptions(root, entry, "x");
  return createHash("sha256").update(JSON.stringify({ esbuildVersion, node: process.versions.node, options, format: 1 })).digest("hex").slice(0, 16);
}

/**
 * The bundle of `entry` (relative to `root`), from the cache when no input changed, else
 * built now. Throws esbuild's error when the sources do not compile.
 */
export async function compileApp(root: string, entry: string, cacheDir = path.join(root, ".build", "app")): Promise<CompiledApp> {
  const esbuildVersion = (JSON.parse(readFileSync(requireHere.resolve("esbuild/package.json"), "utf8")) as { version: string }).version;
  const key = cacheKey(root, entry, esbuildVersion);
  const recordFile = path.join(cacheDir, `${path.basename(entry, path.extname(entry))}.json`);
  try {
    const record = JSON.parse(readFileSync(recordFile, "utf8")) as CacheRecord;
    const file = path.join(cacheDir, record.bundle);
    if (record.key === key && existsSync(file) && existsSync(`${file}.map`) && stillValid(root, record.stamps)) {
      return { file, built: false };
    }
  } catch {
    // no record yet, or an unreadable one: build
  }

  const esbuild = requireHere("esbuild") as typeof Esbuild;
  const tsconfig = path.join(root, "tsconfig.json");
  const tsconfigRaw = existsSync(tsconfig) ? readFileSync(tsconfig, "utf8") : "{}";
  const outfile = path.join(cacheDir, "bundle.cjs");
  const result = (await esbuild.build({ ...buildOptions(root, entry, outfile), plugins: [importMetaPlugin(esbuild, tsconfigRaw)] })) as Esbuild.BuildResult & {
    outputFiles: Esbuild.OutputFile[];
    metafile: Esbuild.Metafile;
  };
  const js = result.outputFiles.find((f) => f.path.endsWith(".cjs"))!;
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"))!;
  const name = `${path.basename(entry, path.extname(entry))}-${createHash("sha256").update(js.contents).digest("hex").slice(0, 16)}.cjs`;
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes(":"));

  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, name);
  // The map's paths are relative to its own folder, which the bundle's name does not change.
  writeAtomic(`${file}.map`, map.text);
  writeAtomic(file, js.text);
  writeAtomic(recordFile, JSON.stringify({ key, bundle: name, stamps: stampsFor(root, inputs) } satisfies CacheRecord));
  removeOldBundles(cacheDir, `${path.basename(entry, path.extname(entry))}-`, name);
  return { file, built: true };
}

/** Bundles kept besides the newest: a synth started just before an edit may still load its own. */
const KEEP_BUNDLES = 3;

function removeOldBundles(cacheDir: string, prefix: string, newest: string): void {
  const bundles = readdirSync(cacheDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".cjs") && f !== newest)
    .map((f) => ({ f, mtimeMs: statSync(path.join(cacheDir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { f } of bundles.slice(KEEP_BUNDLES - 1)) {
    rmSync(path.join(cacheDir, f), { force: true });
    rmSync(path.join(cacheDir, `${f}.map`), { force: true });
  }
}

/** `error.stack` with every position inside `bundle` replaced by the source position. */
export function mapStack(stack: string, bundle: string): string {
  let map: SourceMap | undefined;
  const mapDir = path.dirname(bundle);
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, "g"), (whole, line: string, column: string) => {
    map ??= new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as SourceMapPayload);
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
    return `${path.resolve(mapDir, entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/**
 * Compiles (or reuses) the bundle of `entry` and calls its exported `run()`; when it cannot be
 * compiled, imports `entry` through the TypeScript loader this process runs under and calls
 * the same function.
 */
export async function runApp(root: string, entry: string): Promise<void> {
  let compiled: CompiledApp;
  try {
    compiled = await compileApp(root, entry);
  } catch {
    const app = (await import(pathToFileURL(path.join(root, entry)).href)) as { run(): void };
    app.run();
    return;
  }
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    const app = requireHere(compiled.file) as { run(): void };
    app.run();
  } catch (err) {
    // Back on first: the stack is formatted when first read, and the frames outside the bundle
    // (this file, main.ts) are mapped by the loader's own source maps.
    process.setSourceMapsEnabled(sourceMaps);
    if (err instanceof Error && typeof err.stack === "string") {
      const mapped = mapStack(err.stack, compiled.file);
      Object.defineProperty(err, "stack", { value: mapped, writable: true, configurable: true });
    }
    throw err;
  }
  process.setSourceMapsEnabled(sourceMaps);
}
