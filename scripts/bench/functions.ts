// Bench section "functions": per handler, the production bundle (ESM, minified, AWS SDK
// bundled and tree-shaken) against the same handler built with `@aws-sdk/*` external and
// unminified: bundle time, zip size, and cold import time in a fresh Node process
// (median of RUNS, measured with process.hrtime around `await import()` inside the child).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { bundleFunction, findProjectRoot, type FunctionBundle } from "../../modules/nodejs-function/bundle";
import { prebundle } from "../../modules/nodejs-function/prebundle";
import { discoverHandlers, kb, median, msSince, printTable, scratchDir } from "./support";

const RUNS = 7;
const GOAL_RATIO = 0.7;

const IMPORT_SCRIPT =
  "const t0 = process.hrtime.bigint();" +
  "await import(process.env.BENCH_IMPORT_URL);" +
  "process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));";

/** Milliseconds to import the bundle in a fresh Node process. */
function coldImportMs(root: string, file: string): number {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", IMPORT_SCRIPT], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      BENCH_IMPORT_URL: pathToFileURL(file).href,
      AWS_REGION: "us-east-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  });
  return Number(out.toString());
}

/** Share of the bundle's bytes that come from the AWS SDK (@aws-sdk, @smithy, @aws-crypto). */
function sdkShare(metafile: Metafile): number {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined) ?? Object.values(metafile.outputs)[0];
  if (!output) return 0;
  let sdk = 0;
  let total = 0;
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    total += bytesInOutput;
    if (/node_modules\/@(aws-sdk|smithy|aws-crypto)\//.test(file)) sdk += bytesInOutput;
  }
  return total === 0 ? 0 : sdk / total;
}

export async function run(): Promise<void> {
  const root = findProjectRoot();
  const { entries, fromFixtures } = discoverHandlers(root);
  if (fromFixtures) console.log("functions/ has no handler yet: measuring the test fixtures instead.");
  const buildRoot = scratchDir(root, "bench-functions");
  const rows: string[][] = [];
  const ratios: number[] = [];
  let totalBundleMs = 0;
  let totalZipMs = 0;
  try {
    for (const entry of entries) {
      const ours: FunctionBundle = bundleFunction({ entry, projectRoot: root, buildRoot });
      const plain: FunctionBundle = bundleFunction({
        entry,
        projectRoot: root,
        buildRoot,
        minify: false,
        external: ["@aws-sdk/*"],
      });
      const oursFile = path.join(ours.dir, "index.mjs");
      const plainFile = path.join(plain.dir, "index.mjs");
      // One discarded run each warms the file cache; then alternate so drift hits both alike.
      coldImportMs(root, oursFile);
      coldImportMs(root, plainFile);
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        a.push(coldImportMs(root, oursFile));
        b.push(coldImportMs(root, plainFile));
      }
      totalBundleMs += ours.bundleMs;
      totalZipMs += ours.zipMs;
      const ratio = median(a) / median(b);
      ratios.push(ratio);
      rows.push([
        entry,
        `${ours.bundleMs.toFixed(0)} ms`,
        `${ours.zipMs.toFixed(0)} ms`,
        kb(ours.bundleSize),
        kb(ours.zipSize),
        `${(sdkShare(ours.metafile) * 100).toFixed(0)}%`,
        `${median(a).toFixed(1)} ms`,
        kb(plain.bundleSize),
        `${median(b).toFixed(1)} ms`,
        `${ratio.toFixed(2)} ${ratio <= GOAL_RATIO ? "ok" : "MISSED"}`,
      ]);
    }
  } finally {
    rmSync(buildRoot, { recursive: true, force: true });
  }
  printTable(
    [
      "handler",
      "bundle",
      "zip",
      "bundle size",
      "zip size",
      "SDK share",
      `import (median of ${RUNS})`,
      "ext+unmin size",
      "ext+unmin import",
      `ratio (goal <= ${GOAL_RATIO})`,
    ],
    rows,
  );
  console.log(
    "bundle/zip: esbuild and zip time of the production build; the first zip of a process includes starting the zip worker.",
  );
  console.log(
    `construct-time packaging of all ${entries.length} handler(s), cold, one process: ` +
      `${totalBundleMs.toFixed(0)} ms esbuild + ${totalZipMs.toFixed(0)} ms zip`,
  );
  const batchRoot = scratchDir(root, "bench-prebundle");
  try {
    const started = process.hrtime.bigint();
    prebundle(entries, { projectRoot: root, buildRoot: batchRoot });
    const batchMs = msSince(started);
    const single = totalBundleMs + totalZipMs;
    console.log(
      `prebundle() of the same ${entries.length} handler(s) in one esbuild run, cold: ${batchMs.toFixed(0)} ms ` +
        `(${(batchMs / single).toFixed(2)}x the one-by-one ${single.toFixed(0)} ms)`,
    );
  } finally {
    rmSync(batchRoot, { recursive: true, force: true });
  }
  if (ratios.length > 0) console.log(`worst import ratio: ${Math.max(...ratios).toFixed(2)}`);
}
