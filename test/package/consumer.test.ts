// The package as someone else's cdktf app gets it: `npm pack` (which builds dist/ through
// `prepack`), a fresh app in a temporary folder outside the repository that installs the
// tarball and the peers (from the local npm cache; the registry at most), one plain
// TerraformStack with RestApi, NodejsFunction and Table (test/package/consumer-app/), then:
// type-check it against the package's declarations, synthesize it, serve it with the packaged
// gateway bin and call it, and review it with the packaged review bin.
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const appSources = join(repo, "test", "package", "consumer-app");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, maxBuffer: 64 << 20 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function ok(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const res = run(command, args, cwd, env);
  if (res.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${res.status}):\n${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

async function waitFor<T>(what: string, probe: () => T | undefined, child: ChildProcess, log: () => string): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`${what}: the process exited (${child.exitCode}):\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the packed package in someone else's cdktf app", function () {
  this.timeout(600_000);
  let scratch: string;
  let app: string;
  let tarball: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "consumer-"));
    app = join(scratch, "app");
    const packed = JSON.parse(ok("npm", ["pack", "--json", "--pack-destination", scratch], repo).replace(/^[^[]*/, "")) as { filename: string; files: { path: string }[] }[];
    tarball = join(scratch, packed[0]!.filename);
    ok("mkdir", ["-p", app], scratch);
    for (const f of readdirSync(appSources)) copyFileSync(join(appSources, f), join(app, f));
    const peers = Object.fromEntries(Object.keys(pkg.peerDependencies).map((p) => [p, pkg.devDependencies[p]!]));
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "consumer-app",
        version: "1.0.0",
        private: true,
        dependencies: { [pkg.name]: `file:${tarball}`, ...peers },
        devDependencies: { typescript: pkg.devDependencies.typescript, "@types/node": pkg.devDependencies["@types/node"] },
      }),
    );
    writeFileSync(join(app, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node build/main.js" }));
    ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("packs only the build output, README, LICENSE and package.json", () => {
    const files = ok("tar", ["tzf", tarball], scratch).trim().split("\n").map((f) => f.replace(/^package\//, ""));
    const outside = files.filter((f) => !f.startsWith("dist/"));
    expect(outside.sort()).to.deep.equal(["LICENSE", "README.md", "package.json"]);
    for (const f of ["dist/rest-api.js", "dist/local.js", "dist/gateway-cli.js", "dist/review-cli.js", "dist/types/modules/rest-api/index.d.ts", "dist/lambda-runtime.mjs", "dist/zip-worker.mjs"]) {
      expect(files).to.include(f);
    }
  });

  it("installs with its peers at the tested versions and no missing or invalid dependency", () => {
    const tree = JSON.parse(ok("npm", ["ls", "--json", "--all"], app)) as { problems?: string[] };
    expect(tree.problems ?? []).to.deep.equal([]);
  });

  it("type-checks the app against the package's declarations (CommonJS, node20 resolution)", () => {
    const res = run(process.execPath, [join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app);
    expect(res.stdout + res.stderr).to.equal("");
    expect(res.status).to.equal(0);
  });

  it("synthesizes the stack: the function's zip, the table and the API with its route", () => {
    ok(process.execPath, ["build/main.js"], app, { CDKTF_OUTDIR: "cdktf.out" });
    const json = JSON.parse(readFileSync(join(app, "cdktf.out", "stacks", "hello-dev", "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const lambda = Object.values(json.resource.aws_lambda_function!)[0]!;
    expect(lambda.function_name).to.equal("Hello");
    expect(String(lambda.filename)).to.match(/\.zip$/);
    expect(Object.values(json.resource.aws_dynamodb_table!)[0]!.name).to.equal("greetings");
    expect(Object.values(json.resource.aws_api_gateway_resource!).map((r) => r.path_part)).to.include.members(["hello", "{name}"]);
  });

  it("serves it with the packaged gateway bin: 403 without the key, 200 with it, the item written to and read from local DynamoDB", async () => {
    const stateDir = join(app, ".local");
    const child = spawn(join(app, "node_modules", ".bin", "cdktf-rest-gateway"), ["--no-synth", "--outdir", "cdktf.out", "--port", "0", "--state-dir", stateDir], {
      cwd: app,
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (d) => (log += String(d)));
    child.stderr!.on("data", (d) => (log += String(d)));
    try {
      const endpoints = await waitFor(
        "endpoints.json",
        () => (existsSync(join(stateDir, "endpoints.json")) && /ready in/.test(log) ? (JSON.parse(readFileSync(join(stateDir, "endpoints.json"), "utf8")) as { apis: { url: string; apiKeys: Record<string, string> }[] }) : undefined),
        child,
        () => log,
      );
      const api = endpoints.apis[0]!;
      expect(api.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/hello-dev\/v1$/);
      const denied = await fetch(`${api.url}/hello/ann`);
      expect(denied.status).to.equal(403);
      expect(await denied.json()).to.deep.equal({ message: "Forbidden" });
      const key = Object.values(api.apiKeys)[0]!;
      const res = await fetch(`${api.url}/hello/ann`, { headers: { "x-api-key": key } });
      expect(res.status, log).to.equal(200);
      expect(await res.json()).to.deep.equal({ greeting: "hello, ann" });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });

  it("reviews it with the packaged review bin: route table, OpenAPI document, no policy error", () => {
    const res = run(join(app, "node_modules", ".bin", "cdktf-rest-review"), ["--outdir", "cdktf.out", "--out", ".review"], app);
    expect(res.status, res.stdout + res.stderr).to.equal(0);
    const report = readFileSync(join(app, ".review", "hello-dev.md"), "utf8");
    expect(report).to.include("/hello/{name}");
    expect(report).to.match(/0 error\(s\)/);
    expect(readdirSync(join(app, ".review", "openapi", "hello-dev"))).to.have.length.greaterThan(0);
  });
});
