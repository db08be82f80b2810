import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  buildSync,
  version as esbuildVersion,
  type BuildOptions,
  type BuildResult,
  type Metafile,
  type OutputFile,
} from "esbuild";
import { esbuildOptions, type NodejsRuntime } from "./esbuild-options";
import { entriesDigest, zipManySync, zipWorker, type ZipEntry } from "./zip";

export { entriesDigest, zipSync, type ZipEntry } from "./zip";

export interface BundleProps {
  /** Entry file, relative to `projectRoot` or absolute. */
  readonly entry: string;
  /** Directory every recorded path is relative to (the folder holding cdktf.json). */
  readonly projectRoot: string;
  /** @default "nodejs22.x" */
  readonly runtime?: NodejsRuntime;
  /** @default false */
  readonly sourceMap?: boolean;
  /** @default true (only the bench turns it off) */
  readonly minify?: boolean;
  /** @default [] (only the bench externalizes `@aws-sdk/*`) */
  readonly external?: readonly string[];
  /**
   * Where bundles and zips are written, relative to `projectRoot` or absolute; one sub-folder
   * per bundle id. Keep it inside the project (and two levels deep, like the default) so that
   * source-map paths stay relative and identical to a normal build.
   * @default $NODEJS_FUNCTION_BUILD_DIR, else ".build/functions"
   */
  readonly buildRoot?: string;
}

export interface FunctionBundle {
  /** Stable folder name: the entry path plus a short hash of the build options. */
  readonly id: string;
  /** Folder holding the last `index.mjs`, `stamps.json` and one sub-folder per zip digest. */
  readonly dir: string;
  /** Absolute path of the zip. */
  readonly zipPath: string;
  /** SHA-256 of the zip bytes, hex (content-addressed S3 keys). */
  readonly sha256Hex: string;
  /** SHA-256 of the zip bytes, base64 (`source_code_hash`). */
  readonly sha256Base64: string;
  readonly zipSize: number;
  /** Size of `index.mjs`, bytes. */
  readonly bundleSize: number;
  /** Absolute path of esbuild's metafile (JSON, next to the zip), kept for the bench. */
  readonly metafilePath: string;
  readonly metafile: Metafile;
  /** Milliseconds spent in esbuild for this call (0 when served from the in-process cache). */
  readonly bundleMs: number;
  /** Milliseconds spent zipping (0 when an identical zip already existed). */
  readonly zipMs: number;
  /** Where the bundle came from: a fresh esbuild run, this process's cache, or stamps on disk. */
  readonly cache: "none" | "memory" | "disk";
}

/** The folder holding cdktf.json, searching upwards from `from`; `from` itself when there is none. */
export function findProjectRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "cdktf.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}

/** The entry as a posix path relative to the project root (what esbuild and the id see). */
export function relativeEntry(projectRoot: string, entry: string): string {
  const abs = path.isAbsolute(entry) ? entry : path.resolve(projectRoot, entry);
  return path.relative(projectRoot, abs).split(path.sep).join("/");
}

/**
 * Stable, readable folder name for a bundle: `functions-items-index-<10 hex>`, the hash
 * covering the entry, the esbuild version and every option that changes the output.
 */
