/**
 * `npm run build` (and `prepack`): the package's JavaScript and type declarations in dist/.
 *
 * JavaScript: esbuild, one ESM bundle per entry of entries.ts, code shared between entries
 * split into chunks, every npm package left external (they are the package's dependencies
 * and peers). esbuild rather than tsc's emit, because the sources use extensionless relative
 * imports (moduleResolution "Bundler"), which Node's ESM loader cannot resolve; esbuild is
 * already the project's bundler. `@cdktf/provider-aws/lib/<resource>` imports are rewritten
 * to `.../index.js`: the provider package has no `exports` map, and Node's ESM loader does not
 * resolve directory imports.
 *
 * Declarations: tsc with tsconfig.build.json into dist/types, relative specifiers then given
 * the extensions Node's resolution needs (declarations.ts).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build, type Plugin } from "esbuild";
import { rewriteDeclarations } from "./declarations";
import { DIST, ENTRIES, RUNTIME_FILES } from "./entries";

const root = process.cwd();

/** Node's ESM loader needs a file, not a directory, for the provider's per-resource modules. */
const providerSubmodules: Plugin = {
  name: "provider-aws-submodules",
  setup(b) {
    b.onResolve({ filter: /^@cdktf\/provider-aws\/lib\/[^/]+$/ }, (args) => ({ path: `${args.path}/index.js`, external: true }));
  },
};

export async function buildPackage(outdir = join(root, DIST)): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e.name, e.source])),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    plugins: [providerSubmodules],
    chunkNames: "chunk-[hash]",
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  });
  for (const file of RUNTIME_FILES) copyFileSync(join(root, file), join(outdir, basename(file)));
  // The command-line tools run as `#!/usr/bin/env node` scripts.
  for (const entry of ENTRIES.filter((e) => e.bin)) {
    const file = join(outdir, `${entry.name}.js`);
    writeFileSync(file, `#!/usr/bin/env node\n${readFileSync(file, "utf8").replace(/^#!.*\n/, "")}`);
    chmodSync(file, 0o755);
  }
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  rewriteDeclarations(join(outdir, "types"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  await buildPackage();
  console.log(`built ${DIST}/ in ${(performance.now() - started).toFixed(0)} ms`);
}
