/**
 * scripts/compiled-app.mjs: the cached CommonJS bundle cdktf.json's app (scripts/run-app.mjs)
 * and main.ts run app.ts from. On a small
 * project of its own: built once and reused until an input (or a folder holding one)
 * changes, `import.meta` still meaning each source file, an error's stack mapped back to the
 * TypeScript, and a fallback to tsx when the sources do not compile (also from plain Node, with
 * no TypeScript loader registered). On the real app: every file of the outdir of cdktf.json's
 * app byte-identical to modules/services/app.ts run from its sources by tsx.
 */
import { expect } from "chai";
import { exec, execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { appCommand } from "../../scripts/app-command.mjs";
import { compileApp, runApp } from "../../scripts/compiled-app.mjs";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "compiled-app-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const FILES = {
  "app.ts": [
    'import { where } from "./sub/where";',
    'import { fail } from "./sub/thrower";',
    "export function run(): void {",
    "  (globalThis as Record<string, unknown>).compiledAppResult = where();",
    "  if (process.env.COMPILED_APP_FAIL) fail();",
    "}",
    "",
  ].join("\n"),
  "sub/where.ts": [
    "// The string below is text, not syntax: it must stay as written.",
    'const text: string = "import.meta.url";',
    "export function where(): { url: string; dirname: string; text: string } {",
    "  return { url: import.meta.url, dirname: import.meta.dirname, text };",
    "}",
    "",
  ].join("\n"),
  "sub/thrower.ts": ["interface Unused { a: number }", "", "export function fail(): never {", '  throw new Error("failing on purpose");', "}", ""].join("\n"),
};

