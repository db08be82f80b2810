// The cdktf app's entry point: `cdktf synth` runs this file (cdktf.json); so do `npm run synth`
// and `npm start`. The stacks are defined in modules/services/app.ts; this runs it from a cached esbuild bundle
// of the project's TypeScript (scripts/compiled-app.ts), which loads far faster than tsx.
import { APP_ENTRY, runApp } from "./scripts/compiled-app";

await runApp(import.meta.dirname, APP_ENTRY);
