// The synth proper: a cdktf App holding every stack of the given environments, written to
// `CDKTF_OUTDIR`. app.ts imports this module only once the handlers' bundling has started, so
// that cdktf, the provider classes and the stacks' modules load while esbuild works.
import { App } from "cdktf";
import type { Environment } from "../config/environments";
import { defineApp } from "./index";

export function synthesize(environments: readonly Environment[]): void {
  // No stack traces in the manifest's annotations: they were machine paths into the policy code.
  const app = new App({ stackTraces: false });
  defineApp(app, environments);
  app.synth();
}
