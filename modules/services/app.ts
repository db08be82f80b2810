// The cdktf app: every stack of every configured environment. cdktf.json's app
// (scripts/run-app.mjs: `cdktf synth`, `npm run synth`, `npm start`) and main.ts run it,
// compiled once and cached by scripts/compiled-app.mjs. It lives
// here, beside the stacks it composes, so the top level stays the one DESIGN.md fixes.
import { App } from "cdktf";
import { loadEnvironments } from "../config/environments";
import { findHandlerEntries, findProjectRoot, prebundle } from "../nodejs-function/bundle";
import { defineApp } from "./index";

/** Synthesizes every stack into `CDKTF_OUTDIR`. */
export function run(): void {
  // Bundle every handler in functions/ in one esbuild run before the stacks are built: same
  // bytes as one-by-one builds, several times faster when cold; the functions then find their
  // zips in the cache. A handler that fails to bundle is reported by the function that uses it.
  try {
    prebundle(findHandlerEntries(), { projectRoot: findProjectRoot() });
  } catch {
    // fall through to per-function bundling, which names the failing entry
  }

  // No stack traces in the manifest's annotations: they were machine paths into the policy code.
  const app = new App({ stackTraces: false });
  defineApp(app, loadEnvironments());
  app.synth();
}
