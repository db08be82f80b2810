// Bench section "synth": whole-app synth wall time (a fresh run of cdktf.json's app through a
// shell, exactly as `cdktf synth`, `npm run synth` and `npm start` run it), cold (no function
// bundles and no site build on disk; the app's own bundle is kept) and warm (median of RUNS each), and
// whether synths of unchanged sources, including after every function source's mtime
// changed, are byte-identical (cdk.tf.json, manifest and every zip).
import { execSync } from "node:child_process";
import { rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../../modules/nodejs-function/bundle";
import { appCommand } from "../app-command.mjs";
import { functionSources, median, msSince, printTable, readTree, scratchDir, treeDiff } from "./support";

/** Issue 12's goals: cold under 2 s, warm under 1 s. */
const COLD_GOAL_MS = 2000;
const WARM_GOAL_MS = 1000;
const RUNS = 3;

/** Where a run keeps what it builds: function bundles, and the site build (web/site-cache.ts). */
interface BuildDirs {
  readonly functions: string;
  readonly site: string;
}

function synthInto(root: string, outdir: string, build: BuildDirs): number {
  const command = appCommand(root);
  if (command === undefined) throw new Error("cdktf.json names no app");
  const started = process.hrtime.bigint();
  execSync(command, {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: outdir,
      NODEJS_FUNCTION_BUILD_DIR: path.relative(root, build.functions),
      SITE_BUILD_DIR: path.relative(root, build.site),
    },
  });
  return msSince(started);
}

export async function run(): Promise<void> {
  const root = findProjectRoot();
  const sources = functionSources(root);
  const stamps = sources.map((f) => statSync(f));
  const scratch: string[] = [];
  const dir = (prefix: string) => {
    const d = scratchDir(root, prefix);
    scratch.push(d);
    return d;
  };
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    const outputs: string[] = [];
    const freshBuild = (): BuildDirs => ({ functions: dir("bench-build"), site: dir("bench-site") });
    for (let i = 0; i < RUNS; i++) {
      const build = freshBuild();
      const coldOut = dir("bench-out");
      const warmOut = dir("bench-out");
      cold.push(synthInto(root, coldOut, build));
      warm.push(synthInto(root, warmOut, build));
      outputs.push(coldOut, warmOut);
    }
    const later = new Date(Date.now() + 3_600_000);
    for (const f of sources) utimesSync(f, later, later);
    const touchedOut = dir("bench-out");
    const touched = synthInto(root, touchedOut, freshBuild());

    const reference = readTree(outputs[0]!);
    const unchangedDiffs = outputs.slice(1).flatMap((o) => treeDiff(reference, readTree(o)));
    const touchedDiffs = treeDiff(reference, readTree(touchedOut));
    const stacks = [...reference.keys()].filter((k) => k.endsWith("/cdk.tf.json")).length;
    const zips = [...reference.keys()].filter((k) => k.endsWith(".zip")).length;
    const coldMs = median(cold);
    const warmMs = median(warm);
    printTable(
      ["run", `wall time (median of ${RUNS})`, "all runs", "goal"],
      [
        [
          "synth, cold (no function bundles or site build on disk)",
          `${coldMs.toFixed(0)} ms`,
          cold.map((v) => v.toFixed(0)).join(", "),
          `< ${COLD_GOAL_MS} ms ${coldMs < COLD_GOAL_MS ? "ok" : "MISSED"}`,
        ],
        [
          "synth, warm (function bundles and site build on disk)",
          `${warmMs.toFixed(0)} ms`,
          warm.map((v) => v.toFixed(0)).join(", "),
          `< ${WARM_GOAL_MS} ms ${warmMs < WARM_GOAL_MS ? "ok" : "MISSED"}`,
        ],
        [`synth, cold, after touching ${sources.length} function sources`, `${touched.toFixed(0)} ms`, "", ""],
      ],
    );
    console.log(`output: ${stacks} stack(s), ${zips} function zip(s), ${reference.size} files`);
    console.log(
      `${outputs.length} synths of unchanged sources identical: ` +
        (unchangedDiffs.length === 0 ? "yes" : `NO (${[...new Set(unchangedDiffs)].join(", ")})`),
    );
    console.log(
      `synth after only mtimes changed identical: ${touchedDiffs.length === 0 ? "yes" : `NO (${touchedDiffs.join(", ")})`}`,
    );
  } finally {
    sources.forEach((f, i) => utimesSync(f, stamps[i]!.atime, stamps[i]!.mtime));
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  }
}
