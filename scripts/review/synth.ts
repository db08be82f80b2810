/**
 * Synthesizes a cdktf app into an output directory (no CLI, no network); checks out a base
 * git ref into a temporary worktree. Reading the stacks back is modules/tfjson's.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface SynthOptions {
  /** Project directory (cwd of the app). */
  readonly cwd: string;
  readonly outdir: string;
  /** App entry relative to cwd. @default "main.ts" */
  readonly app?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs the app with tsx. Policy errors are reported by the review rather than failing
 * the synth (`POLICY_FAIL_ON=none`), so a failing pull request still gets its report.
 */
export function synthesize(o: SynthOptions): void {
  const res = spawnSync(process.execPath, ["--import", "tsx", o.app ?? "main.ts"], {
    cwd: o.cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      POLICY_FAIL_ON: "none",
      ...o.env,
      CDKTF_OUTDIR: resolve(o.outdir),
    },
  });
  if (res.status !== 0) {
    throw new Error(`synth of ${o.app ?? "main.ts"} in ${o.cwd} failed (exit ${res.status}):\n${res.stderr || res.stdout}`);
  }
}

/** Every stack of a cdktf output directory: name → synthesized stack. */
export { readStacks } from "../../modules/tfjson";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/**
 * Checks `ref` out into a temporary git worktree that reuses this checkout's node_modules
 * (a symlink), runs `fn` in it and removes the worktree afterwards.
 */
export async function withBaseWorktree<T>(repo: string, ref: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const root = git(repo, "rev-parse", "--show-toplevel");
  const commit = git(repo, "rev-parse", "--verify", `${ref}^{commit}`);
  const parent = mkdtempSync(join(tmpdir(), "review-base-"));
  const dir = join(parent, "base");
  git(root, "worktree", "add", "--detach", dir, commit);
  try {
    const modules = join(root, "node_modules");
    if (existsSync(modules) && !existsSync(join(dir, "node_modules"))) symlinkSync(modules, join(dir, "node_modules"), "dir");
    return await fn(dir);
  } finally {
    try {
      git(root, "worktree", "remove", "--force", dir);
    } catch {
      // already gone; prune below
    }
    git(root, "worktree", "prune");
    rmSync(parent, { recursive: true, force: true });
  }
}