export function bundleId(relEntry: string, options: Omit<BundleProps, "entry" | "projectRoot" | "buildRoot">): string {
  const readable = relEntry
    .replace(/\.[cm]?[jt]sx?$/, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(-60);
  const key = JSON.stringify({
    esbuild: esbuildVersion,
    entry: relEntry,
    runtime: options.runtime ?? "nodejs22.x",
    sourceMap: options.sourceMap ?? false,
    minify: options.minify ?? true,
    external: [...(options.external ?? [])].sort(),
    // Bundles made before the credential chain became the Lambda environment's are not reused.
    credentials: "lambda-environment",
  });
  return `${readable}-${createHash("sha256").update(key).digest("hex").slice(0, 10)}`;
}

/** Writes through a temporary file and a rename, so concurrent builds never see half a file. */
function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

interface InputStamp {
  readonly file: string;
  readonly mtimeMs: number;
  readonly size: number;
}

interface CacheEntry {
  readonly bundle: FunctionBundle;
  readonly stamps: readonly InputStamp[];
}

const cache = new Map<string, CacheEntry>();

/** Forgets every bundle and package stat this process remembers (as if a new process started). */
export function clearBundleCache(): void {
  cache.clear();
  packageStats.clear();
}

function stampInputs(projectRoot: string, metafile: Metafile): InputStamp[] {
  const config = CONFIG_INPUTS.filter((f) => existsSync(path.join(projectRoot, f)));
  return [...config, ...Object.keys(metafile.inputs)]
    .filter((f) => !f.includes(":")) // skip esbuild's virtual inputs (`<runtime>`, namespaces)
    .map((f) => {
      // Installed packages' stats are taken once per process (the SDK's files are shared by every handler).
      const st = currentStamp(projectRoot, f) ?? statSync(path.resolve(projectRoot, f));
      return { file: f, mtimeMs: st.mtimeMs, size: st.size };
    });
}

/**
 * Stats of installed packages, taken once per process: node_modules does not change while a
 * synth runs, and the SDK's hundreds of files are shared by every handler. Project files are
 * stat'ed on every check.
 */
const packageStats = new Map<string, { mtimeMs: number; size: number } | undefined>();

function currentStamp(projectRoot: string, file: string): { mtimeMs: number; size: number } | undefined {
  const isPackage = file.startsWith("node_modules/") || file.includes("/node_modules/");
  if (isPackage && packageStats.has(file)) return packageStats.get(file);
  const st = statSync(path.resolve(projectRoot, file), { throwIfNoEntry: false });
  const stamp = st ? { mtimeMs: st.mtimeMs, size: st.size } : undefined;
  if (isPackage) packageStats.set(file, stamp);
  return stamp;
}

function stampsStillValid(projectRoot: string, stamps: readonly InputStamp[]): boolean {
  for (const s of stamps) {
    const st = currentStamp(projectRoot, s.file);
    if (!st || st.mtimeMs !== s.mtimeMs || st.size !== s.size) return false;
  }
  return true;
}

/** What `<bundle dir>/stamps.json` records, so the next process can skip esbuild. */
interface DiskRecord {
  readonly format: 1;
  /** The zip, relative to the bundle folder. */
  readonly zip: string;
  readonly bundleSize: number;
  readonly stamps: readonly InputStamp[];
}

/** Files esbuild reads without listing them as inputs. */
const CONFIG_INPUTS = ["tsconfig.json", "package.json"];

function readDiskRecord(projectRoot: string, dir: string): DiskRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path.join(dir, "stamps.json"), "utf8")) as DiskRecord;
    if (record.format !== 1 || !stampsStillValid(projectRoot, record.stamps)) return undefined;
    const zipDir = path.dirname(path.join(dir, record.zip));
    if (!existsSync(path.join(dir, record.zip)) || !existsSync(path.join(zipDir, "metafile.json"))) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/**
 * A FunctionBundle whose metafile (hundreds of KB of JSON the construct never needs) is
 * loaded only when asked for: from `loadMetafile`, else from the file next to the zip.
 */
function describeBundle(
  fields: Omit<FunctionBundle, "metafile" | "metafilePath">,
  loadMetafile?: () => Metafile,
): FunctionBundle {
  const metafilePath = path.join(path.dirname(fields.zipPath), "metafile.json");
  const load = loadMetafile ?? (() => JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile);
  let loaded: Metafile | undefined;
  const bundle = { ...fields, metafilePath } as FunctionBundle;
  Object.defineProperty(bundle, "metafile", { enumerable: true, get: () => (loaded ??= load()) });
  return bundle;
}

function hashes(zipBytes: Uint8Array): Pick<FunctionBundle, "sha256Hex" | "sha256Base64" | "zipSize"> {
  const sha = createHash("sha256").update(zipBytes).digest();
  return { sha256Hex: sha.toString("hex"), sha256Base64: sha.toString("base64"), zipSize: zipBytes.byteLength };
}

/** The same bundle served from a cache: no time spent, metafile shared. */
function retimed(b: FunctionBundle, cacheKind: FunctionBundle["cache"]): FunctionBundle {
  const { id, dir, zipPath, sha256Hex, sha256Base64, zipSize, bundleSize } = b;
  return describeBundle(
    { id, dir, zipPath, sha256Hex, sha256Base64, zipSize, bundleSize, bundleMs: 0, zipMs: 0, cache: cacheKind },
    () => b.metafile,
  );
}

/** Where one entry's bundle goes (internal to this module and prebundle.ts). */
export interface Target {
  readonly projectRoot: string;
  readonly relEntry: string;
  readonly id: string;
  readonly dir: string;
  readonly cacheKey: string;
}

export function targetOf(props: BundleProps): Target {
  const projectRoot = path.resolve(props.projectRoot);
  const relEntry = relativeEntry(projectRoot, props.entry);
  const id = bundleId(relEntry, props);
  const fromEnv = process.env.NODEJS_FUNCTION_BUILD_DIR === "" ? undefined : process.env.NODEJS_FUNCTION_BUILD_DIR;
  const buildRoot = path.resolve(projectRoot, props.buildRoot ?? fromEnv ?? path.join(".build", "functions"));
  const dir = path.join(buildRoot, id);
  return { projectRoot, relEntry, id, dir, cacheKey: `${buildRoot}\0${id}` };
}

/** The bundle from this process's cache or from stamps on disk, when no input changed. */
export function cachedBundle(t: Target): FunctionBundle | undefined {
  const cached = cache.get(t.cacheKey);
  if (cached && existsSync(cached.bundle.zipPath) && stampsStillValid(t.projectRoot, cached.stamps)) {
    return retimed(cached.bundle, "memory");
  }
  const record = readDiskRecord(t.projectRoot, t.dir);
  if (!record) return undefined;
  const zipPath = path.join(t.dir, record.zip);
  const bundle = describeBundle(
    {
      id: t.id,
      dir: t.dir,
      zipPath,
      ...hashes(readFileSync(zipPath)),
      bundleSize: record.bundleSize,
      bundleMs: 0,
      zipMs: 0,
      cache: "disk",
    },
  );
  cache.set(t.cacheKey, { bundle, stamps: record.stamps });
  return bundle;
}

