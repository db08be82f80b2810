// The cdktf app: every stack of every configured environment.
// `cdktf synth` runs this file (cdktf.json); so does `npm run synth`.
import { App } from "cdktf";
import { loadEnvironments } from "./modules/config/environments";
import { findHandlerEntries, findProjectRoot, prebundle } from "./modules/nodejs-function/bundle";
import { defineApp } from "./modules/services";

// Bundle every handler in functions/ in one esbuild run before the stacks are built: same
// bytes as one-by-one builds, several times faster when cold; the functions then find their
// zips in the cache. A handler that fails to bundle is reported by the function that uses it.
try {
  prebundle(findHandlerEntries(), { projectRoot: findProjectRoot() });
} catch {
  // fall through to per-function bundling, which names the failing entry
}

const app = new App();
defineApp(app, loadEnvironments());
app.synth();
