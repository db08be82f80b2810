// `npm run review -- --base <ref>` end to end, on a throwaway git repository: the base is
// checked out into a temporary worktree, both sides are synthesized, and the API diff leads
// the report.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function app(routes: { method: string; path: string; apiKey: boolean }[]): string {
  return `
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";

const app = new App();
const stack = new TerraformStack(app, "demo-dev");
new AwsProvider(stack, "aws", { region: "us-east-1" });
const api = new ApiGatewayRestApi(stack, "Api", { name: "demo" });
const hello = new ApiGatewayResource(stack, "Hello", { restApiId: api.id, parentId: api.rootResourceId, pathPart: "hello" });
const integrations = [];
for (const r of ${JSON.stringify(routes)}) {
  const m = new ApiGatewayMethod(stack, r.method, { restApiId: api.id, resourceId: hello.id, httpMethod: r.method, authorization: "NONE", apiKeyRequired: r.apiKey });
  integrations.push(new ApiGatewayIntegration(stack, r.method + "Integration", { restApiId: api.id, resourceId: hello.id, httpMethod: m.httpMethod, type: "MOCK" }));
}
const deployment = new ApiGatewayDeployment(stack, "Deployment", { restApiId: api.id, dependsOn: integrations });
new ApiGatewayStage(stack, "Stage", { restApiId: api.id, deploymentId: deployment.id, stageName: "dev" });
app.synth();
`;
}

describe("npm run review -- --base <ref>", function () {
  this.timeout(180_000);
  let repo: string;
  before(() => {
    repo = mkdtempSync(join(tmpdir(), "review-git-"));
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "review@example.com");
    git("config", "user.name", "review test");
    symlinkSync(join(projectRoot, "node_modules"), join(repo, "node_modules"), "dir");
    writeFileSync(join(repo, ".gitignore"), "node_modules\n.review/\n");
    writeFileSync(join(repo, "app.ts"), app([{ method: "GET", path: "/hello", apiKey: true }]));
    git("add", ".gitignore", "app.ts");
    git("commit", "-q", "-m", "base");
    writeFileSync(
      join(repo, "app.ts"),
      app([
        { method: "GET", path: "/hello", apiKey: false },
        { method: "POST", path: "/hello", apiKey: true },
      ]),
    );
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it("synthesizes base and working tree and reports the added route and the removed API key first", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(projectRoot, "scripts", "review", "main.ts"), "--base", "HEAD", "--app", "app.ts"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    const out = `${run.stdout}\n${run.stderr}`;
    expect(out).to.include("API diff against HEAD: 0 breaking, 1 risky, 1 safe change(s)");
    expect(out).to.include("RISKY demo-dev/demo GET /hello: API key no longer required");
    // this throwaway app does not follow the policy (no access logs, no throttle, ...): the review says so and fails
    expect(out).to.match(/demo-dev: 2 route\(s\), [1-9]\d* policy error\(s\)/);
    expect(run.status).to.equal(1);

    const md = readFileSync(join(repo, ".review", "demo-dev.md"), "utf8");
    const diffAt = md.indexOf("## API changes against `HEAD`");
    expect(diffAt).to.be.greaterThan(-1);
    expect(diffAt).to.be.lessThan(md.indexOf("## API `demo`"));
    expect(md).to.include("| demo-dev/demo | GET /hello | dev | api-key-removed | API key no longer required |");
    expect(md).to.include("| demo-dev/demo | POST /hello | dev | endpoint-added | route added |");
    expect(md).to.include("The stack does not call `applyPolicy`");
    expect(existsSync(join(repo, ".review", "openapi", "demo-dev", "demo.dev.json"))).to.equal(true);
    expect(readFileSync(join(repo, ".review", "summary.md"), "utf8")).to.match(/^# Infrastructure review\n\n## API changes against `HEAD`/);
    const worktrees = execFileSync("git", ["worktree", "list"], { cwd: repo, encoding: "utf8" }).trim().split("\n");
    expect(worktrees).to.have.length(1);
  });
});
