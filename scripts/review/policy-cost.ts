// `tsx scripts/review/policy-cost.ts [runs]`: what applyPolicy adds to synth. Builds the whole
// app (every stack of every environment) and times `app.synth()` with and without the policy
// validation, median of N runs each (default 5). Prints figures; asserts nothing.
import { App } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvironments } from "../../modules/config/environments";
import { applyPolicyToAll, evaluate, type StackJson } from "../../modules/policy";
import { defineApp } from "../../modules/services";

process.env.CHECKPOINT_DISABLE = "1";
process.env.POLICY_FAIL_ON = "none";
const runs = Number(process.argv[2] ?? 5);

function once(withPolicy: boolean): { synthMs: number; stacks: number } {
  const outdir = mkdtempSync(join(tmpdir(), "policy-cost-"));
  try {
    const app = new App({ outdir });
    defineApp(app, loadEnvironments());
    if (withPolicy) applyPolicyToAll(app);
    const t = process.hrtime.bigint();
    app.synth();
    const synthMs = Number(process.hrtime.bigint() - t) / 1e6;
    return { synthMs, stacks: app.node.children.length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
once(false); // warm-up: module loading, bundling caches
const without: number[] = [];
const withP: number[] = [];
let stacks = 0;
for (let i = 0; i < runs; i++) {
  without.push(once(false).synthMs);
  const r = once(true);
  withP.push(r.synthMs);
  stacks = r.stacks;
}
// The rules alone, on already-resolved JSON:
const app = new App({ outdir: mkdtempSync(join(tmpdir(), "policy-cost-")) });
defineApp(app, loadEnvironments());
const jsons = app.node.children.map((s) => (s as unknown as { toTerraform(): StackJson }).toTerraform());
const t = process.hrtime.bigint();
for (const j of jsons) evaluate(j);
const evalMs = Number(process.hrtime.bigint() - t) / 1e6;
rmSync(app.outdir, { recursive: true, force: true });

console.log(`stacks: ${stacks}, runs: ${runs}`);
console.log(`app.synth() without policy: median ${median(without).toFixed(0)} ms`);
console.log(`app.synth() with policy:    median ${median(withP).toFixed(0)} ms (+${(median(withP) - median(without)).toFixed(0)} ms)`);
console.log(`rules alone on resolved JSON, all stacks: ${evalMs.toFixed(1)} ms`);
