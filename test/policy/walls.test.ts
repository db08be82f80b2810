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

const imports = (file: string) => [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^"']*["']([^"']+)["']/gm)].map((m) => m[1]!);

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
});
