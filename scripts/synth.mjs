// `npm run synth`: synthesize every stack into cdktf.out/ without the cdktf CLI, no
// credentials and no network (CHECKPOINT_DISABLE keeps cdktf from calling home), by running
// cdktf.json's app as `cdktf synth` does. Plain JavaScript: nothing to load before the app starts.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { appCommand } from "./app-command.mjs";

const root = path.resolve(import.meta.dirname, "..");
const command = appCommand(root);
if (command === undefined) throw new Error("cdktf.json names no app to synthesize");
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const started = process.hrtime.bigint();
const result = spawnSync(command, { cwd: root, shell: true, stdio: "inherit", env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir } });
if (result.error) throw result.error;
if (result.status !== 0) process.exit(result.status ?? 1);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`synthesized into ${outdir} in ${ms.toFixed(0)} ms`);
