// Bench section "synth": whole-app synth wall time (a fresh `node --import tsx main.ts`, as
// `npm run synth` runs it), cold (no bundles on disk) and warm, and whether synths of
// unchanged sources, including after every function source's mtime changed, are identical.
import { execFileSync } from "node:child_process";
import { rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../../modules/nodejs-function/bundle";
import { functionSources, msSince, printTable, readTree, scratchDir, treeDiff } from "./support";

const GOAL_MS = 5000;

function synthInto(root: string, outdir: string, buildDir: string): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: outdir,
      NODEJS_FUNCTION_BUILD_DIR: path.relative(root, buildDir),
    },
  });
  return msSince(started);
}

export async function run(): Promise<void> {
  const root = findProjectRoot();
  const buildDir = scratchDir(root, "bench-build");
  const outs = [scratchDir(root, "bench-out"), scratchDir(root, "bench-out"), scratchDir(root, "bench-out")];
  const sources = functionSources(root);
  const stamps = sources.map((f) => statSync(f));
  try {
    const cold = synthInto(root, outs[0]!, buildDir);
    const warm = synthInto(root, outs[1]!, buildDir);
    const later = new Date(Date.now() + 3_600_000);
    for (const f of sources) utimesSync(f, later, later);
    rmSync(buildDir, { recursive: true, force: true });
    const touched = synthInto(root, outs[2]!, buildDir);

    const trees = outs.map(readTree);
    const stacks = [...trees[0]!.keys()].filter((k) => k.endsWith("/cdk.tf.json")).length;
    const zips = [...trees[0]!.keys()].filter((k) => k.endsWith(".zip")).length;
    printTable(
      ["run", "wall time", "goal"],
      [
        ["synth, cold (no bundles on disk)", `${cold.toFixed(0)} ms`, `< ${GOAL_MS} ms ${cold < GOAL_MS ? "ok" : "MISSED"}`],
        ["synth, warm (zips on disk)", `${warm.toFixed(0)} ms`, ""],
        [`synth, cold after touching ${sources.length} function sources`, `${touched.toFixed(0)} ms`, ""],
      ],
    );
    console.log(`output: ${stacks} stack(s), ${zips} function zip(s), ${trees[0]!.size} files`);
    const diffWarm = treeDiff(trees[0]!, trees[1]!);
    const diffTouched = treeDiff(trees[0]!, trees[2]!);
    console.log(`two synths of unchanged sources identical: ${diffWarm.length === 0 ? "yes" : `NO (${diffWarm.join(", ")})`}`);
    console.log(
      `synth after only mtimes changed identical: ${diffTouched.length === 0 ? "yes" : `NO (${diffTouched.join(", ")})`}`,
    );
  } finally {
    sources.forEach((f, i) => utimesSync(f, stamps[i]!.atime, stamps[i]!.mtime));
    for (const d of [buildDir, ...outs]) rmSync(d, { recursive: true, force: true });
  }
}