describe("compiled app (scripts/compiled-app.mjs)", function () {
  const dirs: string[] = [];
  const fresh = (files: Record<string, string> = FILES) => {
    const d = project(files);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  afterEach(() => {
    delete process.env.COMPILED_APP_FAIL;
    delete (globalThis as Record<string, unknown>).compiledAppResult;
  });

  it("builds the bundle once and reuses it until an input changes or a file is added beside one", async function () {
    const dir = fresh();
    const first = await compileApp(dir, "app.ts");
    expect(first.built).to.equal(true);
    expect(readFileSync(first.file, "utf8")).to.include("failing on purpose");
    expect(await compileApp(dir, "app.ts")).to.deep.equal({ file: first.file, built: false });

    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, "sub", "thrower.ts"), later, later);
    expect((await compileApp(dir, "app.ts")).built, "after an mtime change").to.equal(true);
    expect((await compileApp(dir, "app.ts")).built).to.equal(false);

    writeFileSync(path.join(dir, "sub", "thrower.ts"), FILES["sub/thrower.ts"].replace("on purpose", "again"));
    const edited = await compileApp(dir, "app.ts");
    expect(edited.built, "after an edit").to.equal(true);
    expect(readFileSync(edited.file, "utf8")).to.include("failing again");
    expect(statSync(first.file, { throwIfNoEntry: false }), "the previous bundle is kept for a synth still loading it").to.not.equal(undefined);

    // A new file in an input's folder may change what an import resolves to (sub/where/index.ts).
    const folder = path.join(dir, "sub");
    writeFileSync(path.join(folder, "new.ts"), "export {};\n");
    utimesSync(folder, later, new Date(Date.now() + 120_000));
    expect((await compileApp(dir, "app.ts")).built, "after a file was added").to.equal(true);

    // Older bundles beyond the newest three are removed, with their maps.
    for (const text of ["one", "two", "three"]) {
      writeFileSync(path.join(dir, "sub", "thrower.ts"), FILES["sub/thrower.ts"].replace("on purpose", text));
      await compileApp(dir, "app.ts");
    }
    const left = readdirSync(path.join(dir, ".build", "app")).sort();
    expect(left.filter((f) => f.endsWith(".cjs"))).to.have.length(3);
    expect(left.filter((f) => f.endsWith(".cjs.map"))).to.have.length(3);
    expect(statSync(first.file, { throwIfNoEntry: false }), "the oldest is gone").to.equal(undefined);
  });

  it("keeps import.meta.url and import.meta.dirname of each source file, and strings as written", async function () {
    const dir = fresh();
    await runApp(dir, "app.ts");
    const result = (globalThis as Record<string, unknown>).compiledAppResult as { url: string; dirname: string; text: string };
    expect(result).to.deep.equal({
      url: pathToFileURL(path.join(dir, "sub", "where.ts")).href,
      dirname: path.join(dir, "sub"),
      text: "import.meta.url",
    });
    expect((await compileApp(dir, "app.ts")).built, "runApp left a valid cache").to.equal(false);
  });

  it("maps the stack of an error leaving the app back to the TypeScript source, and restores source maps", async function () {
    const dir = fresh();
    const before = process.sourceMapsEnabled;
    process.env.COMPILED_APP_FAIL = "1";
    const err = await runApp(dir, "app.ts").then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal("failing on purpose");
    expect(err?.stack).to.include(`${path.join(dir, "sub", "thrower.ts")}:4:9`);
    expect(err?.stack).to.include(`${path.join(dir, "app.ts")}:5:`);
    expect(err?.stack).not.to.include(".cjs:");
    expect(process.sourceMapsEnabled).to.equal(before);
  });

  it("imports the app through the TypeScript loader when it does not compile, so the error is the source's", async function () {
    const dir = fresh({ ...FILES, "sub/thrower.ts": "export function fail(): never {\n  throw new Error(;\n}\n" });
    const err = await runApp(dir, "app.ts").then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/thrower\.ts:2:\d+: ERROR: Unexpected/);
  });

  it("falls back to tsx from plain Node too, where no TypeScript loader is registered", async function () {
    const dir = fresh({ ...FILES, "sub/thrower.ts": "export function fail(): never {\n  throw new Error(;\n}\n" });
    const runner = pathToFileURL(path.join(root, "scripts", "compiled-app.mjs")).href;
    const script = `const { runApp } = await import(${JSON.stringify(runner)}); await runApp(${JSON.stringify(dir)}, "app.ts");`;
    const err = await run(process.execPath, ["--input-type=module", "--eval", script], { env: { ...process.env, NODE_OPTIONS: "" } }).then(
      () => undefined,
      (e: unknown) => e as Error & { stderr: string },
    );
    expect(err?.stderr).to.match(/thrower\.ts:2:\d+: ERROR: Unexpected/);
  });

  it("synthesizes the whole app (cdktf.json's app) byte-identically to modules/services/app.ts run from its sources by tsx", async function () {
    const out = mkdtempSync(path.join(os.tmpdir(), "compiled-app-synth-"));
    dirs.push(out);
    const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
    const synth = (args: string[], outdir: string) =>
      run(process.execPath, ["--import", "tsx", ...args], { cwd: root, env: { ...env, CDKTF_OUTDIR: outdir }, maxBuffer: 64 << 20 });
    expect(appCommand(root)).to.equal("node scripts/run-app.mjs");
    await promisify(exec)(appCommand(root)!, { cwd: root, env: { ...env, CDKTF_OUTDIR: path.join(out, "compiled") }, maxBuffer: 64 << 20 });
    await synth(["--eval", 'const app = await import("./modules/services/app.ts"); await app.run();', "--input-type=module"], path.join(out, "sources"));
    const tree = (d: string): Map<string, Buffer> => {
      const files = new Map<string, Buffer>();
      const walk = (sub: string) => {
        for (const name of readdirSync(path.join(d, sub)).sort()) {
          const rel = path.join(sub, name);
          if (statSync(path.join(d, rel)).isDirectory()) walk(rel);
          else files.set(rel, readFileSync(path.join(d, rel)));
        }
      };
      walk("");
      return files;
    };
    const compiled = tree(path.join(out, "compiled"));
    const sources = tree(path.join(out, "sources"));
    expect([...compiled.keys()]).to.deep.equal([...sources.keys()]);
    expect([...compiled.keys()].filter((k) => k.endsWith("cdk.tf.json"))).to.have.length.greaterThan(10);
    for (const [file, bytes] of compiled) expect(bytes.equals(sources.get(file)!), file).to.equal(true);
  });
});
