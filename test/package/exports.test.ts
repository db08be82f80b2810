// package.json's `exports` and `bin` name exactly the bundles that scripts/package/build.ts
// writes (scripts/package/entries.ts), and every entry's source exists.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DIST, ENTRIES, RUNTIME_FILES } from "../../scripts/package/entries";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
  files: string[];
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

describe("the package's entry points", () => {
  it("exports each module, the gateway and the review, with declarations, and nothing else", () => {
    const expected: Record<string, unknown> = { "./package.json": "./package.json" };
    for (const e of ENTRIES.filter((x) => x.export)) {
      expected[e.export!] = { types: `./${DIST}/types/${e.source.replace(/\.ts$/, ".d.ts")}`, default: `./${DIST}/${e.name}.js` };
    }
    expect(pkg.exports).to.deep.equal(expected);
    for (const name of ["./rest-api", "./nodejs-function", "./table", "./bucket", "./email", "./monitoring", "./backend", "./policy", "./config", "./local", "./review"]) {
      expect(pkg.exports).to.have.property(name);
    }
  });

  it("has a bin for the gateway and the review, and ships only dist/", () => {
    expect(pkg.bin).to.deep.equal(Object.fromEntries(ENTRIES.filter((e) => e.bin).map((e) => [e.bin!, `${DIST}/${e.name}.js`])));
    expect(pkg.files).to.deep.equal([DIST]);
  });

  it("every entry and runtime file exists", () => {
    for (const f of [...ENTRIES.map((e) => e.source), ...RUNTIME_FILES]) expect(existsSync(join(repo, f)), f).to.equal(true);
  });

  it("takes cdktf, constructs and the AWS provider as peers, developed against a version inside each range", () => {
    expect(Object.keys(pkg.peerDependencies).sort()).to.deep.equal(["@cdktf/provider-aws", "cdktf", "constructs"]);
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      expect(pkg.dependencies, name).to.not.have.property(name);
      expect(range, name).to.equal(`^${pkg.devDependencies[name]}`);
    }
  });
});