export function requireEntry(t: Target, entry: string): void {
  if (!existsSync(path.resolve(t.projectRoot, t.relEntry))) {
    throw new Error(`Cannot bundle "${entry}": no such file under ${path.basename(t.projectRoot)}/.`);
  }
}

export function optionsFor(t: Target, props: BundleProps): BuildOptions {
  return esbuildOptions({
    entry: t.relEntry,
    outfile: path.relative(t.projectRoot, path.join(t.dir, "index.mjs")).split(path.sep).join("/"),
    absWorkingDir: t.projectRoot,
    runtime: props.runtime,
    sourceMap: props.sourceMap,
    minify: props.minify,
    external: props.external,
  });
}

export interface Built {
  readonly t: Target;
  readonly files: readonly OutputFile[];
  readonly metafile: Metafile;
  readonly bundleMs: number;
}

/**
 * Writes each bundle's files, zips those without an identical zip on disk (all in one worker
 * call, so concurrently), records the stamps.
 */
export function storeBundles(built: readonly Built[]): FunctionBundle[] {
  const staged = built.map(({ t, files, metafile }) => {
    const stamps = stampInputs(t.projectRoot, metafile);
    mkdirSync(t.dir, { recursive: true });
    const entries: ZipEntry[] = files.map((f) => ({ name: path.basename(f.path), data: f.contents }));
    for (const e of entries) writeFileAtomic(path.join(t.dir, e.name), e.data);
    const digest = entriesDigest(entries).slice(0, 16);
    const zipPath = path.join(t.dir, digest, "function.zip");
    const existing: Uint8Array | undefined = existsSync(zipPath) ? readFileSync(zipPath) : undefined;
    return { stamps, entries, digest, zipPath, existing };
  });
  const toZip = staged.filter((s) => s.existing === undefined);
  const zipStarted = process.hrtime.bigint();
  const zipped = zipManySync(toZip.map((s) => s.entries));
  const zipMs = toZip.length === 0 ? 0 : Number(process.hrtime.bigint() - zipStarted) / 1e6 / toZip.length;
  return built.map(({ t, metafile, bundleMs }, i) => {
    const { stamps, entries, digest, zipPath, existing } = staged[i]!;
    const zipBytes = existing ?? zipped[toZip.indexOf(staged[i]!)]!;
    if (!existing) {
      mkdirSync(path.dirname(zipPath), { recursive: true });
      writeFileAtomic(zipPath, zipBytes);
    }
    writeFileAtomic(path.join(t.dir, digest, "metafile.json"), JSON.stringify(metafile));
    const bundleSize = entries.find((e) => e.name === "index.mjs")?.data.byteLength ?? 0;
    const record: DiskRecord = { format: 1, zip: `${digest}/function.zip`, bundleSize, stamps };
    writeFileAtomic(path.join(t.dir, "stamps.json"), JSON.stringify(record));
    const bundle = describeBundle(
      { id: t.id, dir: t.dir, zipPath, ...hashes(zipBytes), bundleSize, bundleMs, zipMs: existing ? 0 : zipMs, cache: "none" },
      () => metafile,
    );
    cache.set(t.cacheKey, { bundle, stamps });
    return bundle;
  });
}

export function runEsbuild(options: BuildOptions, what: string): { result: BuildResult & { metafile: Metafile; outputFiles: OutputFile[] }; ms: number } {
  zipWorker(); // starts loading in its thread while esbuild runs
  const started = process.hrtime.bigint();
  try {
    const result = buildSync({ ...options, write: false, metafile: true });
    return { result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (err) {
    throw new Error(`Bundling ${what} with esbuild failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Bundles one handler with esbuild (synchronously) and zips it deterministically.
 *
 * esbuild runs only when needed: within one process a bundle is built once per entry and
 * options (the dev and prod stacks share it), and across processes `stamps.json` records
 * the mtime and size of every input, so an unchanged handler is not bundled again. When an
 * input's stamp changed, esbuild runs again; the zip is content-addressed on disk
 * (`<bundle dir>/<digest of the bundle files>/function.zip`), so identical bundle bytes are
 * never zipped twice.
 */
export function bundleFunction(props: BundleProps): FunctionBundle {
  const t = targetOf(props);
  const cached = cachedBundle(t);
  if (cached) return cached;
  requireEntry(t, props.entry);
  const { result, ms } = runEsbuild(optionsFor(t, props), `"${t.relEntry}"`);
  return storeBundles([{ t, files: result.outputFiles, metafile: result.metafile, bundleMs: ms }])[0]!;
}
