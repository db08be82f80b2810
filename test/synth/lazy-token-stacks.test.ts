/**
 * scripts/lazy-token-stacks.mjs: cdktf's token creation stacks recorded as before but
 * formatted only when read. Each case runs in a child process of its own, since the hook
 * changes the cdktf module it is given: a resolution error reads exactly as with cdktf's own
 * eager function, a token's creation stack is an array of the same lines, and creating tokens
 * formats no stack trace until one is read. An unverified cdktf is left alone.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { installLazyTokenStacks, VERIFIED_CDKTF_VERSIONS } from "../../scripts/lazy-token-stacks.mjs";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");

/** Creates tokens and fails one's resolution; prints what it saw as JSON. */
const SCRIPT = `
import { createRequire } from "node:module";
const require = createRequire(process.env.PROJECT_PACKAGE);
const { installLazyTokenStacks } = await import(process.env.HOOK_URL);
const installed = process.env.LAZY === "1" ? installLazyTokenStacks(require) : false;
let formatted = 0;
Error.prepareStackTrace = (error, frames) => {
  formatted += 1;
  return [String(error), ...frames.map((f) => "    at " + f)].join("\\n");
};
const { App, Lazy, TerraformOutput, TerraformStack } = require("cdktf");
function makeFailingToken() {
  return Lazy.anyValue({ produce: () => { throw new Error("cannot produce"); } });
}
const app = new App({ outdir: process.env.OUTDIR, stackTraces: false });
const stack = new TerraformStack(app, "s");
const tokens = Array.from({ length: 50 }, () => Lazy.anyValue({ produce: () => "x" }));
const failing = makeFailingToken();
const formattedAfterCreating = formatted;
const lines = [...failing.creationStack];
new TerraformOutput(stack, "o", { value: failing });
let message;
try {
  app.synth();
} catch (error) {
  message = error.message;
}
console.log(JSON.stringify({
  installed, formattedAfterCreating, message, lines,
  isArray: Array.isArray(failing.creationStack),
  json: JSON.stringify(tokens[0].creationStack),
  length: tokens[0].creationStack.length,
}));
`;

interface Seen {
  installed: boolean;
  formattedAfterCreating: number;
  message: string;
  lines: string[];
  isArray: boolean;
  json: string;
  length: number;
}

describe("lazy token creation stacks (scripts/lazy-token-stacks.mjs)", function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "lazy-token-stacks-"));
    writeFileSync(path.join(dir, "tokens.mjs"), SCRIPT);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const seen = async (lazy: boolean): Promise<Seen> => {
    const { stdout } = await run(process.execPath, [path.join(dir, "tokens.mjs")], {
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        LAZY: lazy ? "1" : "0",
        PROJECT_PACKAGE: path.join(root, "package.json"),
        HOOK_URL: pathToFileURL(path.join(root, "scripts", "lazy-token-stacks.mjs")).href,
        OUTDIR: path.join(dir, "out"),
      },
    });
    return JSON.parse(stdout) as Seen;
  };

  it("gives the same resolution error and creation stacks as cdktf's eager capture, formatting none until one is read", async function () {
    const [eager, lazy] = await Promise.all([seen(false), seen(true)]);
    expect(lazy.installed, "installed for the project's cdktf").to.equal(true);
    expect(lazy.message).to.equal(eager.message);
    expect(lazy.message).to.match(/^Resolution error: cannot produce\.\nObject creation stack:\n {2}at /);
    expect(lazy.message).to.include(`at makeFailingToken (${pathToFileURL(path.join(dir, "tokens.mjs")).href}:`);
    expect(lazy.lines).to.deep.equal(eager.lines);
    expect(lazy.lines.some((l) => l.startsWith("makeFailingToken "))).to.equal(true);
    expect(lazy.isArray).to.equal(true);
    expect(lazy.json).to.equal(eager.json);
    expect(lazy.length).to.equal(eager.length).and.to.be.greaterThan(2);
    expect(eager.formattedAfterCreating, "cdktf formats every token's stack at once").to.be.greaterThan(50);
    expect(lazy.formattedAfterCreating, "nothing formatted before a stack is read").to.equal(0);
  });

  it("leaves a cdktf it was not verified with, or none, alone", function () {
    const fake = (version: string) => ((id: string) => (id === "cdktf/package.json" ? { version } : { captureStackTrace: () => [] })) as unknown as NodeJS.Require;
    expect(installLazyTokenStacks(fake("0.22.0"))).to.equal(false);
    const missing = (() => {
      throw new Error("Cannot find module 'cdktf/package.json'");
    }) as unknown as NodeJS.Require;
    expect(installLazyTokenStacks(missing)).to.equal(false);
    const projectCdktf = (createRequire(path.join(root, "package.json"))("cdktf/package.json") as { version: string }).version;
    expect(VERIFIED_CDKTF_VERSIONS).to.include(projectCdktf);
  });
});
