// `npm run synth`: synthesize every stack into cdktf.out/ without the cdktf CLI,
// no credentials and no network (CHECKPOINT_DISABLE keeps cdktf from calling home).
import { execFileSync } from "node:child_process";

process.env.CHECKPOINT_DISABLE = "1";
const started = process.hrtime.bigint();
execFileSync(process.execPath, ["--import", "tsx", "main.ts"], {
  stdio: "inherit",
  env: { ...process.env, CDKTF_OUTDIR: process.env.CDKTF_OUTDIR ?? "cdktf.out" },
});
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`synthesized into ${process.env.CDKTF_OUTDIR ?? "cdktf.out"} in ${ms.toFixed(0)} ms`);
