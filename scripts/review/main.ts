// `npm run review [-- --outdir <cdktf.out>] [--base <git ref>] [--app main.ts] [--out .review]`
//
// Synthesizes the app (or reads an existing cdktf output with --outdir), then writes per stack
// a Markdown report (.review/<stack>.md), an OpenAPI 3 document per API and stage
// (.review/openapi/<stack>/<api>.<stage>.json, checked with an OpenAPI validator) and
// .review/summary.md (the pull request comment) and .review/policy.sarif (the policy findings
// as SARIF 2.1.0, for code scanning). With --base, the base ref is checked out
// into a temporary git worktree, synthesized too, and the API diff leads every report.
// Exit code 1 when a stack has unsuppressed policy errors or an OpenAPI document is invalid.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { review, validateOpenApi, writeReview } from "./review";
import { readStacks, synthesize, withBaseWorktree } from "./synth";

process.env.CHECKPOINT_DISABLE = "1";

const { values } = parseArgs({
  options: {
    outdir: { type: "string" },
    base: { type: "string" },
    app: { type: "string", default: "main.ts" },
    out: { type: "string", default: ".review" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log("usage: npm run review -- [--outdir cdktf.out] [--base <git ref>] [--app main.ts] [--out .review]");
  process.exit(0);
}

const cwd = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), "review-"));
try {
  const headOut = values.outdir ? resolve(values.outdir) : join(scratch, "head");
  if (!values.outdir) {
    console.log(`synthesizing ${values.app} ...`);
    synthesize({ cwd, outdir: headOut, app: values.app });
  }
  const head = readStacks(headOut);
  let base: { ref: string; stacks: ReturnType<typeof readStacks> } | undefined;
  if (values.base) {
    const ref = values.base;
    console.log(`synthesizing ${ref} in a temporary worktree ...`);
    const baseOut = join(scratch, "base");
    await withBaseWorktree(cwd, ref, (dir) => synthesize({ cwd: dir, outdir: baseOut, app: values.app }));
    base = { ref, stacks: readStacks(baseOut) };
  }
  const result = review(head, base);
  const written = writeReview(result, resolve(values.out!));

  let failed = false;
  for (const s of result.stacks) {
    for (const [name, doc] of s.openapi) {
      const errors = await validateOpenApi(doc);
      if (errors.length) {
        failed = true;
        console.error(`OpenAPI ${s.stack}/${name} is invalid:\n  ${errors.join("\n  ")}`);
      }
    }
  }
  console.log("");
  if (result.diff) {
    const d = result.diff;
    console.log(`API diff against ${values.base}: ${d.breaking.length} breaking, ${d.risky.length} risky, ${d.safe.length} safe change(s)`);
    for (const c of d.breaking) console.log(`  BREAKING ${c.api} ${c.subject}: ${c.detail}`);
    for (const c of d.risky) console.log(`  RISKY ${c.api} ${c.subject}: ${c.detail}`);
  }
  for (const s of result.stacks) {
    const errors = s.policy.findings.filter((f) => f.severity === "error").length;
    const routes = s.apis.reduce((n, a) => n + a.routes.length, 0);
    console.log(`${s.stack}: ${routes} route(s), ${errors} policy error(s), ${s.policy.findings.length - errors} warning(s), ${s.policy.suppressed.length} suppressed`);
    if (errors) failed = true;
  }
  if (result.stacks.length === 0) console.log("no stacks synthesized");
  console.log(`\nwrote ${written.length} file(s) under ${values.out}/ (summary: ${join(values.out!, "summary.md")}, SARIF: ${join(values.out!, "policy.sarif")})`);
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
