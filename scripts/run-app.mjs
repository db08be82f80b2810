// cdktf.json's app (`node scripts/run-app.mjs`), which `cdktf synth`, `npm run synth` and
// `npm start` run: what main.ts does, in plain JavaScript, so that Node runs it with no
// TypeScript loader. The app (modules/services/app.ts) runs from its cached bundle
// (compiled-app.mjs), which esbuild rebuilds when a source changed; tsx is loaded only when
// the sources do not compile, to report the error as it reads in the source.
import path from "node:path";
import { APP_ENTRY, runApp } from "./compiled-app.mjs";

await runApp(path.resolve(import.meta.dirname, ".."), APP_ENTRY);
