// The GitHub workflows are validated against the workflow schema (@action-validator/core),
// then checked for what they must do: CI installs, lints, type checks and tests offline; plan
// reviews pull requests with OIDC credentials; deploy goes dev → prod behind environments;
// Terraform Cloud takes over when TF_CLOUD_ORGANIZATION and TF_API_TOKEN are set.
import { validateWorkflow } from "@action-validator/core";
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", ".github", "workflows");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  environment?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const source = (file: string) => readFileSync(join(dir, file), "utf8");
const load = (file: string) => parse(source(file)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const runs = (w: Workflow) => steps(w).map((s) => s.run ?? "").join("\n");

describe("GitHub workflows", () => {
  it("are all valid according to the workflow schema", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
    expect(files).to.include.members(["ci.yml", "plan.yml", "deploy.yml"]);
    for (const f of files) expect(validateWorkflow(source(f)).errors, f).to.deep.equal([]);
  });

  it("the validator rejects a malformed workflow (it is really checking)", () => {
    const broken = "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n";
    expect(validateWorkflow(broken).errors).to.not.deep.equal([]);
  });

  it("ci installs from the lockfile, lints, type checks and tests without calling home", () => {
    const ci = load("ci.yml");
    expect(ci.on).to.have.keys("push", "pull_request");
    expect(ci.env?.CHECKPOINT_DISABLE).to.equal("1");
    const commands = runs(ci);
    for (const c of ["npm ci", "npm run lint", "npm run typecheck", "npm test"]) expect(commands).to.include(c);
    expect(commands.indexOf("npm ci")).to.be.lessThan(commands.indexOf("npm test"));
  });

  it("plan runs on pull requests: synth, review with the API diff, cdktf diff per stack with OIDC credentials, a PR comment, SARIF to code scanning, cdktf.out uploaded", () => {
    const plan = load("plan.yml");
    expect(plan.on).to.have.key("pull_request");
    expect(plan.permissions).to.deep.include({ "id-token": "write", "pull-requests": "write", "security-events": "write" });
    const all = steps(plan);
    const commands = runs(plan);
    expect(commands).to.include("npm run synth");
    expect(commands).to.match(/npm run review -- --outdir cdktf\.out --base "origin\/\$\{\{ github\.base_ref \}\}"/);
    expect(commands).to.match(/npx cdktf diff "\$stack" --skip-synth/);
    const aws = all.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with?.["role-to-assume"]).to.equal("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(aws?.if).to.equal("env.TF_CLOUD_ORGANIZATION == ''");
    const comment = all.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(comment?.if).to.equal("always()");
    expect(String(comment?.with?.script)).to.include(".review/summary.md");
    const sarif = all.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(sarif?.with?.sarif_file).to.equal(".review/policy.sarif");
    expect(String(sarif?.if)).to.include("always()");
    const order = (s: unknown) => all.indexOf(s as (typeof all)[number]);
    expect(order(sarif)).to.be.greaterThan(order(all.find((s) => String(s.run ?? "").includes("npm run review"))));
    const upload = all.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(String(upload?.with?.path)).to.include("cdktf.out");
    expect(all.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.["fetch-depth"]).to.equal(0);
  });

  it("deploy runs on main, dev then prod, each job behind its protected environment", () => {
    const deploy = load("deploy.yml");
    expect(deploy.on).to.have.property("push").that.deep.equals({ branches: ["main"] });
    expect(deploy.jobs.dev?.with?.environment).to.equal("dev");
    expect(deploy.jobs.prod?.with?.environment).to.equal("prod");
    expect(deploy.jobs.prod?.needs).to.equal("dev");
    const reusable = load("deploy-environment.yml");
    expect(reusable.on).to.have.key("workflow_call");
    const job = reusable.jobs.deploy!;
    expect(job.environment).to.equal("${{ inputs.environment }}");
    expect(job.env?.ENVIRONMENTS).to.equal("${{ inputs.environment }}");
    expect(runs(reusable)).to.match(/npx cdktf deploy \$stacks --skip-synth --auto-approve/);
    expect(steps(reusable).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-to-assume"]).to.equal(
      "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
    );
  });

  it("release builds, tests and packs on a version tag, then publishes with provenance only behind the npm-release environment", () => {
    const release = load("release.yml");
    expect(release.on).to.have.property("push").that.deep.equals({ tags: ["v*.*.*"] });
    const build = release.jobs.build!;
    const commands = (build.steps ?? []).map((s) => s.run ?? "").join("\n");
    for (const c of ["npm ci", "npm run lint", "npm run typecheck", "npm test", "npm pack"]) expect(commands).to.include(c);
    expect(commands.indexOf("npm test")).to.be.lessThan(commands.indexOf("npm pack"));
    const publish = release.jobs.publish!;
    expect(publish.environment).to.equal("npm-release");
    expect(publish.needs).to.equal("build");
    expect((publish as { permissions?: Record<string, string> }).permissions).to.deep.include({ "id-token": "write" });
    const publishRuns = (publish.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(publishRuns).to.match(/npm publish .*--provenance/);
    expect(publishRuns.indexOf("private")).to.be.lessThan(publishRuns.indexOf("npm publish"));
  });

  it("switches to Terraform Cloud when TF_CLOUD_ORGANIZATION and TF_API_TOKEN are set, passing the token as TF_TOKEN_app_terraform_io", () => {
    for (const [file, env] of [
      ["plan.yml", load("plan.yml").env],
      ["deploy-environment.yml", load("deploy-environment.yml").jobs.deploy!.env],
    ] as const) {
      expect(env?.TF_CLOUD_ORGANIZATION, file).to.equal("${{ vars.TF_CLOUD_ORGANIZATION }}");
      expect(env?.TF_TOKEN_app_terraform_io, file).to.equal("${{ secrets.TF_API_TOKEN }}");
    }
  });
});
