/**
 * The instant dev loop: a handler edit is served without a synth. Only the bundles that
 * read the edited file are rebuilt and only their functions' workers swapped; the
 * synthesized Terraform and its zips are untouched. Asserts behaviour, never time (the
 * edit-to-served time is a figure of `npm run bench -- dev`).
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startGateway, type Gateway } from "../../scripts/local/gateway";
import { devProject, type DevProject } from "./fixtures/dev-project";

const MAIN = fileURLToPath(new URL("../../scripts/local/main.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** A fingerprint of everything the synth wrote: stack JSON and asset zips. */
function outdirDigest(outdir: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else hash.update(p).update(readFileSync(p));
    }
  };
  walk(outdir);
  return hash.digest("hex");
}

function edit(project: DevProject, file: string, from: string, to: string): void {
  const p = join(project.root, file);
  const text = readFileSync(p, "utf8");
  expect(text, `${file} holds ${from}`).to.contain(from);
  writeFileSync(p, text.replace(from, to));
}

describe("dev loop: a handler edit is served without a synth", function () {
  let project: DevProject;

  before(async function () {
    project = await devProject();
  });

  after(function () {
    if (project) rmSync(project.root, { recursive: true, force: true });
  });

  describe("gateway.reloadFunctions", function () {
    let gateway: Gateway;
    let url: string;
    const text = async (path: string) => (await fetch(`${url}${path}`)).text();

    before(async function () {
      gateway = await startGateway({ outdir: project.outdir, projectRoot: project.root, port: 0, stateDir: join(project.root, "state-api"), log: () => undefined });
      url = gateway.api("dev-dev", "dev").url;
    });

    after(async function () {
      await gateway?.close();
    });

    it("rebuilds only the edited handler's bundle, swaps its workers and serves the new code; the Terraform and zips stay as synthesized", async function () {
      expect(await text("/hello")).to.equal("hello v1");
      expect(await text("/other")).to.equal("other v1");
      const synthesized = outdirDigest(project.outdir);

      edit(project, "functions/hello/index.ts", "`hello ", "`hi ");
      const report = await gateway.reloadFunctions(["functions/hello/index.ts"]);
      expect(report?.functions).to.deep.equal(["dev-hello"]);
      expect(report?.entries).to.deep.equal(["functions/hello/index.ts"]);
      expect(await text("/hello")).to.equal("hi v1");
      expect(await text("/other")).to.equal("other v1");
      expect(outdirDigest(project.outdir), "no synth: cdktf.out is byte for byte as it was").to.equal(synthesized);
    });

    it("rebuilds every bundle that imports an edited shared file", async function () {
      edit(project, "functions/lib/greeting.ts", '"v1"', '"v2"');
      const report = await gateway.reloadFunctions([join(project.root, "functions/lib/greeting.ts")]);
      expect(report?.functions).to.deep.equal(["dev-hello", "dev-other"]);
      expect(await text("/hello")).to.equal("hi v2");
      expect(await text("/other")).to.equal("other v2");
    });

    it("reloads nothing for a file no served bundle reads, and keeps serving the old code after a build error", async function () {
      writeFileSync(join(project.root, "functions", "README.md"), "notes\n");
      expect(await gateway.reloadFunctions(["functions/README.md"])).to.equal(undefined);
      edit(project, "functions/hello/index.ts", "async () =>", "async () => => (");
      let failed: unknown;
      try {
        await gateway.reloadFunctions(["functions/hello/index.ts"]);
      } catch (error) {
        failed = error;
      }
      expect(failed).to.be.instanceOf(Error);
      expect(await text("/hello")).to.equal("hi v2");
      edit(project, "functions/hello/index.ts", "async () => => (", "async () =>");
    });
  });

  describe("npm run dev (main.ts --watch)", function () {
    let child: ChildProcess | undefined;
    let output = "";

    after(async function () {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    });

    it("serves a saved handler edit, prints what it reloaded, and runs no synth", async function () {
      const stateDir = join(project.root, "state-cli");
      child = spawn(process.execPath, ["--import", TSX, MAIN, "--watch", "--no-synth", "--no-web", "--port", "0", "--outdir", project.outdir, "--state-dir", stateDir], {
        cwd: project.root,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
      const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) => {
        const deadline = Date.now() + ms;
        while (!(await check())) {
          if (Date.now() > deadline || child!.exitCode !== null) throw new Error(`${what}; output:\n${output}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until("the dev server never got ready", () => output.includes("watching functions/") && existsSync(join(stateDir, "endpoints.json")));
      const endpoints = JSON.parse(readFileSync(join(stateDir, "endpoints.json"), "utf8")) as { apis: { stack: string; url: string }[] };
      const url = endpoints.apis.find((a) => a.stack === "dev-dev")!.url;
      const synthesized = outdirDigest(project.outdir);
      const served = () => fetch(`${url}/hello`).then((r) => r.text());
      // A fresh gateway serves the synthesized zip, whatever the sources say since.
      expect(await served()).to.equal("hello v1");

      edit(project, "functions/hello/index.ts", "`hi ", "`hey ");
      await until("the edit was never served", async () => (await served()) === "hey v2", 30_000);
      await until("no reload line", () => /reloaded dev-hello in \d+ ms \(functions\/hello\/index\.ts rebuilt; no synth\)/.test(output), 5_000);
      expect(await fetch(`${url}/other`).then((r) => r.text()), "the other function still runs its synthesized zip").to.equal("other v1");
      expect(output).not.to.match(/synthesized|re-synthesized/);
      expect(outdirDigest(project.outdir)).to.equal(synthesized);
    });
  });
});
