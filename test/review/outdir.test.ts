// `npm run review -- --outdir <dir>` on an existing synth: no synthesis, reports written,
// exit code 0 when every stack is clean.
import { expect } from "chai";
import { App } from "cdktf";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readStacks } from "../../scripts/review/synth";
import { itemsStack } from "./items-fixture";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("npm run review -- --outdir", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "review-outdir-"));
    const app = new App({ outdir: join(dir, "cdktf.out") });
    itemsStack(app, "items-catalog-dev");
    itemsStack(app, "items-catalog-prod");
    app.synth();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every stack from the manifest", () => {
    expect([...readStacks(join(dir, "cdktf.out")).keys()].sort()).to.deep.equal(["items-catalog-dev", "items-catalog-prod"]);
  });

  it("writes a report per stack, the OpenAPI documents and the summary, and exits 0 when no stack has errors", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(projectRoot, "scripts", "review", "main.ts"), "--outdir", join(dir, "cdktf.out"), "--out", join(dir, "out")], {
      cwd: projectRoot,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    expect(run.stdout).to.not.include("synthesizing");
    expect(run.stdout).to.include("items-catalog-dev: 5 route(s), 0 policy error(s), 0 warning(s), 3 suppressed");
    expect(run.status, run.stderr).to.equal(0);
    for (const f of ["items-catalog-dev.md", "items-catalog-prod.md", "summary.md", "policy.sarif", "openapi/items-catalog-dev/ItemsAPI.prod.json"]) {
      expect(existsSync(join(dir, "out", f)), f).to.equal(true);
    }
    const summary = readFileSync(join(dir, "out", "summary.md"), "utf8");
    expect(summary).to.include("| items-catalog-prod | 1 | 5 | 0 | 0 | 3 |");
  });
});
