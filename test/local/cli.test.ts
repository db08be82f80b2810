/**
 * The `npm start` command line: serves a synthesized outdir (--no-synth), prints the table
 * of API stages and keys, writes endpoints.json, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Endpoints } from "../../scripts/local/gateway";
import { synthFixture, type FixtureOutput } from "./fixtures/stacks";

function startCli(args: string[]): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/local/main.ts", ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready in \d+ ms on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code} before ready:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
}

describe("local gateway command line", function () {
  let fixture: FixtureOutput;

  before(async function () {
    fixture = await synthFixture();
  });

  after(function () {
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`serves the outdir, prints every stage's URL and keys, and exits 0 on ${signal}`, async function () {
      const stateDir = join(fixture.workDir, `cli-${signal}`);
      const cli = startCli(["--no-synth", "--outdir", fixture.outdir, "--state-dir", stateDir, "--port", "0", "--env", "dev"]);
      try {
        const url = await cli.ready;
        const endpoints = JSON.parse(readFileSync(join(stateDir, "endpoints.json"), "utf8")) as Endpoints;
        expect(endpoints.gateway).to.equal(url);
        for (const api of endpoints.apis) {
          expect(cli.output()).to.include(api.url);
          for (const [name, value] of Object.entries(api.apiKeys)) expect(cli.output()).to.include(`${name}=${value}`);
        }
        const res = await fetch(`${url}/items-dev/dev/mock/3`);
        expect(await res.json()).to.deep.equal({ ID: 3, name: "foo3", price: 4.5 });
        cli.child.kill(signal);
        expect(await exited(cli.child)).to.equal(0);
        let refused = false;
        await fetch(`${url}/items-dev/dev/mock/3`).catch(() => (refused = true));
        expect(refused, "the port is closed after shutdown").to.equal(true);
      } finally {
        if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
      }
    });
  }

  it("fails with a message naming the environments when --env has no stacks", async function () {
    const cli = startCli(["--no-synth", "--outdir", fixture.outdir, "--state-dir", join(fixture.workDir, "cli-bad"), "--port", "0", "--env", "qa"]);
    const notReady = cli.ready.then(
      () => false,
      () => true,
    );
    const code = await exited(cli.child);
    expect(code).to.equal(1);
    expect(await notReady).to.equal(true);
    expect(cli.output()).to.match(/environment "qa" has no stacks .*found: dev/);
  });
});
