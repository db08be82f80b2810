import path from "node:path";
import { expect } from "chai";
import {
  CREATE_REQUIRE_BANNER,
  esbuildOptions,
  esbuildTarget,
  LAMBDA_CREDENTIALS_FILE,
  lambdaCredentialsAlias,
  SDK_CREDENTIAL_CHAIN,
  type NodejsRuntime,
} from "../../modules/nodejs-function/esbuild-options";

const base = { entry: "functions/items/index.ts", outfile: ".build/functions/x/index.mjs", absWorkingDir: "/project" };

describe("nodejs-function: esbuildOptions (pure)", () => {
  it("bundles one relative entry into an ESM index.mjs for Node, from the project root", () => {
    const o = esbuildOptions(base);
    expect(o.entryPoints).to.deep.equal(["functions/items/index.ts"]);
    expect(o.outfile).to.equal(".build/functions/x/index.mjs");
    expect(o.absWorkingDir).to.equal("/project");
    expect(o).to.include({ bundle: true, platform: "node", format: "esm", metafile: true, legalComments: "none" });
  });

  it("minifies, tree-shakes and prefers the ES build of packages by default", () => {
    const o = esbuildOptions(base);
    expect(o.minify).to.equal(true);
    expect(o.treeShaking).to.equal(true);
    expect(o.mainFields).to.deep.equal(["module", "main"]);
  });

  it("bundles the AWS SDK v3: nothing is external by default", () => {
    expect(esbuildOptions(base).external).to.deep.equal([]);
    expect(esbuildOptions({ ...base, external: ["@aws-sdk/*"] }).external).to.deep.equal(["@aws-sdk/*"]);
  });

  it("gives the SDK clients the Lambda environment's credentials in place of the default chain", () => {
    expect(esbuildOptions(base).alias).to.deep.equal({ [SDK_CREDENTIAL_CHAIN]: lambdaCredentialsAlias("/project") });
    expect(SDK_CREDENTIAL_CHAIN).to.equal("@aws-sdk/credential-provider-node");
    // esbuild resolves an alias from the working directory: "./" and posix separators.
    const root = path.resolve(path.dirname(LAMBDA_CREDENTIALS_FILE), "..", "..");
    expect(lambdaCredentialsAlias(root)).to.equal("./modules/nodejs-function/lambda-credentials.mjs");
  });

  it("targets the Node version of the runtime, nodejs22.x by default", () => {
    expect(esbuildOptions(base).target).to.equal("node22");
    const cases: [NodejsRuntime, string][] = [
      ["nodejs20.x", "node20"],
      ["nodejs22.x", "node22"],
      ["nodejs24.x", "node24"],
    ];
    for (const [runtime, target] of cases) {
      expect(esbuildOptions({ ...base, runtime }).target).to.equal(target);
      expect(esbuildTarget(runtime)).to.equal(target);
    }
  });

  it("rejects a runtime that is not a Node.js one", () => {
    expect(() => esbuildTarget("python3.12" as NodejsRuntime)).to.throw(/Unsupported runtime "python3.12"/);
  });

  it("writes no source map unless asked, and then an external one without sources content", () => {
    expect(esbuildOptions(base).sourcemap).to.equal(false);
    const o = esbuildOptions({ ...base, sourceMap: true });
    expect(o.sourcemap).to.equal("external");
    expect(o.sourcesContent).to.equal(false);
  });

  it("defines require with createRequire in a banner, so bundled CommonJS works in ESM", () => {
    const banner = esbuildOptions(base).banner?.js ?? "";
    expect(banner).to.equal(CREATE_REQUIRE_BANNER);
    expect(banner).to.match(/import \{ createRequire as \w+ \} from "node:module"/);
    expect(banner).to.match(/const require = \w+\(import\.meta\.url\)/);
  });

  it("can turn minification off (the bench's comparison build)", () => {
    expect(esbuildOptions({ ...base, minify: false }).minify).to.equal(false);
  });

  it("is a pure function: equal props give deeply equal options", () => {
    expect(esbuildOptions({ ...base, sourceMap: true })).to.deep.equal(esbuildOptions({ ...base, sourceMap: true }));
  });
});
