// The cdktf app's entry point in TypeScript: it runs the app, modules/services/app.ts (every
// stack of every configured environment), from a cached esbuild bundle of the project's
// TypeScript (scripts/compiled-app.mjs). cdktf.json runs the same thing without a TypeScript
// loader, `node scripts/run-app.mjs`, which starts faster; `npx tsx main.ts` gives the same output.
import { APP_ENTRY, runApp } from "./scripts/compiled-app.mjs";

await runApp(import.meta.dirname, APP_ENTRY);
