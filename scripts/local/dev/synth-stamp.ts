/**
 * Whether a synth can be skipped: the outdir records, in `.synth-stamp.json`, a digest of
 * what the synth read (the size and mtime of every file under `main.ts`, `modules/` (the app included),
 * `functions/`, `web/`, the package and compiler files, and the environment variables that
 * configure environments) when it last succeeded. `npm start` in a checkout whose sources
 * did not change since that synth serves the outdir as it is, as `make` would.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const SOURCES = ["main.ts", "scripts/run-app.mjs", "scripts/compiled-app.mjs", "scripts/lazy-token-stacks.mjs", "modules", "functions", "web", "package.json", "package-lock.json", "cdktf.json", "tsconfig.json"];
const SKIP_DIRS = new Set(["node_modules", ".build", "cdktf.out", ".local", "dist"]);
/** Upper-case variables that never change what a synth writes. */
const VOLATILE = new Set(["PWD", "OLDPWD", "SHLVL", "_", "INIT_CWD", "COLUMNS", "LINES", "PORT", "TERM", "HOME", "PATH", "HOSTNAME", "SHELL", "USER", "LOGNAME", "MAIL", "LANG", "TZ", "TMPDIR"]);
const STAMP = ".synth-stamp.json";

/** A digest of the synth's inputs in `root`, taken before the synth starts. */
export function synthInputs(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    const stat = statSync(abs);
    if (stat.isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!SKIP_DIRS.has(name)) visit(path.join(rel, name));
      return;
    }
    hash.update(`${rel}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  for (const source of SOURCES) visit(source);
  for (const name of Object.keys(env).sort()) {
    if (/^[A-Z][A-Z0-9_]*$/.test(name) && !VOLATILE.has(name)) hash.update(`env ${name}=${env[name]}\n`);
  }
  return hash.digest("hex");
}

/** True when the outdir holds stacks synthesized from exactly these inputs. */
export function synthUpToDate(outdir: string, inputs: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(path.join(outdir, STAMP), "utf8")) as { inputs?: string };
    return stamp.inputs === inputs && existsSync(path.join(outdir, "stacks"));
  } catch {
    return false;
  }
}

export function recordSynth(outdir: string, inputs: string): void {
  writeFileSync(path.join(outdir, STAMP), `${JSON.stringify({ inputs, at: new Date().toISOString() })}\n`);
}
