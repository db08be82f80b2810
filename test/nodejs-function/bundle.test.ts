import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import yauzl from "yauzl";
import {
  bundleFunction,
  bundleId,
  clearBundleCache,
  entriesDigest,
  findProjectRoot,
  relativeEntry,
  zipSync,
} from "../../modules/nodejs-function/bundle";
import { findHandlerEntries, metafileForEntry, prebundle, prebundleAsync } from "../../modules/nodejs-function/prebundle";
import { BROKEN_FIXTURE, CJS_FIXTURE, DYNAMO_FIXTURE } from "./support";
import { zipManySync } from "../../modules/nodejs-function/zip";

const root = findProjectRoot();

interface ZipItem {
  name: string;
  mode: number;
  dosDate: number;
  dosTime: number;
  method: number;
  extraFields: number;
  data: Buffer;
}

function readZip(bytes: Uint8Array): Promise<ZipItem[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const items: ZipItem[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            items.push({
              name: entry.fileName,
              mode: entry.externalFileAttributes >>> 16,
              dosDate: entry.lastModFileDate,
              dosTime: entry.lastModFileTime,
              method: entry.compressionMethod,
              extraFields: entry.extraFields.length,
              data: Buffer.concat(chunks),
            });
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(items));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** A scratch build root inside the project (so node_modules resolves), removed after the test. */
function scratchBuildRoot(): string {
  return mkdtempSync(path.join(root, ".build", "test-bundle-"));
}

describe("nodejs-function: bundle and zip", function () {
  const scratch: string[] = [];
  const scratchRoot = () => {
    const dir = scratchBuildRoot();
    scratch.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  describe("zipSync", () => {
    const a = { name: "a.txt", data: new TextEncoder().encode("alpha") };
    const b = { name: "b/index.mjs", data: new TextEncoder().encode("export const handler = 1;\n") };

    it("gives the same bytes whatever the order entries are given in, with entries sorted", async () => {
      const one = zipSync([b, a]);
      const two = zipSync([a, b]);
      expect(Buffer.from(one).equals(Buffer.from(two))).to.equal(true);
      expect((await readZip(one)).map((e) => e.name)).to.deep.equal(["a.txt", "b/index.mjs"]);
    });

    it("stores every entry deflated, dated 1980-01-01 00:00, mode 0644, with no extra timestamp field", async () => {
      const items = await readZip(zipSync([a, b]));
      for (const item of items) {
        expect(item.method, item.name).to.equal(8);
        expect(item.mode, item.name).to.equal(0o100644);
        // DOS date: (year-1980)<<9 | month<<5 | day; time 00:00:00.
        expect(item.dosDate, item.name).to.equal((0 << 9) | (1 << 5) | 1);
        expect(item.dosTime, item.name).to.equal(0);
        expect(item.extraFields, item.name).to.equal(0);
      }
      expect(items[0]!.data.toString()).to.equal("alpha");
    });

    it("builds several zips in one worker call with the bytes each has alone", () => {
      const c = { name: "c.txt", data: new TextEncoder().encode("gamma".repeat(1000)) };
      const jobs = [[a, b], [c], [b, c, a], [a, b]];
      const together = zipManySync(jobs);
      expect(together).to.have.length(4);
      together.forEach((zip, i) => expect(Buffer.from(zip).equals(Buffer.from(zipSync(jobs[i]!))), `job ${i}`).to.equal(true));
      expect(Buffer.from(together[0]!).equals(Buffer.from(together[1]!))).to.equal(false);
      expect(zipManySync([])).to.deep.equal([]);
    });

    it("gives the same bytes in any time zone (the DOS date is written from local-time fields)", () => {
      const worker = new URL("../../modules/nodejs-function/zip-worker.mjs", import.meta.url).href;
      const script =
        `import { createSyncFn } from "synckit";` +
        `const zip = createSyncFn(new URL(${JSON.stringify(worker)}), { execArgv: [] });` +
        `const [out] = zip([[{ name: "a.txt", data: new TextEncoder().encode("alpha") }]]);` +
        `process.stdout.write(Buffer.from(out).toString("base64"));`;
      const run = (tz: string) =>
        execFileSync(process.execPath, ["--input-type=module", "-e", script], {
          cwd: root,
          env: { ...process.env, TZ: tz, NODE_OPTIONS: "" },
        }).toString();
      const utc = run("UTC");
      expect(utc.length).to.be.greaterThan(0);
      expect(run("Pacific/Kiritimati")).to.equal(utc);
      expect(run("America/Los_Angeles")).to.equal(utc);
      expect(Buffer.from(zipSync([a])).toString("base64")).to.equal(utc);
    });

    it("digests entries independently of their order, and differently when a byte changes", () => {
      expect(entriesDigest([a, b])).to.equal(entriesDigest([b, a]));
      expect(entriesDigest([a, b])).to.not.equal(entriesDigest([a, { ...b, data: new TextEncoder().encode("x") }]));
    });
  });

  describe("ids and paths", () => {
    it("relativises entries to the project root with posix separators", () => {
      expect(relativeEntry("/p", "/p/functions/items/index.ts")).to.equal("functions/items/index.ts");
      expect(relativeEntry("/p", "functions/items/index.ts")).to.equal("functions/items/index.ts");
    });

    it("names a bundle after its entry plus a hash of the options that change the output", () => {
      const id = bundleId("functions/items/index.ts", {});
      expect(id).to.match(/^functions-items-index-[0-9a-f]{10}$/);
      expect(bundleId("functions/items/index.ts", {})).to.equal(id);
      expect(bundleId("functions/items/index.ts", { runtime: "nodejs22.x", sourceMap: false })).to.equal(id);
      expect(bundleId("functions/items/index.ts", { sourceMap: true })).to.not.equal(id);
      expect(bundleId("functions/items/index.ts", { runtime: "nodejs20.x" })).to.not.equal(id);
      expect(bundleId("functions/todos/index.ts", {})).to.not.equal(id);
    });
  });

  describe("bundleFunction", () => {
    it("bundles the AWS SDK into the output and tree-shakes the commands the handler does not use", () => {
      const b = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot: scratchRoot() });
      const outputs = Object.values(b.metafile.outputs);
      expect(outputs).to.have.length(1);
      const used = outputs[0]!.inputs;
      const sdk = Object.keys(used).filter((f) => f.startsWith("node_modules/@aws-sdk/client-dynamodb/dist-es/"));
      expect(sdk.length, "client-dynamodb files in the bundle").to.be.greaterThan(0);
      expect(used["node_modules/@aws-sdk/client-dynamodb/dist-es/commands/GetItemCommand.js"]?.bytesInOutput).to.be.greaterThan(0);
      // Parsed, but not in the output: tree-shaken.
      expect(b.metafile.inputs).to.have.property("node_modules/@aws-sdk/client-dynamodb/dist-es/commands/ScanCommand.js");
      expect(used).to.not.have.property("node_modules/@aws-sdk/client-dynamodb/dist-es/commands/ScanCommand.js");
      const code = readFileSync(path.join(b.dir, "index.mjs"), "utf8");
      expect(code).to.not.match(/from\s*"@aws-sdk\//);
    });

    it("leaks no machine path into the bundle, the source map or the metafile", () => {
      const b = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, sourceMap: true, buildRoot: scratchRoot() });
      const code = readFileSync(path.join(b.dir, "index.mjs"), "utf8");
      const map = readFileSync(path.join(b.dir, "index.mjs.map"), "utf8");
      expect(code).to.not.include(root);
      expect(map).to.not.include(root);
      const relSource = path.relative(b.dir, path.join(root, DYNAMO_FIXTURE)).split(path.sep).join("/");
      expect(relSource.startsWith("../")).to.equal(true);
      expect(JSON.parse(map).sources).to.include(relSource);
      expect(Object.keys(b.metafile.inputs).every((f) => !path.isAbsolute(f))).to.equal(true);
    });

    it("zips index.mjs (and its map when asked) and hashes the zip bytes", async () => {
      const b = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, sourceMap: true, buildRoot: scratchRoot() });
      const bytes = readFileSync(b.zipPath);
      expect((await readZip(bytes)).map((e) => e.name)).to.deep.equal(["index.mjs", "index.mjs.map"]);
      const { createHash } = await import("node:crypto");
      expect(b.sha256Hex).to.equal(createHash("sha256").update(bytes).digest("hex"));
      expect(b.sha256Base64).to.equal(createHash("sha256").update(bytes).digest("base64"));
      expect(b.zipSize).to.equal(bytes.length);
      expect(b.bundleSize).to.equal(statSync(path.join(b.dir, "index.mjs")).size);
      expect(JSON.parse(readFileSync(b.metafilePath, "utf8"))).to.deep.equal(b.metafile);
    });

    it("builds byte-identical zips after the sources' mtimes change", () => {
      const sources = [path.join(root, DYNAMO_FIXTURE)];
      const before = sources.map((f) => statSync(f));
      try {
        const first = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot: scratchRoot() });
        const firstBytes = readFileSync(first.zipPath);
        const later = new Date(Date.now() + 3_600_000);
        for (const f of sources) utimesSync(f, later, later);
        clearBundleCache();
        const second = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot: scratchRoot() });
        expect(second.cache).to.equal("none");
        expect(second.zipMs, "the second build zipped afresh").to.be.greaterThan(0);
        expect(second.zipPath).to.not.equal(first.zipPath);
        expect(readFileSync(second.zipPath).equals(firstBytes)).to.equal(true);
        expect(second.sha256Base64).to.equal(first.sha256Base64);
      } finally {
        sources.forEach((f, i) => utimesSync(f, before[i]!.atime, before[i]!.mtime));
      }
    });

    it("runs esbuild again only when an input's stamp changed, in this process or the next", () => {
      const buildRoot = scratchRoot();
      const file = path.join(root, DYNAMO_FIXTURE);
      const before = statSync(file);
      try {
        const first = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot });
        expect(first.cache).to.equal("none");
        expect(first.zipMs, "a first build zips").to.be.greaterThan(0);
        const again = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot });
        expect(again.cache, "same process, nothing changed").to.equal("memory");
        clearBundleCache(); // as if a new process started
        const nextProcess = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot });
        expect(nextProcess.cache, "next process, nothing changed: stamps on disk").to.equal("disk");
        expect(nextProcess.sha256Hex).to.equal(first.sha256Hex);
        expect(nextProcess.metafile).to.deep.equal(first.metafile);

        const later = new Date(Date.now() + 7_200_000);
        utimesSync(file, later, later);
        const touched = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot });
        expect(touched.cache, "an input's mtime changed: esbuild ran again").to.equal("none");
        expect(touched.bundleMs).to.be.greaterThan(0);
        expect(touched.zipMs, "same bundle bytes: the zip on disk was reused").to.equal(0);
        expect(touched.sha256Hex).to.equal(first.sha256Hex);
        clearBundleCache();
        expect(bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot }).cache).to.equal("disk");
      } finally {
        utimesSync(file, before.atime, before.mtime);
      }
    });

    it("prebundles many handlers in one esbuild run into the same bytes and metafiles as single builds", () => {
      const single = scratchRoot();
      const batch = scratchRoot();
      const entries = [DYNAMO_FIXTURE, CJS_FIXTURE];
      const singles = entries.map((entry) => bundleFunction({ entry, projectRoot: root, buildRoot: single, sourceMap: true }));
      const batched = prebundle(entries, { projectRoot: root, buildRoot: batch, sourceMap: true });
      expect(batched.map((b) => b.cache)).to.deep.equal(["none", "none"]);
      batched.forEach((b, i) => {
        const s = singles[i]!;
        expect(b.id).to.equal(s.id);
        expect(readFileSync(b.zipPath).equals(readFileSync(s.zipPath)), entries[i]).to.equal(true);
        // Same inputs and outputs, modulo the build folder in the output paths.
        expect(Object.keys(b.metafile.inputs).sort()).to.deep.equal(Object.keys(s.metafile.inputs).sort());
        const rel = (p: string) => path.relative(path.dirname(p), p);
        expect(Object.keys(b.metafile.outputs).map(rel)).to.deep.equal(Object.keys(s.metafile.outputs).map(rel));
      });
      // Later single calls are served from the cache the batch filled.
      const again = bundleFunction({ entry: CJS_FIXTURE, projectRoot: root, buildRoot: batch, sourceMap: true });
      expect(again.cache).to.equal("memory");
      expect(again.sha256Hex).to.equal(batched[1]!.sha256Hex);
      expect(prebundle(entries, { projectRoot: root, buildRoot: batch, sourceMap: true }).map((b) => b.cache)).to.deep.equal([
        "memory",
        "memory",
      ]);
    });

    it("prebundles asynchronously into the same bytes and records as the synchronous batch", async () => {
      const sync = scratchRoot();
      const async = scratchRoot();
      const entries = [DYNAMO_FIXTURE, CJS_FIXTURE];
      const expected = prebundle(entries, { projectRoot: root, buildRoot: sync, sourceMap: true });
      const pending = prebundleAsync(entries, { projectRoot: root, buildRoot: async, sourceMap: true });
      const got = await pending;
      expect(got.map((b) => b.cache)).to.deep.equal(["none", "none"]);
      got.forEach((b, i) => {
        expect(b.id).to.equal(expected[i]!.id);
        expect(readFileSync(b.zipPath).equals(readFileSync(expected[i]!.zipPath)), entries[i]).to.equal(true);
        expect(Object.keys(b.metafile.inputs).sort()).to.deep.equal(Object.keys(expected[i]!.metafile.inputs).sort());
      });
      expect((await prebundleAsync(entries, { projectRoot: root, buildRoot: async, sourceMap: true })).map((b) => b.cache)).to.deep.equal(["memory", "memory"]);
      clearBundleCache();
      expect(prebundle(entries, { projectRoot: root, buildRoot: async, sourceMap: true }).map((b) => b.cache), "recorded on disk").to.deep.equal(["disk", "disk"]);
      await prebundleAsync([CJS_FIXTURE, BROKEN_FIXTURE], { projectRoot: root, buildRoot: scratchRoot() }).then(
        () => expect.fail("a broken handler must fail the batch"),
        (err: Error) => expect(err.message).to.match(/Bundling 2 handler\(s\) with esbuild failed: .*Could not resolve "\.\/does-not-exist"/s),
      );
    });

    it("keeps, in a per-entry metafile, only the inputs reachable from that entry", () => {
      const meta = {
        inputs: {
          "a.ts": { bytes: 1, imports: [{ path: "shared.ts", kind: "import-statement" as const }] },
          "b.ts": { bytes: 1, imports: [{ path: "only-b.ts", kind: "import-statement" as const }, { path: "node:fs", kind: "import-statement" as const, external: true }] },
          "shared.ts": { bytes: 1, imports: [] },
          "only-b.ts": { bytes: 1, imports: [{ path: "shared.ts", kind: "import-statement" as const }] },
        },
        outputs: {
          "out/a/index.mjs": { bytes: 1, inputs: {}, imports: [], exports: ["handler"], entryPoint: "a.ts" },
          "out/b/index.mjs": { bytes: 1, inputs: {}, imports: [], exports: ["handler"], entryPoint: "b.ts" },
        },
      };
      const a = metafileForEntry(meta, "a.ts", ["out/a/index.mjs"]);
      expect(Object.keys(a.inputs)).to.deep.equal(["a.ts", "shared.ts"]);
      expect(Object.keys(a.outputs)).to.deep.equal(["out/a/index.mjs"]);
      expect(Object.keys(metafileForEntry(meta, "b.ts", ["out/b/index.mjs"]).inputs)).to.deep.equal(["b.ts", "shared.ts", "only-b.ts"]);
    });

    it("fails a batch with esbuild's message when one handler does not bundle", () => {
      expect(() => prebundle([CJS_FIXTURE, BROKEN_FIXTURE], { projectRoot: root, buildRoot: scratchRoot() })).to.throw(
        /Bundling 2 handler\(s\) with esbuild failed: .*Could not resolve "\.\/does-not-exist"/s,
      );
    });

    it("finds handler entries one folder per function, skipping lib", () => {
      const entries = findHandlerEntries(root, "test/fixtures/functions");
      expect(entries).to.deep.equal([
        "test/fixtures/functions/broken/index.ts",
        "test/fixtures/functions/cjs-dep/index.ts",
        "test/fixtures/functions/dynamo-get/index.ts",
      ]);
      expect(findHandlerEntries(root, "no-such-folder")).to.deep.equal([]);
      expect(findHandlerEntries(root).every((e) => e.startsWith("functions/") && !e.startsWith("functions/lib/"))).to.equal(true);
    });

    it("produces a bundle whose bundled CommonJS dependency can require Node built-ins", async () => {
      const b = bundleFunction({ entry: CJS_FIXTURE, projectRoot: root, buildRoot: scratchRoot() });
      const mod = (await import(pathToFileURL(path.join(b.dir, "index.mjs")).href)) as {
        handler(): Promise<{ statusCode: number; body: string }>;
      };
      expect(await mod.handler()).to.deep.equal({ statusCode: 200, body: "a/b" });
    });

    it("produces a DynamoDB handler that imports and answers without the network", async () => {
      const b = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot: scratchRoot() });
      const mod = (await import(pathToFileURL(path.join(b.dir, "index.mjs")).href)) as {
        handler(e: unknown): Promise<{ statusCode: number; body: string }>;
      };
      const res = await mod.handler({ pathParameters: null });
      expect(res.statusCode).to.equal(400);
      expect(JSON.parse(res.body)).to.deep.equal({ message: "id is required" });
    });

    it("fails with the entry and esbuild's message when the code does not bundle", () => {
      expect(() => bundleFunction({ entry: BROKEN_FIXTURE, projectRoot: root, buildRoot: scratchRoot() })).to.throw(
        /Bundling "test\/fixtures\/functions\/broken\/index.ts" with esbuild failed: .*Could not resolve "\.\/does-not-exist"/s,
      );
    });

    it("fails clearly when the entry does not exist", () => {
      expect(() => bundleFunction({ entry: "functions/nope/index.ts", projectRoot: root, buildRoot: scratchRoot() })).to.throw(
        /Cannot bundle "functions\/nope\/index.ts": no such file/,
      );
    });
  });
});
