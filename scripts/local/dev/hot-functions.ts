/**
 * The instant dev loop's function side: an edit under `functions/` rebuilds only the
 * bundles that read the edited file, with esbuild's incremental `context().rebuild()`,
 * and swaps the workers of the functions that run them. No synth: the Terraform is
 * unchanged by a handler edit (locally; on AWS the zip hash changes, which the next
 * synth renders).
 *
 * The esbuild options mirror the ones the bundles were made with (an ESM bundle for the
 * runtime's Node version, minified, the AWS SDK bundled, a `createRequire` banner), so
 * the code served behaves as the synthesized zip will.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BuildContext, BuildOptions } from "esbuild";
import type { FunctionModel } from "../model/types";
import type { FunctionPool } from "../workers";
import { buildRoot, bundleSources } from "./bundle-sources";

export interface HotReport {
  /** Functions now running new code. */
  readonly functions: string[];
  /** Entries rebuilt. */
  readonly entries: string[];
  readonly ms: number;
}

interface HotBundle {
  readonly entry: string;
  readonly runtime: string;
  inputs: ReadonlySet<string>;
  readonly functions: Set<string>;
  context?: Promise<BuildContext>;
  /** The build in flight: a rebuild starts after it, so it reads the files as they are now. */
  building?: Promise<unknown>;
  generation: number;
}

const BANNER = 'import { createRequire as __localCreateRequire } from "node:module";\nconst require = __localCreateRequire(import.meta.url);';

function target(runtime: string): string {
  return `node${/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? "22"}`;
}

const posix = (p: string) => p.split(path.sep).join("/");

export class HotFunctions {
  private readonly bundles: HotBundle[] = [];

  /** Functions whose zip matches no bundle on disk: an edit cannot reach them without a synth. */
  readonly unmatched: string[] = [];

  constructor(
    functions: readonly FunctionModel[],
    private readonly projectRoot: string,
    private readonly outDir: string,
  ) {
    const sources = bundleSources(
      functions.map((f) => f.zipPath),
      buildRoot(projectRoot),
    );
    for (const fn of functions) {
      const source = sources.get(fn.zipPath);
      if (!source) {
        this.unmatched.push(fn.functionName);
        continue;
      }
      let bundle = this.bundles.find((b) => b.entry === source.entry && b.runtime === fn.runtime);
      if (!bundle) {
        bundle = { entry: source.entry, runtime: fn.runtime, inputs: source.inputs, functions: new Set(), generation: 0 };
        this.bundles.push(bundle);
      }
      bundle.functions.add(fn.functionName);
    }
  }

  /** Project-relative posix path of a changed file. */
  relative(file: string): string {
    return posix(path.relative(this.projectRoot, path.resolve(this.projectRoot, file)));
  }

  /** The bundles that read any of the files. */
  affected(files: readonly string[]): string[] {
    const rel = files.map((f) => this.relative(f));
    return this.bundles.filter((b) => rel.some((f) => b.inputs.has(f))).map((b) => b.entry);
  }

  private options(b: HotBundle): BuildOptions {
    return {
      absWorkingDir: this.projectRoot,
      entryPoints: [b.entry],
      outfile: "index.mjs",
      bundle: true,
      platform: "node",
      format: "esm",
      target: target(b.runtime),
      mainFields: ["module", "main"],
      minify: true,
      treeShaking: true,
      sourcemap: false,
      metafile: true,
      legalComments: "none",
      charset: "utf8",
      banner: { js: BANNER },
      write: false,
      logLevel: "silent",
    };
  }

  private context(b: HotBundle): Promise<BuildContext> {
    b.context ??= import("esbuild").then((esbuild) => esbuild.context(this.options(b)));
    return b.context;
  }

  /**
   * One build of the bundle, after any build in flight: esbuild answers a `rebuild()` made
   * during another with that one's result, which may predate the edit.
   */
  private build(b: HotBundle): Promise<Awaited<ReturnType<BuildContext["rebuild"]>>> {
    const next = (b.building ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => (await this.context(b)).rebuild());
    b.building = next;
    return next;
  }

  /** Creates every bundle's esbuild context and builds once, so the first edit is incremental too. */
  async warm(): Promise<void> {
    await Promise.all(this.bundles.map((b) => this.build(b).catch(() => undefined)));
  }

  /**
   * Rebuilds the bundles that read the changed files and swaps their functions' code in
   * the pool; undefined when no bundle reads them. A build error leaves the old code serving.
   */
  async rebuild(files: readonly string[], pool: FunctionPool): Promise<HotReport | undefined> {
    const started = performance.now();
    const rel = new Set(files.map((f) => this.relative(f)));
    const stale = this.bundles.filter((b) => [...rel].some((f) => b.inputs.has(f)));
    if (stale.length === 0) return undefined;
    const swapped: string[] = [];
    await Promise.all(
      stale.map(async (b) => {
        const result = await this.build(b);
        b.inputs = new Set(Object.keys(result.metafile?.inputs ?? {}).filter((f) => !f.includes(":")));
        b.generation += 1;
        const dir = path.join(this.outDir, `${b.entry.replace(/[^A-Za-z0-9._-]+/g, "_")}@${b.generation}`);
        mkdirSync(dir, { recursive: true });
        for (const file of result.outputFiles ?? []) writeFileSync(path.join(dir, path.basename(file.path)), file.contents);
        for (const name of b.functions) {
          const old = pool.replaceCode(name, dir);
          if (old !== undefined && old.startsWith(this.outDir)) setTimeout(() => rmSync(old, { recursive: true, force: true }), 60_000).unref();
          swapped.push(name);
        }
      }),
    );
    return { functions: swapped.sort(), entries: stale.map((b) => b.entry), ms: performance.now() - started };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.bundles.map(async (b) => (b.context ? (await b.context).dispose() : undefined)));
  }
}
