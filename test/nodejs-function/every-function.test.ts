import { rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Testing } from "cdktf";
import { clearBundleCache, findProjectRoot } from "../../modules/nodejs-function/bundle";
import { prebundle } from "../../modules/nodejs-function/prebundle";
import { NodejsFunction } from "../../modules/nodejs-function";
import { discoverHandlers, functionSources, readTree, scratchDir, treeDiff } from "../../scripts/bench/support";
import { serviceStack } from "./support";

const root = findProjectRoot();

/**
 * Synthesizes one stack holding every handler, with bundles built under `buildDir` in one
 * esbuild run (`prebundle`, byte-identical to one-by-one builds; see bundle.test.ts).
 */
function synthEveryFunction(entries: readonly string[], buildDir: string): { tree: Map<string, Buffer>; built: number } {
  const previous = process.env.NODEJS_FUNCTION_BUILD_DIR;
  process.env.NODEJS_FUNCTION_BUILD_DIR = path.relative(root, buildDir);
  try {
    const built = prebundle(entries, { projectRoot: root }).filter((b) => b.cache === "none").length;
    const stack = serviceStack("every-dev");
    const fns = entries.map(
      (entry, i) => new NodejsFunction(stack, `Fn${i}`, { entry, aliases: { dev: "$LATEST", prod: "latest" } }),
    );
    const outdir = Testing.fullSynth(stack);
    const tree = readTree(path.join(outdir, "stacks", "every-dev"));
    rmSync(outdir, { recursive: true, force: true });
    expect(fns.every((f) => f.bundle.cache === "memory"), "the functions used the prebundled zips").to.equal(true);
    return { tree, built };
  } finally {
    if (previous === undefined) delete process.env.NODEJS_FUNCTION_BUILD_DIR;
    else process.env.NODEJS_FUNCTION_BUILD_DIR = previous;
  }
}

describe("nodejs-function: every handler in functions/ is byte-stable", () => {
  it("builds every function twice, with the sources' mtimes changed between, into identical zips and cdk.tf.json", () => {
    const { entries } = discoverHandlers(root);
    expect(entries.length).to.be.greaterThan(0);
    const sources = [...new Set([...functionSources(root), ...entries.map((e) => path.join(root, e))])];
    const stamps = sources.map((f) => statSync(f));
    const dirs = [scratchDir(root, "test-every"), scratchDir(root, "test-every")];
    try {
      clearBundleCache();
      const first = synthEveryFunction(entries, dirs[0]!);
      const later = new Date(Date.now() + 86_400_000);
      for (const f of sources) utimesSync(f, later, later);
      clearBundleCache();
      const second = synthEveryFunction(entries, dirs[1]!);

      expect(first.built, "first synth bundled every handler").to.equal(entries.length);
      expect(second.built, "second synth bundled every handler again").to.equal(entries.length);
      const zips = [...first.tree.keys()].filter((k) => k.endsWith(".zip"));
      expect(zips).to.have.length(entries.length);
      expect(treeDiff(first.tree, second.tree)).to.deep.equal([]);
      expect(first.tree.get("cdk.tf.json")!.toString()).to.not.include(root);
    } finally {
      sources.forEach((f, i) => utimesSync(f, stamps[i]!.atime, stamps[i]!.mtime));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
