// `npm run synth`: synthesize every stack into cdktf.out/ without the cdktf CLI,
// no credentials and no network (CHECKPOINT_DISABLE keeps cdktf from calling home).
// Runs the app (modules/services/app.ts) in this process, as main.ts would in a child (one TypeScript loader start, not two).
import path from "node:path";
import { APP_ENTRY, runApp } from "./compiled-app";

process.env.CHECKPOINT_DISABLE = "1";
process.env.CDKTF_OUTDIR ??= "cdktf.out";
const started = process.hrtime.bigint();
await runApp(path.resolve(import.meta.dirname, ".."), APP_ENTRY);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`synthesized into ${process.env.CDKTF_OUTDIR} in ${ms.toFixed(0)} ms`);
