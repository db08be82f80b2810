// The cdktf app: every stack of every configured environment. cdktf.json's app
// (scripts/run-app.mjs: `cdktf synth`, `npm run synth`, `npm start`) and main.ts run it,
// compiled once and cached by scripts/compiled-app.mjs. It lives
// here, beside the stacks it composes, so the top level stays the one DESIGN.md fixes.
import { loadEnvironments } from "../config/environments";
import { findProjectRoot } from "../nodejs-function/bundle";
import { findHandlerEntries, prebundleAsync } from "../nodejs-function/prebundle";
import { prepareSynthSite } from "../../web/site-cache";

/** Synthesizes every stack into `CDKTF_OUTDIR`. */
export async function run(): Promise<void> {
  // Bundle every handler in functions/ in one esbuild run before the stacks are built: same
  // bytes as one-by-one builds, several times faster when cold; the functions then find their
  // zips in the cache. esbuild works in its own process while cdktf, the provider classes and
  // the stacks' modules load (synthesize.ts, imported here and not at the top, so that it loads
  // after this started).
  // A handler that fails to bundle is reported by the function that uses it.
  const bundled = prebundleAsync(findHandlerEntries(), { projectRoot: findProjectRoot() }).catch(() => {
    // fall through to per-function bundling, which names the failing entry
  });
  // Likewise the pages (the site stacks upload them), unless their cache is valid.
  const site = prepareSynthSite();
  const { synthesize } = await import("./synthesize");
  await Promise.all([bundled, site]);
  synthesize(loadEnvironments());
}
