import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Module specifiers of a file's import and export-from declarations (and dynamic imports). */
const imports = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\b[^;"']*?\sfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)].map(
    (m) => (m[1] ?? m[2] ?? m[3])!,
  );

describe("layout walls", () => {
  it("modules/policy is a library: it never imports modules/services, functions or scripts, nor the provider package root", () => {
    const offending = files(join(root, "modules", "policy")).flatMap((f) =>
      imports(f)
        .filter((i) => /(^|\/)(services|functions|scripts)(\/|$)/.test(i) || i === "@cdktf/provider-aws")
        .map((i) => `${f.slice(root.length + 1)}: ${i}`),
    );
    expect(offending).to.deep.equal([]);
  });

  it("scripts/review never imports scripts/local", () => {
    const offending = files(join(root, "scripts", "review")).flatMap((f) => imports(f).filter((i) => /(^|\/)local(\/|$)/.test(i)).map((i) => `${f}: ${i}`));
    expect(offending).to.deep.equal([]);
  });

  it("scripts/local never imports cdktf, constructs or a construct module: of modules/ only modules/tfjson", () => {
    const offending = files(join(root, "scripts", "local")).flatMap((f) =>
      imports(f)
        .filter((i) => /^(cdktf|constructs|@cdktf\/)/.test(i) || (/(^|\/)modules\//.test(i) && !/(^|\/)modules\/tfjson(\/|$)/.test(i)))
        .map((i) => `${f.slice(root.length + 1)}: ${i}`),
    );
    expect(offending).to.deep.equal([]);
    // and the gateway does read Terraform through the library (the wall is not vacuous)
    expect(files(join(root, "scripts", "local")).some((f) => imports(f).some((i) => /modules\/tfjson$/.test(i)))).to.equal(true);
  });

  it("modules/tfjson imports neither cdktf, constructs nor another module of the repository", () => {
    const offending = files(join(root, "modules", "tfjson")).flatMap((f) =>
      imports(f)
        .filter((i) => /^(cdktf|constructs|@cdktf\/)/.test(i) || i.startsWith("../"))
        .map((i) => `${f.slice(root.length + 1)}: ${i}`),
    );
    expect(offending).to.deep.equal([]);
  });

  it("the Terraform JSON resource type is defined once, in modules/tfjson", () => {
    const definitions = ["modules", "scripts", "test"].flatMap((d) =>
      files(join(root, d))
        .filter((f) => /^\s*export\s+(interface|type)\s+TfResource\b/m.test(readFileSync(f, "utf8")))
        .map((f) => f.slice(root.length + 1)),
    );
    expect(definitions).to.deep.equal(["modules/tfjson/stack.ts"]);
  });
});
