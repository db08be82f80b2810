/**
 * Many handlers bundled in ONE esbuild run (the AWS SDK is parsed once, and esbuild uses every
 * core), then zipped and recorded exactly as `bundleFunction` would: the bytes are identical,
 * and later `bundleFunction` calls for these entries are served from the cache. `prebundle` runs
 * esbuild synchronously; `prebundleAsync` lets the caller go on while esbuild works in its own
 * process (the app loads cdktf and its stacks meanwhile).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { build, type BuildOptions, type BuildResult, type Metafile, type OutputFile } from "esbuild";
import {
  cachedBundle,
  findProjectRoot,
  optionsFor,
  requireEntry,
  runEsbuild,
  storeBundles,
  targetOf,
  type BundleProps,
  type FunctionBundle,
  type Target,
} from "./bundle";
import { zipWorker } from "./zip";

/**
 * The part of a multi-entry metafile that one entry's own build would have produced:
 * the inputs reachable from the entry, and the entry's outputs.
 */
export function metafileForEntry(metafile: Metafile, relEntry: string, outputPaths: readonly string[]): Metafile {
  const reachable = new Set<string>();
  const queue = [relEntry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const input = metafile.inputs[file];
    if (reachable.has(file) || !input) continue;
    reachable.add(file);
    for (const imp of input.imports) if (!imp.external) queue.push(imp.path);
  }
  return {
    inputs: Object.fromEntries(Object.entries(metafile.inputs).filter(([file]) => reachable.has(file))),
    outputs: Object.fromEntries(outputPaths.map((p) => [p, metafile.outputs[p]!])),
  };
}

type Props = Omit<BundleProps, "entry">;
type EsbuildResult = BuildResult & { metafile: Metafile; outputFiles: OutputFile[] };

/** What a batch needs: the entries' targets, those already up to date, and those to build. */
interface Plan {
  readonly targets: readonly { entry: string; t: Target }[];
  readonly results: Map<string, FunctionBundle>;
  readonly stale: readonly { entry: string; t: Target }[];
}

function plan(entries: readonly string[], props: Props): Plan {
  const targets = entries.map((entry) => ({ entry, t: targetOf({ ...props, entry }) }));
  const results = new Map<string, FunctionBundle>();
  const stale: { entry: string; t: Target }[] = [];
  for (const { entry, t } of targets) {
    if (results.has(t.cacheKey) || stale.some((s) => s.t.cacheKey === t.cacheKey)) continue;
    const cached = cachedBundle(t);
    if (cached) results.set(t.cacheKey, cached);
    else {
      requireEntry(t, entry);
      stale.push({ entry, t });
    }
  }
  return { targets, results, stale };
}

/** Same options as a single build; only the entry/output pairs differ. */
function batchOptions(stale: Plan["stale"], props: Props): BuildOptions {
  const projectRoot = stale[0]!.t.projectRoot;
  const buildRoot = path.dirname(stale[0]!.t.dir);
  const { entryPoints: _entry, outfile: _outfile, ...shared } = optionsFor(stale[0]!.t, { ...props, entry: stale[0]!.entry });
  return {
    ...shared,
    entryPoints: stale.map(({ t }) => ({ in: t.relEntry, out: `${t.id}/index` })),
    outdir: path.relative(projectRoot, buildRoot).split(path.sep).join("/"),
    outExtension: { ".js": ".mjs" },
  };
}

/** Splits the batch's output per entry, zips and records each; returns every entry's bundle in order. */
function finish({ targets, results, stale }: Plan, batch?: { result: EsbuildResult; ms: number }): FunctionBundle[] {
  if (batch) {
    const { result, ms } = batch;
    const projectRoot = stale[0]!.t.projectRoot;
    const built = stale.map(({ t }) => {
      const files = result.outputFiles.filter((f) => path.dirname(f.path) === t.dir);
      const outputPaths = files.map((f) => path.relative(projectRoot, f.path).split(path.sep).join("/"));
      return { t, files, metafile: metafileForEntry(result.metafile, t.relEntry, outputPaths), bundleMs: ms / stale.length };
    });
    storeBundles(built).forEach((bundle, i) => results.set(built[i]!.t.cacheKey, bundle));
  }
  return targets.map(({ t }) => results.get(t.cacheKey)!);
}

/**
 * Bundles many handlers that share options in one synchronous esbuild run. Call it before
 * constructing the functions (e.g. with `findHandlerEntries()`) to make a cold synth faster.
 * Entries already up to date are skipped.
 */
export function prebundle(entries: readonly string[], props: Props): FunctionBundle[] {
  const p = plan(entries, props);
  if (p.stale.length === 0) return finish(p);
  return finish(p, runEsbuild(batchOptions(p.stale, props), `${p.stale.length} handler(s)`));
}

/**
 * `prebundle` with esbuild's asynchronous API: the up-to-date check and the zips run on this
 * thread, esbuild in its own process while the caller's other work goes on. Same bytes and
 * records as `prebundle`.
 */
export async function prebundleAsync(entries: readonly string[], props: Props): Promise<FunctionBundle[]> {
  const p = plan(entries, props);
  if (p.stale.length === 0) return finish(p);
  zipWorker(); // starts loading in its thread while esbuild runs
  const started = process.hrtime.bigint();
  let result: EsbuildResult;
  try {
    result = (await build({ ...batchOptions(p.stale, props), write: false, metafile: true })) as EsbuildResult;
  } catch (err) {
    throw new Error(`Bundling ${p.stale.length} handler(s) with esbuild failed: ${(err as Error).message}`, { cause: err });
  }
  return finish(p, { result, ms: Number(process.hrtime.bigint() - started) / 1e6 });
}

/**
 * Handler entries laid out one folder per function: `<dir>/<name>/index.ts`,
 * `<dir>/<name>/handler.ts` and `<dir>/<name>/*.handler.ts`, skipping `<dir>/lib`.
 * Paths are relative to the project root, sorted.
 */
export function findHandlerEntries(projectRoot: string = findProjectRoot(), dir = "functions"): string[] {
  const base = path.join(projectRoot, dir);
  if (!existsSync(base)) return [];
  const entries: string[] = [];
  for (const name of readdirSync(base).sort()) {
    const folder = path.join(base, name);
    if (name === "lib" || !statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).sort()) {
      if (file === "index.ts" || file === "handler.ts" || file.endsWith(".handler.ts")) {
        entries.push(`${dir}/${name}/${file}`);
      }
    }
  }
  return entries;
}
